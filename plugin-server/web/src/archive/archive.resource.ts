// Archiving outside studies to the permanent archives and the routing queue
// (plugin-server/src/web/routes/routing-routes.ts): tag a study for archive, its archive status,
// the queue newest first, one job's state history, retry and cancel. Answers are parsed with the
// sidecar's own schemas (src/domain/routing.ts).

import { z } from 'zod';
import {
  ROUTE_JOB_STATES,
  routeJobEventSchema,
  routeJobSchema,
  routingDecisionSchema,
  type RouteJob,
  type RouteJobEvent,
  type RouteJobState,
} from '../../../src/domain/routing.ts';
import { studyStateSchema } from '../../../src/domain/study-state.ts';
import type { ApiClient } from '../api/api-client.ts';

export { ROUTE_JOB_STATES, routeJobEventSchema, type RouteJob, type RouteJobEvent, type RouteJobState };

const archiveResultSchema = z.object({ decision: routingDecisionSchema, jobIds: z.array(z.number().int()) });
export type ArchiveResult = z.infer<typeof archiveResultSchema>;

const archiveStatusSchema = z.object({ state: studyStateSchema, jobs: z.array(routeJobSchema) });
export type ArchiveStatus = z.infer<typeof archiveStatusSchema>;

const jobListSchema = z.object({ jobs: z.array(routeJobSchema) });
const jobHistorySchema = z.object({ job: routeJobSchema, events: z.array(routeJobEventSchema) });
export type RouteJobHistory = z.infer<typeof jobHistorySchema>;

/** The queue's filter: a state or '' for all. */
export type RoutingQueueFilter = { state: RouteJobState | '' };
export const EMPTY_ROUTING_QUEUE_FILTER: RoutingQueueFilter = { state: '' };

/** How many jobs the queue asks for first, and at most (the route's own limit). */
export const QUEUE_PAGE_SIZE = 100;
export const QUEUE_MAX_LIMIT = 500;

function studyPath(studyId: string, what: string): string {
  return `/api/studies/${encodeURIComponent(studyId)}/${what}`;
}

export function routeJobsPath(filter: RoutingQueueFilter, limit: number): string {
  const query = new URLSearchParams({ limit: String(Math.min(Math.max(1, Math.trunc(limit)), QUEUE_MAX_LIMIT)) });
  if (filter.state !== '') query.set('state', filter.state);
  return `/api/routing/jobs?${query.toString()}`;
}

export function routeJobPath(id: number, what: 'events' | 'retry' | 'cancel'): string {
  return `/api/routing/jobs/${id}/${what}`;
}

/** Tags a reconciled (matched) study for archive: the rules choose its destinations. */
export function archiveStudy(api: ApiClient, studyId: string): Promise<ArchiveResult> {
  return api.post(studyPath(studyId, 'archive'), archiveResultSchema);
}

export function getArchiveStatus(api: ApiClient, studyId: string, signal?: AbortSignal): Promise<ArchiveStatus> {
  return api.get(studyPath(studyId, 'archive-status'), archiveStatusSchema, { signal });
}

/** The routing queue, newest first. */
export async function listRouteJobs(
  api: ApiClient,
  filter: RoutingQueueFilter,
  limit: number,
  signal?: AbortSignal,
): Promise<RouteJob[]> {
  const answer = await api.get(routeJobsPath(filter, limit), jobListSchema, { signal });
  return answer.jobs;
}

export function getRouteJobHistory(api: ApiClient, id: number, signal?: AbortSignal): Promise<RouteJobHistory> {
  return api.get(routeJobPath(id, 'events'), jobHistorySchema, { signal });
}

/** A dead or waiting job gets a fresh set of attempts now; 409 in any other state. */
export function retryRouteJob(api: ApiClient, id: number): Promise<RouteJob> {
  return api.post(routeJobPath(id, 'retry'), routeJobSchema);
}

/** Stops a delivery that is not verified; 409 when it is verified or already cancelled. */
export function cancelRouteJob(api: ApiClient, id: number): Promise<RouteJob> {
  return api.post(routeJobPath(id, 'cancel'), routeJobSchema);
}
