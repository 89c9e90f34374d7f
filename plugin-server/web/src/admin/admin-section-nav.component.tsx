// The admin pages' own navigation, above each of them (the main navigation has one "Admin" entry).

import { SectionNav } from '../layout/section-nav.component.tsx';
import { ROUTES, type RoutePath } from '../routing/router.ts';

const SECTION: readonly { path: RoutePath; label: string }[] = [
  { path: ROUTES.destinations, label: 'Destinations' },
  { path: ROUTES.routingRules, label: 'Routing rules' },
];

export function AdminSectionNav({ current }: { current: RoutePath }) {
  return <SectionNav label="Admin" pages={SECTION} current={current} />;
}
