// The radiology worklist (GET /api/worklist), one study's reconciliation detail and radiology's
// decisions on it (GET/POST /api/reconciliation/:studyId), and bulk confirmation
// (POST /api/worklist/bulk-confirm); plugin-server/src/web/routes/worklist-routes.ts. Answers are
// parsed with the sidecar's own schemas (plugin-server/src/domain/reconciliation.ts).

import {
  bulkConfirmResultSchema,
  reconciliationDetailSchema,
  worklistPageSchema,
  type ReconcileAction,
  type ReconciliationDetail,
  type ReviewReason,
  type WorklistItem,
  type WorklistPage,
} from '../../../src/domain/reconciliation.ts';
import type { StudyState } from '../../../src/domain/study-state.ts';
import type { ApiClient } from '../api/api-client.ts';

export type { ReconcileAction, ReconciliationDetail, ReviewReason, WorklistItem, WorklistPage };
export type CandidateView = ReconciliationDetail['candidates'][number];
export type BulkConfirmResult = { confirmed: string[]; skipped: { studyId: string; why: string }[] };
export { REVIEW_REASONS } from '../../../src/domain/reconciliation.ts';
export { STUDY_STATES } from '../../../src/domain/study-state.ts';

/** The score from which bulk confirmation accepts a study's best candidate. */
export const HIGH_CONFIDENCE_SCORE = 60;

/** The filter bar's values, as typed (strings; '' = any). */
export type WorklistFilter = {
  state: StudyState | '';
  department: string;
  modality: string;
  reason: ReviewReason | '';
  /** Whole days, as typed in the number field. */
  minAgeDays: string;
};
export const EMPTY_WORKLIST_FILTER: WorklistFilter = {
  state: '',
  department: '',
  modality: '',
  reason: '',
  minAgeDays: '',
};

/** One request for a page: `after` is the `next` of the page before (undefined: the first page). */
export type WorklistPageRequest = { limit: number; after?: string | undefined };

export function worklistPath(filter: WorklistFilter, page: WorklistPageRequest): string {
  const query = new URLSearchParams({ limit: String(page.limit) });
  if (page.after !== undefined && page.after !== '') query.set('after', page.after);
  if (filter.state !== '') query.set('state', filter.state);
  if (filter.department.trim() !== '') query.set('department', filter.department.trim());
  if (filter.modality.trim() !== '') query.set('modality', filter.modality.trim().toUpperCase());
  if (filter.reason !== '') query.set('reason', filter.reason);
  // Anything but a whole number of days is left out rather than answered with a 400.
  const days = filter.minAgeDays.trim();
  if (/^\d{1,5}$/.test(days)) query.set('minAgeDays', String(Number(days)));
  return `/api/worklist?${query.toString()}`;
}

export function reconciliationPath(studyId: string): string {
  return `/api/reconciliation/${encodeURIComponent(studyId)}`;
}

export function listWorklist(
  api: ApiClient,
  filter: WorklistFilter,
  page: WorklistPageRequest,
  signal?: AbortSignal,
): Promise<WorklistPage> {
  return api.get(worklistPath(filter, page), worklistPageSchema, { signal });
}

export function getReconciliation(
  api: ApiClient,
  studyId: string,
  signal?: AbortSignal,
): Promise<ReconciliationDetail> {
  return api.get(reconciliationPath(studyId), reconciliationDetailSchema, { signal });
}

/** Radiology's decision; the answer is the study after it. A `manual` action with values HL7 does
 * not know is answered 409 (`conflict`) unless `acceptUnknown` is set. */
export function reconcile(api: ApiClient, studyId: string, action: ReconcileAction): Promise<ReconciliationDetail> {
  return api.post(reconciliationPath(studyId), reconciliationDetailSchema, action);
}

export function bulkConfirm(
  api: ApiClient,
  studyIds: readonly string[],
  minScore: number = HIGH_CONFIDENCE_SCORE,
): Promise<BulkConfirmResult> {
  return api.post('/api/worklist/bulk-confirm', bulkConfirmResultSchema, { studyIds, minScore });
}
