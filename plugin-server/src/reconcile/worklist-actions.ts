import type { PatientRow } from '@outside/hl7-bridge/schema';
import type { AuditActor } from '../audit/audit-log.ts';
import { recordTransition } from '../changes/study-repository.ts';
import { buildPlan, enqueueCoercion } from '../coerce/coercion-jobs.ts';
import type { StudyRow } from '../db/schema.ts';
import type { DicomIdentity } from '../domain/coercion.ts';
import { DomainError } from '../domain/errors.ts';
import type { ReconcileAction, Resolution } from '../domain/reconciliation.ts';
import { studyStateSchema } from '../domain/study-state.ts';
import { originalIdentity } from './local-identity.ts';
import { auditIds, identityFromPatient, planSettings, runMatching, type ReconcileDeps } from './reconcile-study.ts';

// Radiology's decisions on one study (issue #5 item 5). Each sets the local identity, moves the
// study to `matched`, queues the coercion and leaves the worklist; each is audited with the
// identifiers before and after.

const DECIDABLE = new Set(['ready', 'identified', 'matched']);

async function loadStudy(deps: ReconcileDeps, studyId: string): Promise<StudyRow> {
  const row = await deps.db.selectFrom('studies').selectAll().where('id', '=', studyId).executeTakeFirst();
  if (row === undefined) throw new DomainError('not_found', `study ${studyId} does not exist`);
  if (!DECIDABLE.has(row.state)) {
    throw new DomainError('conflict', `study ${studyId} is ${row.state}; its identifiers can no longer change`);
  }
  return row;
}

async function activePatient(deps: ReconcileDeps, mrn: string): Promise<PatientRow | undefined> {
  const rows = await deps.db
    .selectFrom('hl7_patients')
    .selectAll()
    .where('mrn', '=', mrn)
    .where('status', '=', 'active')
    .execute();
  if (rows.length > 1) {
    throw new DomainError(
      'conflict',
      `MRN ${mrn} is known under ${rows.length} issuers; reconcile it in the EMR first`,
    );
  }
  return rows[0];
}

export async function applyReconcileAction(
  deps: ReconcileDeps,
  studyId: string,
  action: ReconcileAction,
  actor: AuditActor,
): Promise<void> {
  const row = await loadStudy(deps, studyId);
  if (action.action === 'rematch') {
    await deps.db
      .updateTable('studies')
      .set({ resolution: row.state === 'matched' ? row.resolution : null, match_needed: 1 })
      .where('id', '=', studyId)
      .execute();
    await runMatching(deps, studyId);
    await deps.audit.record({
      type: 'studyReconciled',
      actor,
      object: { type: 'study', id: studyId },
      details: { step: 'rematch-requested' },
    });
    return;
  }

  if (action.action === 'confirm') {
    const order = await deps.db
      .selectFrom('hl7_orders')
      .selectAll()
      .where('id', '=', action.orderId)
      .executeTakeFirst();
    if (order === undefined) throw new DomainError('not_found', `order ${action.orderId} does not exist`);
    if (!deps.config.matching.openOrderStatuses.includes(order.status)) {
      throw new DomainError('conflict', `order ${order.id} is ${order.status} and cannot receive a study`);
    }
    const patient = await activePatient(deps, order.mrn);
    if (patient === undefined) throw new DomainError('conflict', `the patient of order ${order.id} is not known`);
    await decide(deps, row, identityFromPatient(patient, order.accession_number ?? ''), order.id, 'confirmed', actor);
    return;
  }

  if (action.action === 'reference-only') {
    const patient = await activePatient(deps, action.mrn);
    if (patient === undefined) throw new DomainError('conflict', `MRN ${action.mrn} is not known from HL7`);
    await decide(deps, row, identityFromPatient(patient, ''), null, 'reference-only', actor);
    return;
  }

  // manual: MRN and accession typed by hand, checked against what HL7 told us.
  const patient = await activePatient(deps, action.mrn);
  const order =
    action.accessionNumber === ''
      ? undefined
      : await deps.db
          .selectFrom('hl7_orders')
          .selectAll()
          .where('accession_number', '=', action.accessionNumber)
          .executeTakeFirst();
  const unknown: string[] = [];
  if (patient === undefined) unknown.push(`MRN ${action.mrn} is not known from HL7`);
  if (action.accessionNumber !== '' && order === undefined) {
    unknown.push(`accession ${action.accessionNumber} matches no order`);
  }
  if (order !== undefined && order.mrn !== action.mrn) {
    throw new DomainError('conflict', `accession ${action.accessionNumber} belongs to an order of another MRN`);
  }
  if (unknown.length > 0 && !action.acceptUnknown) {
    throw new DomainError('conflict', `${unknown.join('; ')}. Check the values, or confirm to use them anyway.`, {
      unknown,
    });
  }
  const target: DicomIdentity =
    patient === undefined
      ? {
          ...originalIdentity(row),
          patientId: action.mrn,
          issuerOfPatientId: deps.config.matching.localIssuer,
          accessionNumber: action.accessionNumber,
        }
      : identityFromPatient(patient, action.accessionNumber);
  await decide(deps, row, target, order?.id ?? null, 'manual', actor);
}

async function decide(
  deps: ReconcileDeps,
  row: StudyRow,
  target: DicomIdentity,
  orderId: number | null,
  resolution: Resolution,
  actor: AuditActor,
): Promise<void> {
  const who = actor.username ?? 'unknown';
  const jobId = await deps.db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    await trx
      .updateTable('studies')
      .set({
        local_mrn: target.patientId,
        local_mrn_issuer: target.issuerOfPatientId,
        local_patient_name: target.patientName,
        local_patient_birth_date: target.patientBirthDate,
        local_patient_sex: target.patientSex,
        local_accession_number: target.accessionNumber === '' ? null : target.accessionNumber,
        matched_order_id: orderId,
        resolution,
        resolved_by: who,
        review_reason: null,
        review_since: null,
        match_needed: 0,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .execute();
    const from = studyStateSchema.parse(row.state);
    if (from === 'ready') {
      await trx.updateTable('studies').set({ state: 'identified' }).where('id', '=', row.id).execute();
      await recordTransition(trx, row.id, 'ready', 'identified', who, `${resolution} by radiology`);
    }
    if (from !== 'matched') {
      await trx.updateTable('studies').set({ state: 'matched' }).where('id', '=', row.id).execute();
      await recordTransition(trx, row.id, 'identified', 'matched', who, `${resolution} by radiology`);
    }
    const why = orderId === null ? `${resolution} by radiology` : `order ${orderId} ${resolution} by radiology`;
    return enqueueCoercion(trx, row.id, buildPlan(row, target, 'COERCE', why, planSettings(deps.config)), who);
  });
  await deps.audit.record({
    type: 'studyReconciled',
    actor,
    object: { type: 'study', id: row.id },
    details: { step: resolution, orderId, jobId, ...auditIds(row, target) },
  });
}
