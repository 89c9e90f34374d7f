// A keyboard-driven list beside the item opened from it (the worklist, the routing queue): the
// list with its status and key hints on one side, the open item or a hint how to open one on the
// other.

import { useId, type ReactNode } from 'react';

export function ListAndDetail({
  layout,
  listTitle,
  status,
  tools,
  keys,
  children,
  detailLabel,
  detail,
  empty,
}: {
  /** CSS block of the two columns (`split`, `worklist`): `<layout>__list`, `<layout>__detail`. */
  layout: string;
  /** The list's heading, for screen readers. */
  listTitle: string;
  status: ReactNode;
  /** Controls above the list (e.g. bulk actions). */
  tools?: ReactNode;
  /** What the keys do. */
  keys: ReactNode;
  /** The table and its paging. */
  children: ReactNode;
  detailLabel: string;
  /** The open item; undefined when none is open. */
  detail: ReactNode | undefined;
  empty: { title: string; text: ReactNode };
}) {
  const id = useId();
  return (
    <div className={layout}>
      <section className={`${layout}__list`} aria-labelledby={`${id}-list`} aria-describedby={`${id}-keys`}>
        <h2 id={`${id}-list`} className="visually-hidden">
          {listTitle}
        </h2>
        {status}
        {tools}
        <p className="hint keys-hint" id={`${id}-keys`}>
          {keys}
        </p>
        {children}
      </section>
      <section className={`${layout}__detail`} aria-label={detailLabel}>
        {detail ?? (
          <div className="detail-panel detail-panel--empty">
            <h2 className="detail-panel__title">{empty.title}</h2>
            <p className="muted">{empty.text}</p>
          </div>
        )}
      </section>
    </div>
  );
}
