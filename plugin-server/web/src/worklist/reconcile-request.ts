// Radiology's decisions as request bodies (ReconcileAction, plugin-server/src/domain/
// reconciliation.ts), checked before they are sent with the limits the server applies, and how
// the sidecar's "values not known from HL7" answer is recognised. Pure.

import type { ReconcileAction, ReconciliationDetail } from '../../../src/domain/reconciliation.ts';
import { ApiError } from '../api/api-client.ts';

/** Limits of reconcileActionSchema: MRN 1 to 64 characters, accession (SH) at most 16. */
export const MRN_MAX_LENGTH = 64;
export const ACCESSION_MAX_LENGTH = 16;

export type ManualForm = { mrn: string; accessionNumber: string };

export type Built<T> = { ok: true; action: T } | { ok: false; problems: string[] };

function mrnProblems(mrn: string): string[] {
  const trimmed = mrn.trim();
  if (trimmed === '') return ['Enter the MRN.'];
  if (trimmed.length > MRN_MAX_LENGTH) return [`The MRN has more than ${MRN_MAX_LENGTH} characters.`];
  return [];
}

/** A `manual` action from the form; `acceptUnknown` only after radiology saw the warning. */
export function manualAction(
  form: ManualForm,
  acceptUnknown: boolean,
): Built<Extract<ReconcileAction, { action: 'manual' }>> {
  const accessionNumber = form.accessionNumber.trim();
  const problems = mrnProblems(form.mrn);
  if (accessionNumber.length > ACCESSION_MAX_LENGTH) {
    problems.push(`The accession number has more than ${ACCESSION_MAX_LENGTH} characters.`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, action: { action: 'manual', mrn: form.mrn.trim(), accessionNumber, acceptUnknown } };
}

export function referenceOnlyAction(mrn: string): Built<Extract<ReconcileAction, { action: 'reference-only' }>> {
  const problems = mrnProblems(mrn);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, action: { action: 'reference-only', mrn: mrn.trim() } };
}

export function confirmAction(orderId: number): Extract<ReconcileAction, { action: 'confirm' }> {
  return { action: 'confirm', orderId };
}

/** The MRN the "reference only" form starts with: the proposed patient's, else the claimed one. */
export function defaultReferenceMrn(detail: Pick<ReconciliationDetail, 'proposed' | 'claimedMrn'>): string {
  const proposed = detail.proposed?.patientId.trim() ?? '';
  if (proposed !== '') return proposed;
  return detail.claimedMrn?.trim() ?? '';
}

/** The manual form's starting values: what is proposed, so a correction is one edit. */
export function defaultManualForm(detail: Pick<ReconciliationDetail, 'proposed' | 'claimedMrn'>): ManualForm {
  return { mrn: defaultReferenceMrn(detail), accessionNumber: detail.proposed?.accessionNumber.trim() ?? '' };
}

/**
 * The server's message when it refused a `manual` action because the MRN or the accession is not
 * known from HL7 (409 `conflict`): the UI then warns and offers to send it again with
 * acceptUnknown. Undefined for any other error. The sidecar lists the unknown values in
 * `details.unknown`; a conflict whose details say something else (the accession belongs to another
 * MRN, the study is archived) cannot be overridden and is an ordinary error.
 */
export function unknownValuesWarning(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || error.status !== 409 || error.code !== 'conflict') return undefined;
  const unknown = error.details?.['unknown'];
  return Array.isArray(unknown) && unknown.length > 0 ? error.message : undefined;
}

/** What the page tells a form after sending its action (the page shows success and errors). */
export type ActionResult = { ok: true } | { ok: false; unknownValues?: string | undefined };
