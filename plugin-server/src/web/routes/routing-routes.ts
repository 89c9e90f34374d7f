import { z } from 'zod';
import { DomainError } from '../../domain/errors.ts';
import { STUDY_VIEWERS } from '../../domain/roles.ts';
import type { RouteJobRow } from '../../db/schema.ts';
import {
  routeJobEventSchema,
  routeJobSchema,
  routeJobStateSchema,
  routingDecisionSchema,
  type RouteJob,
} from '../../domain/routing.ts';
import { studyStateSchema } from '../../domain/study-state.ts';
import { queueStudyForArchive } from '../../routing/archive-study.ts';
import { moveJob, OPEN_STATES, routeJobView } from '../../routing/route-jobs-store.ts';
import type { SidecarServices } from '../../services.ts';
import { defineRoute, sessionOnly } from '../route-registry.ts';

// Archiving a study and the routing queue (issue #6): physicians and radiology tag a study for
// archive; radiology watches the queue, retries and cancels.

const studyIdParams = z.object({ studyId: z.string().min(1).max(64) });
const jobIdParams = z.object({ id: z.coerce.number().int().positive() });
const QUEUE_READERS = sessionOnly(['radiology', 'admin']);
const QUEUE_WRITERS = sessionOnly(['radiology']);

export function routingRoutes(services: SidecarServices) {
  const { db, audit } = services;

  async function job(id: number) {
    const row = await db.selectFrom('route_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new DomainError('not_found', `route job ${id} does not exist`);
    return row;
  }

  /** The jobs as the API shows them, one after the other, in the rows' order. */
  async function jobViews(rows: readonly RouteJobRow[]): Promise<RouteJob[]> {
    const views = [];
    for (const row of rows) views.push(await routeJobView(db, row));
    return views;
  }

  return [
    defineRoute({
      method: 'post',
      path: '/api/studies/:studyId/archive',
      summary: 'Tag a reconciled study for archive: the routing rules choose its destinations.',
      tag: 'routing',
      access: sessionOnly(STUDY_VIEWERS),
      params: studyIdParams,
      response: z.object({ decision: routingDecisionSchema, jobIds: z.array(z.number().int()) }),
      async handler({ params, actor }) {
        const result = await queueStudyForArchive({ db, audit }, params.studyId, actor);
        services.routing.wake();
        return result;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/studies/:studyId/archive-status',
      summary: 'Where a study is being archived and how far each delivery got.',
      tag: 'routing',
      access: sessionOnly(STUDY_VIEWERS),
      params: studyIdParams,
      response: z.object({ state: studyStateSchema, jobs: z.array(routeJobSchema) }),
      async handler({ params }) {
        const study = await db
          .selectFrom('studies')
          .select('state')
          .where('id', '=', params.studyId)
          .executeTakeFirst();
        if (study === undefined) throw new DomainError('not_found', `study ${params.studyId} does not exist`);
        const rows = await db
          .selectFrom('route_jobs')
          .selectAll()
          .where('study_id', '=', params.studyId)
          .orderBy('id')
          .execute();
        const jobs = await jobViews(rows);
        return { state: studyStateSchema.parse(study.state), jobs };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/routing/jobs',
      summary: 'The routing queue, newest first.',
      tag: 'routing',
      access: QUEUE_READERS,
      query: z.object({
        state: routeJobStateSchema.optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      response: z.object({ jobs: z.array(routeJobSchema) }),
      async handler({ query, actor }) {
        let select = db.selectFrom('route_jobs').selectAll().orderBy('id', 'desc').limit(query.limit);
        if (query.state !== undefined) select = select.where('state', '=', query.state);
        const jobs = await jobViews(await select.execute());
        await audit.record({
          type: 'query',
          actor,
          object: { type: 'routing-queue', id: 'jobs' },
          details: { state: query.state ?? null, returned: jobs.length },
        });
        return { jobs };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/routing/jobs/:id/events',
      summary: 'Every state change of one route job, with why.',
      tag: 'routing',
      access: QUEUE_READERS,
      params: jobIdParams,
      response: z.object({ job: routeJobSchema, events: z.array(routeJobEventSchema) }),
      async handler({ params }) {
        const row = await job(params.id);
        const events = await db
          .selectFrom('route_job_events')
          .selectAll()
          .where('job_id', '=', params.id)
          .orderBy('id')
          .execute();
        return {
          job: await routeJobView(db, row),
          events: events.map((event) => ({
            fromState: event.from_state === null ? null : routeJobStateSchema.parse(event.from_state),
            toState: routeJobStateSchema.parse(event.to_state),
            detail: event.detail,
            occurredAt: event.occurred_at,
          })),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/routing/jobs/:id/retry',
      summary: 'Give a dead or waiting delivery a fresh set of attempts, now.',
      tag: 'routing',
      access: QUEUE_WRITERS,
      params: jobIdParams,
      response: routeJobSchema,
      async handler({ params, actor }) {
        const row = await job(params.id);
        if (row.state !== 'dead' && row.state !== 'retry_wait') {
          throw new DomainError(
            'conflict',
            `route job ${params.id} is ${row.state}; only dead or waiting jobs are retried`,
          );
        }
        const moved = await moveJob(db, row, 'pending', `retry requested by ${actor.username ?? 'unknown'}`, {
          attempts: 0,
          nextAttemptAt: null,
        });
        await audit.record({
          type: 'studyExported',
          actor,
          object: { type: 'study', id: row.study_id },
          details: { step: 'retry', jobId: row.id },
        });
        services.routing.wake();
        return routeJobView(db, moved);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/routing/jobs/:id/cancel',
      summary: 'Stop a delivery that has not been verified.',
      tag: 'routing',
      access: QUEUE_WRITERS,
      params: jobIdParams,
      response: routeJobSchema,
      async handler({ params, actor }) {
        const row = await job(params.id);
        if (!OPEN_STATES.includes(routeJobStateSchema.parse(row.state)) && row.state !== 'dead') {
          throw new DomainError('conflict', `route job ${params.id} is ${row.state} and cannot be cancelled`);
        }
        const moved = await moveJob(db, row, 'cancelled', `cancelled by ${actor.username ?? 'unknown'}`, {
          nextAttemptAt: null,
        });
        await audit.record({
          type: 'studyExported',
          outcome: 'minorFailure',
          actor,
          object: { type: 'study', id: row.study_id },
          details: { step: 'cancelled', jobId: row.id },
        });
        return routeJobView(db, moved);
      },
    }),
  ];
}
