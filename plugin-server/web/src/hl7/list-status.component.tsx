// The line above an HL7 list: how many rows, whether a filter applies, when it was loaded; or why
// it could not be.

import { formatDateTime, plural } from '../format/format.ts';
import type { ListState, LoadedPage } from './use-keyset-list.ts';

export function ListStatus<Row>({
  state,
  shown,
  noun,
  filtered,
}: {
  state: ListState<Row>;
  shown: LoadedPage<Row> | undefined;
  /** Singular and plural, e.g. ['message', 'messages']. */
  noun: readonly [string, string];
  filtered: boolean;
}) {
  if (state.status === 'error') {
    return (
      <p className="notice notice--error" role="alert">
        The list cannot be loaded: {state.message}
      </p>
    );
  }
  if (shown === undefined) return <p className="muted">Loading…</p>;
  const count = plural(shown.rows.length, noun[0], noun[1]);
  const what =
    shown.rows.length === 0
      ? filtered
        ? `No ${noun[1]} match the filter.`
        : `No ${noun[1]} yet.`
      : `${count}${filtered ? ' matching the filter' : ''}${shown.hasOlder ? ' on this page' : ''}, newest first.`;
  return (
    <p className="muted" role="status">
      {what} Updated {formatDateTime(shown.loadedAt.toISOString())}.
    </p>
  );
}
