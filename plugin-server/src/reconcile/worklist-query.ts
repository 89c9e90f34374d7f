import type { Kysely } from 'kysely';
import { z } from 'zod';
import { identityChanges } from '../coerce/coercion-tags.ts';
import { lastDonePlan } from '../coerce/coercion-jobs.ts';
import type { Database, StudyRow } from '../db/schema.ts';
import {
  coercionStateSchema,
  resolutionSchema,
  reviewReasonSchema,
  type CandidateView,
  type ReconciliationDetail,
  type WorklistItem,
  type WorklistPage,
  type WorklistQuery,
} from '../domain/reconciliation.ts';
import { studyStateSchema } from '../domain/study-state.ts';
import { matchResultSchema, type MatchResult } from '../matching/match-types.ts';
import { localIdentity, originalIdentity } from './local-identity.ts';

// Reads for the radiology worklist: the page of studies that need a human (oldest first, keyset
// paging on first_seen_at, id) and everything shown for one of them.

const modalitiesSchema = z.array(z.string());
const cursorSchema = z.tuple([z.string(), z.string()]);

function parseMatch(text: string | null): MatchResult | null {
  if (text === null) return null;
  const parsed = matchResultSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

function toItem(row: StudyRow): WorklistItem {
  const match = parseMatch(row.match_result);
  const scores = match?.candidates.map((candidate) => candidate.score) ?? [];
  return {
    studyId: row.id,
    StudyInstanceUID: row.study_instance_uid,
    state: studyStateSchema.parse(row.state),
    reason: reviewReasonSchema.parse(row.review_reason),
    waitingSince: row.review_since ?? row.first_seen_at,
    firstSeenAt: row.first_seen_at,
    department: row.department,
    modalities: modalitiesSchema.parse(JSON.parse(row.modalities)),
    studyDate: row.study_date,
    studyDescription: row.study_description,
    institutionName: row.institution_name,
    mediaPatientName: row.original_patient_name,
    mediaPatientBirthDate: row.original_patient_birth_date,
    claimedMrn: row.claimed_mrn,
    bestScore: scores.length === 0 ? null : Math.max(...scores),
    candidateCount: scores.length,
  };
}

export async function worklistPage(
  db: Kysely<Database>,
  query: WorklistQuery,
  now = new Date(),
): Promise<WorklistPage> {
  let select = db.selectFrom('studies').where('review_reason', 'is not', null);
  if (query.reason !== undefined) select = select.where('review_reason', '=', query.reason);
  if (query.state !== undefined) select = select.where('state', '=', query.state);
  if (query.department !== undefined) select = select.where('department', '=', query.department);
  if (query.modality !== undefined) select = select.where('modalities', 'like', `%${JSON.stringify(query.modality)}%`);
  if (query.minAgeDays !== undefined) {
    const before = new Date(now.getTime() - query.minAgeDays * 86_400_000).toISOString();
    select = select.where('first_seen_at', '<=', before);
  }
  const total = await select.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  let page = select
    .selectAll()
    .orderBy('first_seen_at')
    .orderBy('id')
    .limit(query.limit + 1);
  if (query.after !== undefined) {
    const [seenAt, id] = cursorSchema.parse(JSON.parse(Buffer.from(query.after, 'base64url').toString('utf8')));
    page = page.where((eb) =>
      eb.or([eb('first_seen_at', '>', seenAt), eb.and([eb('first_seen_at', '=', seenAt), eb('id', '>', id)])]),
    );
  }
  const rows = await page.execute();
  const items = rows.slice(0, query.limit).map(toItem);
  const last = rows.length > query.limit ? rows[query.limit - 1] : undefined;
  return {
    items,
    total: Number(total.n),
    next:
      last === undefined
        ? null
        : Buffer.from(JSON.stringify([last.first_seen_at, last.id]), 'utf8').toString('base64url'),
  };
}

export async function reconciliationDetail(db: Kysely<Database>, row: StudyRow): Promise<ReconciliationDetail> {
  const match = parseMatch(row.match_result);
  const orderIds = (match?.candidates ?? []).map((candidate) => Number(candidate.orderId));
  const orders =
    orderIds.length === 0 ? [] : await db.selectFrom('hl7_orders').selectAll().where('id', 'in', orderIds).execute();
  const candidates: CandidateView[] = [];
  for (const candidate of match?.candidates ?? []) {
    const order = orders.find((o) => String(o.id) === candidate.orderId);
    if (order === undefined) continue;
    candidates.push({
      orderId: order.id,
      score: candidate.score,
      explicitStudyUid: candidate.explicitStudyUid,
      conflicting: candidate.conflicting,
      evidence: candidate.evidence,
      accessionNumber: order.accession_number,
      placerOrderNumber: order.placer_order_number,
      procedureCode: order.procedure_code,
      procedureText: order.procedure_text,
      modality: order.modality,
      department: order.department,
      orderedAt: order.ordered_at,
      status: order.status,
      mrn: order.mrn,
    });
  }
  candidates.sort((a, b) => b.score - a.score);
  const proposed = proposedIdentity(row, candidates);
  const done = await lastDonePlan(db, row.id);
  const current = done?.target ?? originalIdentity(row);
  return {
    studyId: row.id,
    StudyInstanceUID: row.study_instance_uid,
    state: studyStateSchema.parse(row.state),
    reason: row.review_reason === null ? null : reviewReasonSchema.parse(row.review_reason),
    resolution: row.resolution === null ? null : resolutionSchema.parse(row.resolution),
    coercionState: coercionStateSchema.parse(row.coercion_state ?? 'none'),
    media: {
      ...originalIdentity(row),
      institutionName: row.institution_name,
      studyDate: row.study_date,
      studyDescription: row.study_description,
      modalities: modalitiesSchema.parse(JSON.parse(row.modalities)),
    },
    claimedMrn: row.claimed_mrn,
    department: row.department,
    proposed,
    matchedOrderId: row.matched_order_id,
    match,
    candidates,
    diff: proposed === null ? [] : identityChanges(current, proposed),
  };
}

/** The local identity with the best candidate's accession, when no order is attached yet. */
function proposedIdentity(row: StudyRow, candidates: readonly CandidateView[]) {
  const local = localIdentity(row);
  if (local === null) return null;
  if (row.matched_order_id !== null || local.accessionNumber !== '') return local;
  const best = candidates.find((candidate) => !candidate.conflicting);
  return { ...local, accessionNumber: best?.accessionNumber ?? '' };
}
