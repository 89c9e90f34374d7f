import type { Kysely, Transaction } from 'kysely';
import type { CoercionJobRow, Database } from '../db/schema.ts';
import { coercionPlanSchema, dicomDateTime, type CoercionPlan, type DicomIdentity } from '../domain/coercion.ts';
import type { StudyRow } from '../db/schema.ts';

// The durable queue of coercions: one row per plan. A newer plan for a study supersedes the
// older ones that have not started; the worker runs them in id order, so the newest wins.

type Executor = Kysely<Database> | Transaction<Database>;

let sequence = 0;

export interface PlanSettings {
  modifyingSystem: string;
  issuerOfAccessionNumber: string;
}

/** A plan to give `study` the identity `target`; its date-time is unique within this process. */
export function buildPlan(
  study: StudyRow,
  target: DicomIdentity,
  reason: CoercionPlan['reason'],
  why: string,
  settings: PlanSettings,
  now = new Date(),
): CoercionPlan {
  sequence = (sequence + 1) % 1000;
  return coercionPlanSchema.parse({
    StudyInstanceUID: study.study_instance_uid,
    target,
    issuerOfAccessionNumber:
      settings.issuerOfAccessionNumber === '' || target.accessionNumber === ''
        ? null
        : settings.issuerOfAccessionNumber,
    reason,
    coercionDateTime: dicomDateTime(now, sequence),
    modifyingSystem: settings.modifyingSystem,
    sourceOfPreviousValues:
      reason === 'CORRECT'
        ? settings.modifyingSystem
        : study.institution_name || study.original_issuer_of_patient_id || 'UNKNOWN',
    why,
  });
}

export async function enqueueCoercion(
  db: Executor,
  studyId: string,
  plan: CoercionPlan,
  requestedBy: string,
): Promise<number> {
  const now = new Date().toISOString();
  await db
    .updateTable('coercion_jobs')
    .set({ state: 'superseded', updated_at: now, finished_at: now })
    .where('study_id', '=', studyId)
    .where('state', 'in', ['pending', 'retry_wait', 'failed'])
    .execute();
  const inserted = await db
    .insertInto('coercion_jobs')
    .values({
      study_id: studyId,
      state: 'pending',
      plan: JSON.stringify(plan),
      requested_by: requestedBy,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .updateTable('studies')
    .set({ coercion_state: 'pending', updated_at: now })
    .where('id', '=', studyId)
    .execute();
  return inserted.id;
}

/** The next job to run: an interrupted one first, then pending and due retries, oldest first. */
export async function nextDueJob(db: Executor, now: Date): Promise<CoercionJobRow | undefined> {
  return db
    .selectFrom('coercion_jobs')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('state', 'in', ['running', 'pending']),
        eb.and([eb('state', '=', 'retry_wait'), eb('next_attempt_at', '<=', now.toISOString())]),
      ]),
    )
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

export function planOf(job: CoercionJobRow): CoercionPlan {
  return coercionPlanSchema.parse(JSON.parse(job.plan));
}

/** The plan of the study's last finished coercion: what its instances carry now. */
export async function lastDonePlan(db: Executor, studyId: string): Promise<CoercionPlan | undefined> {
  const job = await db
    .selectFrom('coercion_jobs')
    .selectAll()
    .where('study_id', '=', studyId)
    .where('state', '=', 'done')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return job === undefined ? undefined : planOf(job);
}

/** Runs the study's last finished plan again (instances under the old identity came back). */
export async function requeueLastDone(db: Executor, studyId: string): Promise<boolean> {
  const job = await db
    .selectFrom('coercion_jobs')
    .select('id')
    .where('study_id', '=', studyId)
    .where('state', '=', 'done')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const open = await db
    .selectFrom('coercion_jobs')
    .select('id')
    .where('study_id', '=', studyId)
    .where('state', 'in', ['pending', 'running', 'retry_wait'])
    .executeTakeFirst();
  if (job === undefined || open !== undefined) return false;
  const now = new Date().toISOString();
  await db
    .updateTable('coercion_jobs')
    .set({ state: 'pending', next_attempt_at: null, finished_at: null, updated_at: now })
    .where('id', '=', job.id)
    .execute();
  await db.updateTable('studies').set({ coercion_state: 'pending' }).where('id', '=', studyId).execute();
  return true;
}
