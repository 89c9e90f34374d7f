// The routing queue's data: the filter submitted, how many jobs were asked for, and the last
// answer, kept on screen while the next one loads. The route has no paging cursor, only a limit
// (at most 500): "Show more" asks for more of the newest jobs. A job changed by an action or
// seen in its detail replaces its row at once, before the next answer.

import { useCallback, useState } from 'react';
import type { ApiClient } from '../api/api-client.ts';
import { shownOf, useKeptLoad, type KeptLoad } from '../api/use-kept-load.ts';
import {
  listRouteJobs,
  QUEUE_MAX_LIMIT,
  QUEUE_PAGE_SIZE,
  type RouteJob,
  type RoutingQueueFilter,
} from './archive.resource.ts';

export type LoadedQueue = { jobs: RouteJob[]; limit: number; loadedAt: Date };

export type QueueState = KeptLoad<LoadedQueue>;

export type RoutingQueue = {
  state: QueueState;
  shown: LoadedQueue | undefined;
  filter: RoutingQueueFilter;
  filtered: boolean;
  /** More jobs may exist than were asked for, and the route would give more. */
  canShowMore: boolean;
  search(filter: RoutingQueueFilter): void;
  showMore(): void;
  refresh(): void;
  replace(job: RouteJob): void;
};

/** The rows with `job` in place of the row of the same id (the list's order is kept). */
export function withJobReplaced(jobs: readonly RouteJob[], job: RouteJob): RouteJob[] {
  return jobs.map((row) => (row.id === job.id ? job : row));
}

/** Whether asking for more could show more: the answer was full and below the route's limit. */
export function mayHaveMore(page: Pick<LoadedQueue, 'jobs' | 'limit'>): boolean {
  return page.jobs.length >= page.limit && page.limit < QUEUE_MAX_LIMIT;
}

export function useRoutingQueue(api: ApiClient, initialFilter: RoutingQueueFilter): RoutingQueue {
  const [query, setQuery] = useState({ filter: initialFilter, limit: QUEUE_PAGE_SIZE });
  const [generation, setGeneration] = useState(0);
  const load = useCallback(
    (signal: AbortSignal) =>
      listRouteJobs(api, query.filter, query.limit, signal).then((jobs) => ({
        jobs,
        limit: query.limit,
        loadedAt: new Date(),
      })),
    // `generation` asks for the same again (Refresh).
    [api, query, generation],
  );
  const [state, setState] = useKeptLoad(load);

  const search = useCallback((filter: RoutingQueueFilter) => setQuery({ filter, limit: QUEUE_PAGE_SIZE }), []);
  const showMore = useCallback(
    () => setQuery((current) => ({ ...current, limit: Math.min(current.limit * 2, QUEUE_MAX_LIMIT) })),
    [],
  );
  const refresh = useCallback(() => setGeneration((value) => value + 1), []);
  const replace = useCallback((job: RouteJob) => {
    setState((current) => {
      if (current.status === 'loaded') {
        return { status: 'loaded', page: { ...current.page, jobs: withJobReplaced(current.page.jobs, job) } };
      }
      if (current.previous === undefined) return current;
      return { ...current, previous: { ...current.previous, jobs: withJobReplaced(current.previous.jobs, job) } };
    });
  }, []);

  const shown = shownOf(state);
  return {
    state,
    shown,
    filter: query.filter,
    filtered: query.filter.state !== '',
    canShowMore: state.status === 'loaded' && mayHaveMore(state.page),
    search,
    showMore,
    refresh,
    replace,
  };
}
