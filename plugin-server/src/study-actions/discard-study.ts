import type { Kysely } from 'kysely';
import type { AuditActor, AuditLog } from '../audit/audit-log.ts';
import { recordTransition } from '../changes/study-repository.ts';
import type { Database } from '../db/schema.ts';
import { DomainError } from '../domain/errors.ts';
import { checkTransition, studyStateSchema, type StudyState } from '../domain/study-state.ts';
import { cancelOpenJobs } from '../routing/route-jobs-store.ts';

// A physician discards an outside study (not needed here, wrong patient's CD, duplicate): it leaves
// the worklist and the archive queue but stays in staging until retention purges it, so the
// decision can be undone (DESIGN.md section 3: undoable until archived).

interface Deps {
  db: Kysely<Database>;
  audit: AuditLog;
}

/** The study's state; `db` may be a transaction. */
async function stateOf(db: Kysely<Database>, studyId: string): Promise<StudyState> {
  const row = await db.selectFrom('studies').select('state').where('id', '=', studyId).executeTakeFirst();
  if (row === undefined) throw new DomainError('not_found', `study ${studyId} does not exist`);
  return studyStateSchema.parse(row.state);
}

export async function discardStudy(
  deps: Deps,
  studyId: string,
  actor: AuditActor,
  reason: string,
): Promise<StudyState> {
  const { db } = deps;
  const who = actor.username ?? 'unknown';
  const result = await db.transaction().execute(async (trx) => {
    const from = await stateOf(trx, studyId);
    const check = checkTransition(from, 'discarded');
    if (!check.ok) throw new DomainError('conflict', `study ${studyId} cannot be discarded: ${check.reason}`);
    await trx
      .updateTable('studies')
      .set({ state: 'discarded', review_reason: null, review_since: null, updated_at: new Date().toISOString() })
      .where('id', '=', studyId)
      .execute();
    await recordTransition(trx, studyId, from, 'discarded', who, reason);
    const cancelled = await cancelOpenJobs(trx, studyId, `study discarded by ${who}`);
    return { from, cancelled };
  });
  await deps.audit.record({
    type: 'studyUpdated',
    actor,
    object: { type: 'study', id: studyId },
    details: { action: 'discarded', from: result.from, deliveriesCancelled: result.cancelled },
  });
  return 'discarded';
}

/**
 * Undoes a discard: back to the state before it, except that a study which was queued for archive
 * comes back `matched` (its deliveries were cancelled; archiving again is a new decision). Matching
 * runs again, so a study that waited on the worklist is put back there.
 */
export async function restoreStudy(
  deps: Deps,
  studyId: string,
  actor: AuditActor,
  reason: string,
): Promise<StudyState> {
  const { db } = deps;
  const who = actor.username ?? 'unknown';
  const current = await stateOf(db, studyId);
  if (current !== 'discarded') throw new DomainError('conflict', `study ${studyId} is ${current}, not discarded`);
  const restored = await db.transaction().execute(async (trx) => {
    const last = await trx
      .selectFrom('study_transitions')
      .select('from_state')
      .where('study_id', '=', studyId)
      .where('to_state', '=', 'discarded')
      .orderBy('seq', 'desc')
      .executeTakeFirst();
    const before = studyStateSchema.parse(last?.from_state ?? 'ready');
    const to: StudyState = before === 'queued' ? 'matched' : before;
    const updated = await trx
      .updateTable('studies')
      .set({ state: to, match_needed: 1, updated_at: new Date().toISOString() })
      .where('id', '=', studyId)
      .where('state', '=', 'discarded')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw new DomainError('conflict', `study ${studyId} changed meanwhile`);
    await recordTransition(trx, studyId, 'discarded', to, who, reason);
    return to;
  });
  await deps.audit.record({
    type: 'studyUpdated',
    actor,
    object: { type: 'study', id: studyId },
    details: { action: 'restored', to: restored },
  });
  return restored;
}
