// The HL7 pages' own navigation, above each of them (the main navigation has one "HL7" entry).

import { ROUTES, type RoutePath } from '../routing/router.ts';
import { PageLink } from './page-link.component.tsx';

const SECTION: readonly { path: RoutePath; label: string }[] = [
  { path: ROUTES.hl7Messages, label: 'Messages' },
  { path: ROUTES.orders, label: 'Orders' },
  { path: ROUTES.patients, label: 'Patients' },
  { path: ROUTES.outbox, label: 'Outbox' },
];

export function Hl7SectionNav({ current }: { current: RoutePath }) {
  return (
    <nav className="section-nav" aria-label="HL7">
      {SECTION.map(({ path, label }) => (
        <PageLink
          key={path}
          href={path}
          className="section-nav__link"
          aria-current={path === current ? 'page' : undefined}
        >
          {label}
        </PageLink>
      ))}
    </nav>
  );
}
