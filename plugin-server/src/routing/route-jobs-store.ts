import type { Kysely, Transaction } from 'kysely';
import type { Database, RouteJobRow } from '../db/schema.ts';
import { routeJobStateSchema, type RouteJob, type RouteJobState } from '../domain/routing.ts';

// The durable outbox: one row per (study, destination), every state change recorded with why.

type Executor = Kysely<Database> | Transaction<Database>;

/** States a job is still working towards delivery in (a new one for the same pair is not made). */
export const OPEN_STATES: readonly RouteJobState[] = ['pending', 'sending', 'sent', 'retry_wait'];

export async function enqueueRouteJob(
  db: Executor,
  studyId: string,
  destinationId: string,
  requestedBy: string,
): Promise<number | undefined> {
  const open = await db
    .selectFrom('route_jobs')
    .select('id')
    .where('study_id', '=', studyId)
    .where('destination_id', '=', destinationId)
    .where('state', 'in', [...OPEN_STATES])
    .executeTakeFirst();
  if (open !== undefined) return undefined;
  const now = new Date().toISOString();
  const inserted = await db
    .insertInto('route_jobs')
    .values({
      study_id: studyId,
      destination_id: destinationId,
      state: 'pending',
      attempts: 0,
      instances_sent: 0,
      instances_verified: 0,
      requested_by: requestedBy,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordEvent(db, inserted.id, null, 'pending', `queued by ${requestedBy}`);
  return inserted.id;
}

export async function recordEvent(
  db: Executor,
  jobId: number,
  from: RouteJobState | null,
  to: RouteJobState,
  detail: string,
): Promise<void> {
  await db
    .insertInto('route_job_events')
    .values({ job_id: jobId, from_state: from, to_state: to, detail, occurred_at: new Date().toISOString() })
    .execute();
}

export interface JobUpdate {
  attempts?: number;
  nextAttemptAt?: string | null;
  lastError?: string | null;
  instancesSent?: number;
  instancesVerified?: number;
}

/** Moves a job to `to` and records why, in one transaction. */
export async function moveJob(
  db: Kysely<Database>,
  job: RouteJobRow,
  to: RouteJobState,
  detail: string,
  update: JobUpdate = {},
): Promise<RouteJobRow> {
  return db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    // A job cancelled by a person while an attempt was under way stays cancelled.
    const row = await trx
      .updateTable('route_jobs')
      .set({
        state: to,
        updated_at: now,
        ...(update.attempts === undefined ? {} : { attempts: update.attempts }),
        ...(update.nextAttemptAt === undefined ? {} : { next_attempt_at: update.nextAttemptAt }),
        ...(update.lastError === undefined ? {} : { last_error: update.lastError }),
        ...(update.instancesSent === undefined ? {} : { instances_sent: update.instancesSent }),
        ...(update.instancesVerified === undefined ? {} : { instances_verified: update.instancesVerified }),
      })
      .where('id', '=', job.id)
      .where('state', '!=', 'cancelled')
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) {
      return trx.selectFrom('route_jobs').selectAll().where('id', '=', job.id).executeTakeFirstOrThrow();
    }
    await recordEvent(trx, job.id, routeJobStateSchema.parse(job.state), to, detail);
    return row;
  });
}

/** Due jobs of one destination: interrupted ones first, then pending and due retries, oldest first. */
export async function dueJobs(
  db: Kysely<Database>,
  destinationId: string,
  now: Date,
  limit: number,
): Promise<RouteJobRow[]> {
  return db
    .selectFrom('route_jobs')
    .selectAll()
    .where('destination_id', '=', destinationId)
    .where((eb) =>
      eb.or([
        eb('state', 'in', ['sending', 'sent', 'pending']),
        eb.and([eb('state', '=', 'retry_wait'), eb('next_attempt_at', '<=', now.toISOString())]),
      ]),
    )
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function routeJobView(db: Executor, row: RouteJobRow): Promise<RouteJob> {
  const study = await db
    .selectFrom('studies')
    .select('study_instance_uid')
    .where('id', '=', row.study_id)
    .executeTakeFirst();
  const destination = await db
    .selectFrom('destinations')
    .select('name')
    .where('id', '=', row.destination_id)
    .executeTakeFirst();
  return {
    id: row.id,
    studyId: row.study_id,
    StudyInstanceUID: study?.study_instance_uid ?? '',
    destination: destination?.name ?? row.destination_id,
    state: routeJobStateSchema.parse(row.state),
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    instancesSent: row.instances_sent,
    instancesVerified: row.instances_verified,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Cancels the deliveries of a study that have not been sent yet (or are being sent), with why. */
export async function cancelOpenJobs(trx: Executor, studyId: string, why: string): Promise<number> {
  const now = new Date().toISOString();
  const open = await trx
    .selectFrom('route_jobs')
    .selectAll()
    .where('study_id', '=', studyId)
    .where('state', 'in', ['pending', 'retry_wait', 'sending'])
    .execute();
  for (const job of open) {
    await trx
      .updateTable('route_jobs')
      .set({ state: 'cancelled', next_attempt_at: null, updated_at: now })
      .where('id', '=', job.id)
      .execute();
    await recordEvent(trx, job.id, routeJobStateSchema.parse(job.state), 'cancelled', why);
  }
  return open.length;
}
