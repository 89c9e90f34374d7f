import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { Database, StudyRow } from '../db/schema.ts';
import { requeueLastDone } from '../coerce/coercion-jobs.ts';
import { originalIdentity } from '../reconcile/local-identity.ts';
import type { Study, StudySnapshot } from '../domain/study.ts';
import { checkTransition, studyStateSchema, type StudyState } from '../domain/study-state.ts';

type Executor = Kysely<Database> | Transaction<Database>;

export const CHANGE_FEED_ACTOR = 'system:change-feed';

const modalitiesColumnSchema = z.array(z.string());

export function studyFromRow(row: StudyRow): Study {
  return {
    id: row.id,
    StudyInstanceUID: row.study_instance_uid,
    orthancId: row.orthanc_id,
    state: studyStateSchema.parse(row.state),
    original: originalIdentity(row),
    studyDate: row.study_date,
    studyDescription: row.study_description,
    institutionName: row.institution_name,
    modalities: modalitiesColumnSchema.parse(JSON.parse(row.modalities)),
    seriesCount: row.series_count,
    instanceCount: row.instance_count,
    firstSeenAt: row.first_seen_at,
    updatedAt: row.updated_at,
  };
}

export async function recordTransition(
  db: Executor,
  studyId: string,
  from: StudyState | null,
  to: StudyState,
  actor: string,
  reason: string,
): Promise<void> {
  await db
    .insertInto('study_transitions')
    .values({ study_id: studyId, from_state: from, to_state: to, actor, reason, occurred_at: new Date().toISOString() })
    .execute();
}

/**
 * Records what Orthanc holds for one study, keyed by StudyInstanceUID so that a study whose
 * Orthanc id changed (coercion rewrites PatientID, and Orthanc's ids hash it) stays one row.
 * The original identifiers are written once, when the study is first seen, and never again.
 */
export async function upsertStudySnapshot(db: Executor, snapshot: StudySnapshot): Promise<void> {
  const now = new Date().toISOString();
  const existing = await db
    .selectFrom('studies')
    .select(['id', 'state', 'coerced_patient_id'])
    .where('study_instance_uid', '=', snapshot.StudyInstanceUID)
    .executeTakeFirst();
  if (
    existing !== undefined &&
    existing.coerced_patient_id !== null &&
    snapshot.original.patientId !== existing.coerced_patient_id
  ) {
    // Instances of a reconciled study under another Patient ID: a re-import of the media, or
    // the source side of a coercion in progress. The row keeps describing the coerced study;
    // the last coercion runs again and folds the stray copy into it (no duplicate study).
    await requeueLastDone(db, existing.id);
    return;
  }
  const described = {
    orthanc_id: snapshot.orthancId,
    study_date: snapshot.studyDate,
    study_description: snapshot.studyDescription,
    institution_name: snapshot.institutionName,
    modalities: JSON.stringify(snapshot.modalities),
    series_count: snapshot.seriesCount,
    instance_count: snapshot.instanceCount,
    updated_at: now,
  };
  let id: string;
  let state: StudyState;
  if (existing === undefined) {
    id = randomUUID();
    state = 'received';
    await db
      .insertInto('studies')
      .values({
        id,
        study_instance_uid: snapshot.StudyInstanceUID,
        state,
        original_patient_id: snapshot.original.patientId,
        original_issuer_of_patient_id: snapshot.original.issuerOfPatientId,
        original_patient_name: snapshot.original.patientName,
        original_patient_birth_date: snapshot.original.patientBirthDate,
        original_patient_sex: snapshot.original.patientSex,
        original_accession_number: snapshot.original.accessionNumber,
        first_seen_at: now,
        ...described,
      })
      .execute();
    await recordTransition(db, id, null, state, CHANGE_FEED_ACTOR, 'first instances received in Orthanc');
  } else {
    id = existing.id;
    state = studyStateSchema.parse(existing.state);
    await db.updateTable('studies').set(described).where('id', '=', id).execute();
  }
  if (snapshot.isStable && state === 'received' && checkTransition(state, 'ready').ok) {
    await db.updateTable('studies').set({ state: 'ready', match_needed: 1 }).where('id', '=', id).execute();
    await recordTransition(db, id, state, 'ready', CHANGE_FEED_ACTOR, 'Orthanc reports the study stable');
  }
}

/** A study deleted from Orthanc keeps its row (history and audit refer to it) but loses its id. */
export async function markOrthancStudyGone(db: Executor, orthancId: string): Promise<void> {
  await db
    .updateTable('studies')
    .set({ orthanc_id: null, updated_at: new Date().toISOString() })
    .where('orthanc_id', '=', orthancId)
    .execute();
}
