// An HL7 detail address whose id is not a number (a mistyped or cut-off link).

import { PageLink } from './page-link.component.tsx';

export function NotFound({ what, back }: { what: string; back: { href: string; label: string } }) {
  return (
    <div className="stack">
      <PageLink href={back.href} className="back-link">
        ← {back.label}
      </PageLink>
      <p className="notice notice--error" role="alert">
        This address does not name a {what}.
      </p>
    </div>
  );
}
