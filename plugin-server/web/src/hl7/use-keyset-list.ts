// One HL7 list page's data: the filter submitted, the page shown (keyset-paging.ts), and the
// rows of the last answer, kept on screen while the next one loads so the table does not jump.

import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../api/api-client.ts';
import {
  FIRST_PAGE,
  newerPage,
  olderPage,
  PAGE_SIZE,
  pageNumber,
  pageOf,
  pageRequest,
  type PageCursor,
  type PageRequest,
} from './keyset-paging.ts';

export type LoadedPage<Row> = { rows: Row[]; hasOlder: boolean; loadedAt: Date };

export type ListState<Row> =
  | { status: 'loading'; previous?: LoadedPage<Row> }
  | { status: 'loaded'; page: LoadedPage<Row> }
  | { status: 'error'; message: string };

export type KeysetList<Filter, Row> = {
  state: ListState<Row>;
  /** The rows on screen: the loaded page, or the previous one while the next loads. */
  shown: LoadedPage<Row> | undefined;
  filter: Filter;
  /** Whether any filter field is set. */
  filtered: boolean;
  pageNumber: number;
  search(filter: Filter): void;
  older: (() => void) | undefined;
  newer: (() => void) | undefined;
  refresh(): void;
};

/** `load` must keep its identity (useCallback): a new function loads again. */
export function useKeysetList<Filter extends Readonly<Record<string, string>>, Row extends { id: number }>(
  load: (filter: Filter, page: PageRequest, signal: AbortSignal) => Promise<Row[]>,
  initialFilter: Filter,
  pageSize = PAGE_SIZE,
): KeysetList<Filter, Row> {
  const [query, setQuery] = useState<{ filter: Filter; cursor: PageCursor }>({
    filter: initialFilter,
    cursor: FIRST_PAGE,
  });
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<ListState<Row>>({ status: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    setState((current) => {
      const previous =
        current.status === 'loaded' ? current.page : current.status === 'loading' ? current.previous : undefined;
      return previous === undefined ? { status: 'loading' } : { status: 'loading', previous };
    });
    load(query.filter, pageRequest(query.cursor, pageSize), controller.signal).then(
      (answer) => {
        if (!controller.signal.aborted)
          setState({ status: 'loaded', page: { ...pageOf(answer, pageSize), loadedAt: new Date() } });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', message: describeError(error) });
      },
    );
    return () => controller.abort();
  }, [load, query, generation, pageSize]);

  const search = useCallback((filter: Filter) => setQuery({ filter, cursor: FIRST_PAGE }), []);
  const refresh = useCallback(() => setGeneration((value) => value + 1), []);
  const shown = state.status === 'loaded' ? state.page : state.status === 'loading' ? state.previous : undefined;
  const older = state.status === 'loaded' ? olderPage(query.cursor, state.page.rows, state.page.hasOlder) : undefined;
  const newer = state.status === 'loaded' ? newerPage(query.cursor) : undefined;
  return {
    state,
    shown,
    filter: query.filter,
    filtered: Object.values(query.filter).some((value) => value !== ''),
    pageNumber: pageNumber(query.cursor),
    search,
    older: older === undefined ? undefined : () => setQuery({ filter: query.filter, cursor: older }),
    newer: newer === undefined ? undefined : () => setQuery({ filter: query.filter, cursor: newer }),
    refresh,
  };
}
