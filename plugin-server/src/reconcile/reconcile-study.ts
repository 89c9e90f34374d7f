import type { OrderRow, PatientRow } from '@outside/hl7-bridge/schema';
import type { Kysely, Transaction } from 'kysely';
import type { AuditActor, AuditLog } from '../audit/audit-log.ts';
import { recordTransition } from '../changes/study-repository.ts';
import { buildPlan, enqueueCoercion, type PlanSettings } from '../coerce/coercion-jobs.ts';
import { cancelOpenJobs } from '../routing/route-jobs-store.ts';
import type { Config } from '../config/config-schema.ts';
import type { Database, StudyRow } from '../db/schema.ts';
import type { DicomIdentity } from '../domain/coercion.ts';
import type { ReviewReason } from '../domain/reconciliation.ts';
import { studyStateSchema, type StudyState } from '../domain/study-state.ts';
import type { Logger } from '../logger.ts';
import { matchStudy } from '../matching/match-study.ts';
import type { MatchResult } from '../matching/match-types.ts';
import { dicomDate, dicomPersonName, localIdentity, originalIdentity } from './local-identity.ts';
import {
  candidateOrderFromRow,
  knownPatientFromRow,
  loadCandidateOrders,
  loadKnownPatients,
  outsideStudyFromRow,
} from './match-inputs.ts';

// Decisions about one study: run the matcher and act on its conclusion (identify, auto-match and
// coerce, or send to the worklist), un-match when an order is cancelled, re-key on a merge.
// Database changes of one decision are one transaction; the audit record follows the commit.

type Executor = Kysely<Database> | Transaction<Database>;

export interface ReconcileDeps {
  db: Kysely<Database>;
  config: Config;
  audit: AuditLog;
  log: Logger;
}

export const MATCHER_ACTOR: AuditActor = { userId: null, username: 'system:matcher', sourceIp: null };

/** States in which a study's identifiers may still change (DESIGN section 3: until archived). */
const OPEN_STATES: readonly StudyState[] = ['ready', 'identified', 'matched', 'queued'];
const HUMAN_RESOLUTIONS = new Set(['confirmed', 'manual', 'reference-only']);

export function planSettings(config: Config): PlanSettings {
  return {
    modifyingSystem: config.coercion.modifyingSystem,
    issuerOfAccessionNumber: config.coercion.issuerOfAccessionNumber,
  };
}

export function identityFromPatient(patient: PatientRow, accessionNumber: string): DicomIdentity {
  return {
    patientId: patient.mrn,
    issuerOfPatientId: patient.mrn_issuer,
    patientName: dicomPersonName({
      family: patient.family_name,
      given: patient.given_name,
      middle: patient.middle_name,
      suffix: patient.name_suffix,
      prefix: patient.name_prefix,
    }),
    patientBirthDate: dicomDate(patient.birth_date),
    patientSex: patient.sex ?? '',
    accessionNumber,
  };
}

function localColumns(identity: DicomIdentity | null) {
  return {
    local_mrn: identity?.patientId ?? null,
    local_mrn_issuer: identity?.issuerOfPatientId ?? null,
    local_patient_name: identity?.patientName ?? null,
    local_patient_birth_date: identity?.patientBirthDate ?? null,
    local_patient_sex: identity?.patientSex ?? null,
    local_accession_number: identity === null || identity.accessionNumber === '' ? null : identity.accessionNumber,
  };
}

async function studyRow(db: Executor, studyId: string): Promise<StudyRow | undefined> {
  return db.selectFrom('studies').selectAll().where('id', '=', studyId).executeTakeFirst();
}

async function transition(db: Executor, row: StudyRow, to: StudyState, actor: string, why: string): Promise<void> {
  const from = studyStateSchema.parse(row.state);
  if (from === to) return;
  await db.updateTable('studies').set({ state: to }).where('id', '=', row.id).execute();
  await recordTransition(db, row.id, from, to, actor, why);
}

/** Whether the study's instances carry (or are being given) a local identity in Orthanc. */
function coercedOrPending(row: StudyRow): boolean {
  return row.coercion_state === 'pending' || row.coercion_state === 'done' || row.coercion_state === 'failed';
}

export interface MatchingOutcome {
  studyId: string;
  decision: 'skipped' | 'identified' | 'auto-match' | 'worklist' | 'unmatched';
  orderId?: number;
}

/**
 * Runs the matcher for one study and acts on it. Human decisions stand (a confirmed or manual
 * study is not re-matched by new orders); an automatic match is re-scored when its order changes.
 */
export async function runMatching(deps: ReconcileDeps, studyId: string): Promise<MatchingOutcome> {
  const { db, config } = deps;
  const outcome = await db.transaction().execute(async (trx): Promise<MatchingOutcome & { audit?: object }> => {
    const row = await studyRow(trx, studyId);
    if (row === undefined) return { studyId, decision: 'skipped' };
    await trx.updateTable('studies').set({ match_needed: 0 }).where('id', '=', studyId).execute();
    const state = studyStateSchema.parse(row.state);
    const autoMatched = state === 'matched' && row.resolution === 'auto';
    if (!(state === 'ready' || state === 'identified' || autoMatched)) return { studyId, decision: 'skipped' };
    if (row.resolution !== null && HUMAN_RESOLUTIONS.has(row.resolution)) return { studyId, decision: 'skipped' };

    const patients = await loadKnownPatients(trx, row);
    const mrns = [...new Set(patients.map((patient) => patient.mrn))];
    const orderRows: OrderRow[] = [];
    const seen = new Set<number>();
    for (const mrn of mrns.length === 0 ? [null] : mrns) {
      for (const order of await loadCandidateOrders(trx, mrn, row.study_instance_uid)) {
        if (!seen.has(order.id)) orderRows.push(order);
        seen.add(order.id);
      }
    }
    const result = matchStudy({
      study: outsideStudyFromRow(row),
      knownPatients: patients.map(knownPatientFromRow),
      orders: orderRows.map(candidateOrderFromRow),
      config: config.matching,
    });
    const now = new Date().toISOString();
    await trx
      .updateTable('studies')
      .set({ match_result: JSON.stringify(result), matched_at: now, updated_at: now })
      .where('id', '=', studyId)
      .execute();

    const patient =
      result.identity.decision === 'identified'
        ? patients.find(
            (p) =>
              result.identity.decision === 'identified' &&
              p.mrn === result.identity.patient.mrn &&
              p.mrn_issuer === result.identity.patient.mrnIssuer,
          )
        : undefined;
    const decision = result.decision;

    if (decision.decision === 'auto-match' && patient !== undefined) {
      const order = orderRows.find((o) => String(o.id) === decision.orderId);
      if (order === undefined) return { studyId, decision: 'skipped' };
      const target = identityFromPatient(patient, order.accession_number ?? '');
      const current = localIdentity(row);
      const unchanged =
        autoMatched && row.matched_order_id === order.id && JSON.stringify(current) === JSON.stringify(target);
      if (unchanged) return { studyId, decision: 'auto-match', orderId: order.id };
      await trx
        .updateTable('studies')
        .set({
          ...localColumns(target),
          matched_order_id: order.id,
          resolution: 'auto',
          resolved_by: MATCHER_ACTOR.username,
          review_reason: null,
          review_since: null,
        })
        .where('id', '=', studyId)
        .execute();
      if (state === 'ready') await transition(trx, row, 'identified', 'system:matcher', 'patient identified');
      if (state !== 'matched') {
        await transition(trx, { ...row, state: 'identified' }, 'matched', 'system:matcher', `order ${order.id}`);
      }
      const plan = buildPlan(row, target, 'COERCE', `matched to order ${order.id}`, planSettings(config));
      const jobId = await enqueueCoercion(trx, studyId, plan, 'system:matcher');
      return {
        studyId,
        decision: 'auto-match',
        orderId: order.id,
        audit: { step: 'auto-matched', orderId: order.id, jobId, score: bestScore(result), ...auditIds(row, target) },
      };
    }

    if (autoMatched) {
      // The order this study was matched to changed and no longer clears the rules.
      await unmatchInTransaction(trx, deps, row, 'order-changed', 'the matched order changed', 'system:matcher');
      return { studyId, decision: 'unmatched', audit: { step: 'unmatched', reason: 'order-changed' } };
    }

    const reason: ReviewReason =
      decision.decision === 'worklist'
        ? result.identity.decision === 'worklist'
          ? result.identity.reason
          : decision.reason
        : 'ambiguous';
    if (patient !== undefined) {
      await trx
        .updateTable('studies')
        .set(localColumns(identityFromPatient(patient, '')))
        .where('id', '=', studyId)
        .execute();
      if (state === 'ready') await transition(trx, row, 'identified', 'system:matcher', 'patient identified');
    }
    await trx
      .updateTable('studies')
      .set({ review_reason: reason, review_since: row.review_since ?? now })
      .where('id', '=', studyId)
      .execute();
    return { studyId, decision: patient === undefined ? 'worklist' : 'identified' };
  });
  if (outcome.audit !== undefined) {
    await deps.audit.record({
      type: 'studyReconciled',
      actor: MATCHER_ACTOR,
      object: { type: 'study', id: studyId },
      details: { ...outcome.audit },
    });
  }
  deps.log.info({ studyId, decision: outcome.decision, orderId: outcome.orderId }, 'study matched');
  return {
    studyId: outcome.studyId,
    decision: outcome.decision,
    ...(outcome.orderId === undefined ? {} : { orderId: outcome.orderId }),
  };
}

function bestScore(result: MatchResult): number | null {
  return result.candidates.reduce<number | null>((best, c) => (best === null || c.score > best ? c.score : best), null);
}

/** Identifiers for the audit trail: ids only, never names or birth dates. */
export function auditIds(row: StudyRow, target: DicomIdentity | null) {
  return {
    before: {
      patientId: row.coerced_patient_id ?? row.original_patient_id,
      accessionNumber: row.local_accession_number ?? row.original_accession_number,
    },
    after:
      target === null
        ? null
        : { patientId: target.patientId, issuer: target.issuerOfPatientId, accessionNumber: target.accessionNumber },
  };
}

/**
 * Takes a matched study back to the worklist: order and accession dropped, state back to
 * `identified`, and its instances given back the identifiers the media carried (reason CORRECT)
 * if they had been coerced. The patient stays identified.
 */
export async function unmatchInTransaction(
  trx: Executor,
  deps: ReconcileDeps,
  row: StudyRow,
  reason: ReviewReason,
  why: string,
  actor: string,
): Promise<void> {
  const now = new Date().toISOString();
  const state = studyStateSchema.parse(row.state);
  await trx
    .updateTable('studies')
    .set({
      matched_order_id: null,
      local_accession_number: null,
      resolution: null,
      resolved_by: null,
      review_reason: reason,
      review_since: now,
      updated_at: now,
    })
    .where('id', '=', row.id)
    .execute();
  if (state === 'matched' || state === 'queued') {
    await trx.updateTable('studies').set({ state: 'identified' }).where('id', '=', row.id).execute();
    await recordTransition(trx, row.id, state, 'identified', actor, why);
  }
  if (coercedOrPending(row)) {
    const plan = buildPlan(row, originalIdentity(row), 'CORRECT', why, planSettings(deps.config));
    await enqueueCoercion(trx, row.id, plan, actor);
  }
  // Deliveries not yet made must not carry identifiers that no longer hold.
  await cancelOpenJobs(trx, row.id, why);
}

/** Studies matched to a cancelled or discontinued order go back to the worklist. */
export async function unmatchOrder(deps: ReconcileDeps, orderId: number, why: string): Promise<string[]> {
  const studies = await deps.db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('studies')
      .selectAll()
      .where('matched_order_id', '=', orderId)
      .where('state', 'in', ['matched', 'queued'])
      .execute();
    for (const row of rows) await unmatchInTransaction(trx, deps, row, 'order-cancelled', why, 'system:hl7');
    return rows;
  });
  for (const row of studies) {
    await deps.audit.record({
      type: 'studyReconciled',
      actor: { userId: null, username: 'system:hl7', sourceIp: null },
      object: { type: 'study', id: row.id },
      details: { step: 'unmatched', reason: 'order-cancelled', orderId, ...auditIds(row, originalIdentity(row)) },
    });
    deps.log.info({ studyId: row.id, orderId }, 'study un-matched: order cancelled');
  }
  return studies.map((row) => row.id);
}

/**
 * An ADT^A40 retired `priorMrn` into `survivor`: staged studies of the prior MRN take the
 * survivor's identity, and are coerced again if they had been.
 */
export async function rekeyMergedPatient(
  deps: ReconcileDeps,
  priorMrn: string,
  priorIssuer: string,
  survivor: PatientRow,
): Promise<string[]> {
  const changed = await deps.db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('studies')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('local_mrn', '=', priorMrn), eb('local_mrn_issuer', '=', priorIssuer)]),
          eb('claimed_mrn', '=', priorMrn),
        ]),
      )
      .where('state', 'in', [...OPEN_STATES])
      .execute();
    const done: { row: StudyRow; target: DicomIdentity | null }[] = [];
    for (const row of rows) {
      const claimedOnly = row.local_mrn !== priorMrn;
      if (row.claimed_mrn === priorMrn) {
        await trx
          .updateTable('studies')
          .set({ claimed_mrn: survivor.mrn, claimed_mrn_issuer: survivor.mrn_issuer, match_needed: 1 })
          .where('id', '=', row.id)
          .execute();
      }
      if (claimedOnly) {
        done.push({ row, target: null });
        continue;
      }
      const target = identityFromPatient(survivor, row.local_accession_number ?? '');
      await trx
        .updateTable('studies')
        .set({ ...localColumns(target), updated_at: new Date().toISOString() })
        .where('id', '=', row.id)
        .execute();
      if (coercedOrPending(row)) {
        const plan = buildPlan(row, target, 'COERCE', `patient merge into ${survivor.id}`, planSettings(deps.config));
        await enqueueCoercion(trx, row.id, plan, 'system:hl7');
      }
      done.push({ row, target });
    }
    return done;
  });
  for (const { row, target } of changed) {
    await deps.audit.record({
      type: 'studyReconciled',
      actor: { userId: null, username: 'system:hl7', sourceIp: null },
      object: { type: 'study', id: row.id },
      details: { step: 're-keyed', priorMrn, survivorPatientId: survivor.id, ...auditIds(row, target) },
    });
  }
  return changed.map(({ row }) => row.id);
}
