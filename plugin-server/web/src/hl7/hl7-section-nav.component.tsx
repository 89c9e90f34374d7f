// The HL7 pages' own navigation, above each of them (the main navigation has one "HL7" entry).

import { SectionNav } from '../layout/section-nav.component.tsx';
import { ROUTES, type RoutePath } from '../routing/router.ts';

const SECTION: readonly { path: RoutePath; label: string }[] = [
  { path: ROUTES.hl7Messages, label: 'Messages' },
  { path: ROUTES.orders, label: 'Orders' },
  { path: ROUTES.patients, label: 'Patients' },
  { path: ROUTES.outbox, label: 'Outbox' },
];

export function Hl7SectionNav({ current }: { current: RoutePath }) {
  return <SectionNav label="HL7" pages={SECTION} current={current} />;
}
