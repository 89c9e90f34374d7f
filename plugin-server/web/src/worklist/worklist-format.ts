// How the worklist's values read on screen: reasons and evidence in words, signed points, how long
// a study has waited, and one-line summaries of a study and of radiology's decisions. Pure.

import type {
  CoercionState,
  ReconcileAction,
  ReconciliationDetail,
  Resolution,
  ReviewReason,
} from '../../../src/domain/reconciliation.ts';
import type { EvidenceField, EvidenceOutcome } from '../../../src/matching/match-types.ts';
import { formatDicomDate, formatPersonName, fullStop, plural } from '../format/format.ts';
import { formatHl7Name } from '../hl7/hl7-format.ts';
import type { CandidateView } from './worklist.resource.ts';

/** Why a study waits, as back-office staff say it. */
export const REASON_LABELS: Readonly<Record<ReviewReason, string>> = {
  'claimed-mrn-unknown': 'Claimed MRN not known from HL7',
  'claimed-mrn-ambiguous': 'Claimed MRN fits more than one patient',
  'conflicting-birth-date': 'Birth date conflicts',
  'conflicting-sex': 'Sex conflicts',
  'name-mismatch': 'Name does not match',
  'insufficient-demographics': 'Too few demographics to identify the patient',
  'no-patient-match': 'No local patient matches',
  'partial-patient-match': 'Local patient matches only in part',
  'ambiguous-patient': 'More than one local patient fits',
  'patient-not-identified': 'Patient not identified',
  'no-candidates': 'Patient has no open order',
  'below-threshold': 'No order scores high enough',
  ambiguous: 'Several orders fit about equally',
  'study-uid-conflict': 'Study UID named by another order',
  'order-cancelled': 'Matched order was cancelled',
  'order-changed': 'Matched order has changed',
  'coercion-failed': 'Tag changes failed',
};

function isReason(value: string): value is ReviewReason {
  return Object.hasOwn(REASON_LABELS, value);
}

/** A reason in words; an unknown code (a newer server) is shown as words made from the code. */
export function reasonLabel(reason: string | null): string {
  if (reason === null || reason === '') return '–';
  if (isReason(reason)) return REASON_LABELS[reason];
  const words = reason.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const EVIDENCE_FIELD_LABELS: Readonly<Record<EvidenceField, string>> = {
  mrn: 'MRN',
  patientName: 'Patient name',
  patientBirthDate: 'Birth date',
  patientSex: 'Sex',
  StudyInstanceUID: 'Study Instance UID',
  modality: 'Modality',
  procedure: 'Procedure',
  procedureCode: 'Procedure code',
  date: 'Date',
  department: 'Department',
};

export const OUTCOME_LABELS: Readonly<Record<EvidenceOutcome, string>> = {
  match: 'agrees',
  partial: 'partly agrees',
  mismatch: 'differs',
  absent: 'not known',
};

export const RESOLUTION_LABELS: Readonly<Record<Resolution, string>> = {
  auto: 'matched automatically',
  confirmed: 'confirmed',
  manual: 'entered by hand',
  'reference-only': 'kept as reference',
};

export const COERCION_LABELS: Readonly<Record<CoercionState, string>> = {
  none: 'no tag changes',
  pending: 'tag changes queued',
  done: 'tags changed',
  failed: 'tag changes failed',
};

/** Points with their sign: "+20", "−40" (minus sign, not hyphen), "0". */
export function formatPoints(points: number): string {
  if (points > 0) return `+${points}`;
  if (points < 0) return `−${Math.abs(points)}`;
  return '0';
}

export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined ? '–' : String(score);
}

/** Whether a best score is high enough for bulk confirmation. */
export function isHighConfidence(score: number | null | undefined, minScore: number): boolean {
  return score !== null && score !== undefined && score >= minScore;
}

const DAY_MS = 86_400_000;

/** Whole days since `since` (an ISO timestamp); undefined when it is not a date. */
export function waitingDays(since: string, now: Date): number | undefined {
  const start = Date.parse(since);
  if (Number.isNaN(start)) return undefined;
  return Math.max(0, Math.floor((now.getTime() - start) / DAY_MS));
}

/** "today", "1 day", "12 days". */
export function formatWaiting(since: string, now: Date): string {
  const days = waitingDays(since, now);
  if (days === undefined) return '–';
  if (days === 0) return 'today';
  return days === 1 ? '1 day' : `${days} days`;
}

/** An order as people name it: the accession, else the placer number, else its id. */
export function candidateLabel(
  candidate: Pick<CandidateView, 'orderId' | 'accessionNumber' | 'placerOrderNumber'>,
): string {
  if (candidate.accessionNumber !== null && candidate.accessionNumber.trim() !== '') return candidate.accessionNumber;
  if (candidate.placerOrderNumber !== null && candidate.placerOrderNumber.trim() !== '') {
    return `placer ${candidate.placerOrderNumber}`;
  }
  return `#${candidate.orderId}`;
}

/** Code and text of the ordered procedure, whichever are known. */
export function procedureLabel(candidate: Pick<CandidateView, 'procedureCode' | 'procedureText'>): string {
  const parts = [candidate.procedureCode, candidate.procedureText].filter(
    (part): part is string => part !== null && part.trim() !== '',
  );
  return parts.length === 0 ? '–' : parts.join(' · ');
}

/** The candidate to confirm by default: the highest score, the first of equals. */
export function bestCandidate(candidates: readonly CandidateView[]): CandidateView | undefined {
  let best: CandidateView | undefined;
  for (const candidate of candidates) {
    if (best === undefined || candidate.score > best.score) best = candidate;
  }
  return best;
}

/** A study in one line: "SYNTHETIC, Patient · 2024-01-15 · CT HEAD". */
export function studyLabel(study: { patientName: string; studyDate: string; studyDescription: string }): string {
  const description = study.studyDescription.trim();
  return [
    formatPersonName(study.patientName),
    formatDicomDate(study.studyDate),
    description === '' ? undefined : description,
  ]
    .filter((part) => part !== undefined)
    .join(' · ');
}

export function detailStudyLabel(detail: Pick<ReconciliationDetail, 'media'>): string {
  return studyLabel({
    patientName: detail.media.patientName,
    studyDate: detail.media.studyDate,
    studyDescription: detail.media.studyDescription,
  });
}

/** What radiology asked for, in a sentence, before the answer is known. */
export function describeAction(action: ReconcileAction, detail: Pick<ReconciliationDetail, 'candidates'>): string {
  switch (action.action) {
    case 'confirm': {
      const candidate = detail.candidates.find((item) => item.orderId === action.orderId);
      return `confirm order ${candidate === undefined ? `#${action.orderId}` : candidateLabel(candidate)}`;
    }
    case 'manual':
      return action.accessionNumber.trim() === ''
        ? `set MRN ${action.mrn.trim()} by hand`
        : `set MRN ${action.mrn.trim()} and accession ${action.accessionNumber.trim()} by hand`;
    case 'reference-only':
      return `keep as reference for MRN ${action.mrn.trim()}`;
    case 'rematch':
      return 'run matching again';
  }
}

/** Where the study stands after an action: resolved, or still waiting and why. */
export function describeOutcome(after: Pick<ReconciliationDetail, 'reason' | 'resolution' | 'coercionState'>): string {
  if (after.reason !== null) return `It is still on the worklist: ${reasonLabel(after.reason)}.`;
  const resolution = after.resolution === null ? 'resolved' : RESOLUTION_LABELS[after.resolution];
  return `It left the worklist (${resolution}; ${COERCION_LABELS[after.coercionState]}).`;
}

/** An HL7 XPN (family^given^middle^suffix^prefix, HL7 v2.5 2.A.88) as "FAMILY, Prefix Given Middle Suffix". */
export function formatXpn(value: string): string {
  const [family = '', given = '', middle = '', suffix = '', prefix = ''] = value.split('^');
  return formatHl7Name({ family, given, middle, suffix, prefix });
}

/** The outcome of a bulk confirmation: a sentence, and one line per skipped study with the reason. */
export function bulkResultSummary(
  result: { confirmed: readonly string[]; skipped: readonly { studyId: string; why: string }[] },
  labelOf: (studyId: string) => string,
): { text: string; skipped: string[] } {
  const confirmed =
    result.confirmed.length === 0
      ? 'No study was confirmed.'
      : `Confirmed ${plural(result.confirmed.length, 'study', 'studies')}.`;
  const skipped = result.skipped.length === 0 ? '' : ` Skipped ${plural(result.skipped.length, 'study', 'studies')}:`;
  return {
    text: `${confirmed}${skipped}`,
    skipped: result.skipped.map((item) => `${labelOf(item.studyId)}: ${fullStop(item.why)}`),
  };
}

/** The status line after an action: "Confirm order A1: done for DOE, JANE · …. It left the worklist (…)." */
export function doneMessage(
  what: string,
  label: string,
  after: Pick<ReconciliationDetail, 'reason' | 'resolution' | 'coercionState'>,
): string {
  return `${what.charAt(0).toUpperCase()}${what.slice(1)}: done for ${label}. ${describeOutcome(after)}`;
}
