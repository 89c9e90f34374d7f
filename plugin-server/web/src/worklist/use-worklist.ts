// The worklist's data: the filter submitted, the page shown (worklist-paging.ts) and the last
// answer, kept on screen while the next one loads so the list does not jump. Studies an action
// took off the list are hidden at once and the list is asked for again.

import { useCallback, useState } from 'react';
import type { ApiClient } from '../api/api-client.ts';
import { shownOf, useKeptLoad, type KeptLoad } from '../api/use-kept-load.ts';
import {
  earlierPage,
  FIRST_WORKLIST_PAGE,
  laterPage,
  WORKLIST_PAGE_SIZE,
  worklistPageNumber,
  type WorklistCursor,
} from './worklist-paging.ts';
import { listWorklist, type WorklistFilter, type WorklistItem, type WorklistPage } from './worklist.resource.ts';

export type LoadedWorklist = WorklistPage & { loadedAt: Date };

export type WorklistState = KeptLoad<LoadedWorklist>;

export type Worklist = {
  state: WorklistState;
  /** The page on screen (the previous one while the next loads), without hidden studies. */
  shown: LoadedWorklist | undefined;
  rows: WorklistItem[];
  filter: WorklistFilter;
  filtered: boolean;
  pageNumber: number;
  search(filter: WorklistFilter): void;
  later: (() => void) | undefined;
  earlier: (() => void) | undefined;
  refresh(): void;
  /** Takes studies off the screen until the next answer (which should no longer list them). */
  hide(studyIds: readonly string[]): void;
};

export function useWorklist(api: ApiClient, initialFilter: WorklistFilter): Worklist {
  const [query, setQuery] = useState<{ filter: WorklistFilter; cursor: WorklistCursor }>({
    filter: initialFilter,
    cursor: FIRST_WORKLIST_PAGE,
  });
  const [generation, setGeneration] = useState(0);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const load = useCallback(
    (signal: AbortSignal) =>
      listWorklist(api, query.filter, { limit: WORKLIST_PAGE_SIZE, after: query.cursor.after }, signal).then((page) => {
        // A new answer no longer lists what an action took off: nothing stays hidden.
        if (!signal.aborted) setHidden(new Set());
        return { ...page, loadedAt: new Date() };
      }),
    // `generation` asks for the same again (Refresh).
    [api, query, generation],
  );
  const [state] = useKeptLoad(load);

  const search = useCallback((filter: WorklistFilter) => setQuery({ filter, cursor: FIRST_WORKLIST_PAGE }), []);
  const refresh = useCallback(() => setGeneration((value) => value + 1), []);
  const hide = useCallback((studyIds: readonly string[]) => {
    setHidden((current) => new Set([...current, ...studyIds]));
  }, []);

  const shown = shownOf(state);
  const rows = (shown?.items ?? []).filter((item) => !hidden.has(item.studyId));
  const later = state.status === 'loaded' ? laterPage(query.cursor, state.page.next) : undefined;
  const earlier = state.status === 'loaded' ? earlierPage(query.cursor) : undefined;
  return {
    state,
    shown,
    rows,
    filter: query.filter,
    filtered: Object.values(query.filter).some((value) => value !== ''),
    pageNumber: worklistPageNumber(query.cursor),
    search,
    later: later === undefined ? undefined : () => setQuery({ filter: query.filter, cursor: later }),
    earlier: earlier === undefined ? undefined : () => setQuery({ filter: query.filter, cursor: earlier }),
    refresh,
    hide,
  };
}
