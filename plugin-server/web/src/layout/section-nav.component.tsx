// A section's own navigation above each of its pages (the main navigation has one entry for the
// section): the HL7 pages, the admin pages.

import { PageLink } from '../hl7/page-link.component.tsx';
import type { RoutePath } from '../routing/router.ts';

export function SectionNav({
  label,
  pages,
  current,
}: {
  /** The navigation's accessible name, e.g. "HL7". */
  label: string;
  pages: readonly { path: RoutePath; label: string }[];
  current: RoutePath;
}) {
  return (
    <nav className="section-nav" aria-label={label}>
      {pages.map(({ path, label: pageLabel }) => (
        <PageLink
          key={path}
          href={path}
          className="section-nav__link"
          aria-current={path === current ? 'page' : undefined}
        >
          {pageLabel}
        </PageLink>
      ))}
    </nav>
  );
}
