// The frame of every HL7 detail view (a message, an order, a patient): the link back to the list,
// the heading (focused once loaded, use-detail-focus.ts) with Refresh, the load error or
// "Loading…", and the view's own cards once its data is there.

import type { ReactNode } from 'react';
import { fullStop } from '../format/format.ts';
import { PageLink } from './page-link.component.tsx';
import type { DetailState } from './use-detail.ts';
import { useHeadingFocus } from './use-detail-focus.ts';

export function DetailFrame<T>({
  back,
  title,
  what,
  detail,
  children,
}: {
  back: { href: string; label: string };
  /** The heading; say what is shown once known, e.g. "Order 1234". */
  title: string;
  /** Named in the load error, e.g. "order". */
  what: string;
  detail: { state: DetailState<T>; data: T | undefined; reload(): void };
  children: (data: T) => ReactNode;
}) {
  const headingRef = useHeadingFocus(detail.data !== undefined);
  const loading = detail.state.status === 'loading';
  return (
    <div className="stack">
      <PageLink href={back.href} className="back-link">
        ← {back.label}
      </PageLink>
      <header className="page-header">
        <h1 ref={headingRef} tabIndex={-1}>
          {title}
        </h1>
        <button type="button" className="button" onClick={detail.reload} disabled={loading}>
          {loading && detail.data !== undefined ? 'Refreshing…' : 'Refresh'}
        </button>
      </header>
      {detail.state.status === 'error' && (
        <p className="notice notice--error" role="alert">
          The {what} cannot be loaded: {fullStop(detail.state.message)}
        </p>
      )}
      {detail.data === undefined && loading && <p className="muted">Loading…</p>}
      {detail.data !== undefined && children(detail.data)}
    </div>
  );
}

/**
 * One titled card of a detail view; the title names the section for screen readers. `level` 3
 * where the detail itself sits under an h2 (the worklist's side panel).
 */
export function DetailCard({
  id,
  title,
  level = 2,
  testId,
  children,
}: {
  id: string;
  title: string;
  level?: 2 | 3;
  testId?: string;
  children: ReactNode;
}) {
  const Heading = level === 3 ? 'h3' : 'h2';
  return (
    <section className="card" aria-labelledby={id} data-testid={testId}>
      <Heading id={id} className="card__title">
        {title}
      </Heading>
      {children}
    </section>
  );
}
