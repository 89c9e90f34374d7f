import { z } from 'zod';
import {
  IDENTITY_WORKLIST_REASONS,
  identityWorklistReasonSchema,
  MATCH_WORKLIST_REASONS,
  matchResultSchema,
  matchWorklistReasonSchema,
} from '../matching/match-types.ts';
import { dicomIdentitySchema, tagChangeSchema } from './coercion.ts';
import { studyStateSchema } from './study-state.ts';

// The radiology worklist and its actions (issue #5, DESIGN.md section 6): shapes shared by the
// API and the web UI.

/** Why a study waits for a human besides the matcher's own reasons. */
export const LIFECYCLE_REVIEW_REASONS = ['order-cancelled', 'order-changed', 'coercion-failed'] as const;

/** Why a study waits for a human: the matcher's reasons, plus the lifecycle's own. */
export const reviewReasonSchema = z.union([
  identityWorklistReasonSchema,
  matchWorklistReasonSchema,
  z.enum(LIFECYCLE_REVIEW_REASONS),
]);
export type ReviewReason = z.infer<typeof reviewReasonSchema>;
export const REVIEW_REASONS: readonly ReviewReason[] = [
  ...new Set<ReviewReason>([...IDENTITY_WORKLIST_REASONS, ...MATCH_WORKLIST_REASONS, ...LIFECYCLE_REVIEW_REASONS]),
];

/** How a study was reconciled. */
export const RESOLUTIONS = ['auto', 'confirmed', 'manual', 'reference-only'] as const;
export const resolutionSchema = z.enum(RESOLUTIONS);
export type Resolution = z.infer<typeof resolutionSchema>;

export const COERCION_STATES = ['none', 'pending', 'done', 'failed'] as const;
export const coercionStateSchema = z.enum(COERCION_STATES);
export type CoercionState = z.infer<typeof coercionStateSchema>;

/** One row of the worklist: enough to pick the next study to work on. */
export const worklistItemSchema = z.object({
  studyId: z.string(),
  StudyInstanceUID: z.string(),
  state: studyStateSchema,
  reason: reviewReasonSchema,
  waitingSince: z.string(),
  firstSeenAt: z.string(),
  department: z.string().nullable(),
  modalities: z.array(z.string()),
  studyDate: z.string(),
  studyDescription: z.string(),
  institutionName: z.string(),
  /** The media's patient name and birth date (radiology sees them: it is their job). */
  mediaPatientName: z.string(),
  mediaPatientBirthDate: z.string(),
  claimedMrn: z.string().nullable(),
  /** The best candidate order's score, if any (for bulk confirm of high-confidence ones). */
  bestScore: z.number().nullable(),
  candidateCount: z.number().int(),
});
export type WorklistItem = z.infer<typeof worklistItemSchema>;

export const worklistQuerySchema = z.object({
  state: studyStateSchema.optional(),
  department: z.string().optional(),
  modality: z.string().optional(),
  reason: reviewReasonSchema.optional(),
  /** Only studies that have waited at least this many days. */
  minAgeDays: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Paging: the `next` value of the previous page. */
  after: z.string().optional(),
});
export type WorklistQuery = z.infer<typeof worklistQuerySchema>;

export const worklistPageSchema = z.object({
  items: z.array(worklistItemSchema),
  total: z.number().int(),
  next: z.string().nullable(),
});
export type WorklistPage = z.infer<typeof worklistPageSchema>;

/** A candidate order as the worklist shows it: the order's own fields next to its score. */
export const candidateViewSchema = z.object({
  orderId: z.number().int(),
  score: z.number(),
  explicitStudyUid: z.boolean(),
  conflicting: z.boolean(),
  evidence: matchResultSchema.shape.candidates.element.shape.evidence,
  accessionNumber: z.string().nullable(),
  placerOrderNumber: z.string().nullable(),
  procedureCode: z.string().nullable(),
  procedureText: z.string().nullable(),
  modality: z.string().nullable(),
  department: z.string().nullable(),
  orderedAt: z.string().nullable(),
  status: z.string(),
  mrn: z.string(),
});
export type CandidateView = z.infer<typeof candidateViewSchema>;

/** Everything the worklist shows for one study, side by side. */
export const reconciliationDetailSchema = z.object({
  studyId: z.string(),
  StudyInstanceUID: z.string(),
  state: studyStateSchema,
  reason: reviewReasonSchema.nullable(),
  resolution: resolutionSchema.nullable(),
  coercionState: coercionStateSchema,
  /** What the media said. */
  media: dicomIdentitySchema.extend({
    institutionName: z.string(),
    studyDate: z.string(),
    studyDescription: z.string(),
    modalities: z.array(z.string()),
  }),
  claimedMrn: z.string().nullable(),
  department: z.string().nullable(),
  /** The proposed (or applied) local identity, if any. */
  proposed: dicomIdentitySchema.nullable(),
  matchedOrderId: z.number().int().nullable(),
  /** The matcher's whole conclusion (identity candidates with evidence, decision). */
  match: matchResultSchema.nullable(),
  candidates: z.array(candidateViewSchema),
  /** The exact tag changes coercion makes (or made) for the proposed identity. */
  diff: z.array(tagChangeSchema),
});
export type ReconciliationDetail = z.infer<typeof reconciliationDetailSchema>;

/** Radiology's decisions. Every one is audited with before/after values. */
export const reconcileActionSchema = z.discriminatedUnion('action', [
  /** Accept the proposed order (the best candidate) or pick another candidate. */
  z.object({ action: z.literal('confirm'), orderId: z.number().int() }),
  /** Enter MRN and accession by hand; unknown values need `acceptUnknown` after the warning. */
  z.object({
    action: z.literal('manual'),
    mrn: z.string().trim().min(1).max(64),
    accessionNumber: z.string().trim().max(16),
    acceptUnknown: z.boolean().default(false),
  }),
  /** Identify the patient but attach no order: kept as reference. */
  z.object({ action: z.literal('reference-only'), mrn: z.string().trim().min(1).max(64) }),
  /** Run matching again now. */
  z.object({ action: z.literal('rematch') }),
]);
export type ReconcileAction = z.infer<typeof reconcileActionSchema>;

export const bulkConfirmSchema = z.object({
  studyIds: z.array(z.string()).min(1).max(200),
  /** Only studies whose best candidate scores at least this are confirmed; others are skipped. */
  minScore: z.number().default(60),
});

export const bulkConfirmResultSchema = z.object({
  confirmed: z.array(z.string()),
  skipped: z.array(z.object({ studyId: z.string(), why: z.string() })),
});
