import { ORDER_STATUSES } from '@outside/hl7-bridge/schema';
import { z } from 'zod';

// Inputs and outputs of the pure matching logic (DESIGN.md section 6). The shapes are our own,
// not table rows: the database layer maps `hl7_patients` / `hl7_orders` rows and the study row
// onto these, so the rules can be tested with tables of cases and no I/O.
//
// Dates are accepted as DICOM DA (`YYYYMMDD`), ISO dates (`YYYY-MM-DD`) or ISO timestamps; the
// empty string and null both mean "not known".

/** The front desk's statement "this study belongs to MRN x" (issuer optional: the local one). */
export const claimedMrnSchema = z.object({
  mrn: z.string().min(1),
  issuer: z.string().nullable(),
});
export type ClaimedMrn = z.infer<typeof claimedMrnSchema>;

/** An outside study, with the identifiers the media carried and what the front desk said. */
export const outsideStudySchema = z.object({
  StudyInstanceUID: z.string().min(1),
  /** (0010,0020) / (0010,0021) as on the media: recorded, never used to find a local patient. */
  originalPatientId: z.string(),
  originalIssuerOfPatientId: z.string(),
  /** (0010,0010) DICOM PN: family^given^middle^prefix^suffix, `=` separating groups. */
  patientName: z.string(),
  patientBirthDate: z.string(),
  /** (0010,0040): M, F, O or empty. */
  patientSex: z.string(),
  /** (0008,0050) outside accession: NEVER used to match local orders (DESIGN section 4). */
  accessionNumber: z.string(),
  studyDate: z.string(),
  modalities: z.array(z.string()),
  studyDescription: z.string(),
  /** The department the study was imported for, when the importer knows it. */
  department: z.string().nullable(),
  claimedMrn: claimedMrnSchema.nullable(),
});
export type OutsideStudy = z.infer<typeof outsideStudySchema>;

/** A local patient known from HL7 (ADT or orders). */
export const knownPatientSchema = z.object({
  mrn: z.string().min(1),
  mrnIssuer: z.string(),
  /** PID-5 as sent, XPN: family^given^middle^suffix^prefix. */
  name: z.string(),
  birthDate: z.string().nullable(),
  sex: z.string().nullable(),
});
export type KnownPatient = z.infer<typeof knownPatientSchema>;

/** Order statuses, as the HL7 bridge stores them (hl7_orders.status): one list, the bridge's. */
export const orderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof orderStatusSchema>;

/** A local order that might be the one an outside study fulfils. */
export const candidateOrderSchema = z.object({
  id: z.string().min(1),
  status: orderStatusSchema,
  mrn: z.string(),
  mrnIssuer: z.string(),
  /** PID-5 / PID-7 / PID-8 as sent with the order. */
  patientName: z.string(),
  patientBirthDate: z.string().nullable(),
  patientSex: z.string().nullable(),
  /** The local accession: what coercion writes; never compared with the outside accession. */
  accessionNumber: z.string().nullable(),
  procedureCode: z.string().nullable(),
  procedureText: z.string().nullable(),
  modality: z.string().nullable(),
  /** ZDS-1 / IPC-3: an explicit Study Instance UID is decisive. */
  studyInstanceUid: z.string().nullable(),
  orderedAt: z.string().nullable(),
  department: z.string().nullable(),
});
export type CandidateOrder = z.infer<typeof candidateOrderSchema>;

export const matchConfigSchema = z.object({
  autoMatchThreshold: z
    .number()
    .default(60)
    .describe(
      'Minimum score for an automatic order match. 60 needs an outside-study procedure code plus ' +
        'two agreeing fields (or an explicit Study Instance UID); an ordinary local order, which ' +
        'scores at most 55, is never matched automatically.',
    ),
  minimumMargin: z
    .number()
    .default(20)
    .describe('Minimum gap between the best and the second-best candidate for an automatic match.'),
  dateWindowDays: z
    .number()
    .int()
    .nonnegative()
    .default(30)
    .describe('Largest number of days between order date and study date that still counts as agreement.'),
  openOrderStatuses: z
    .array(orderStatusSchema)
    .default(['new', 'scheduled', 'in_progress'])
    .describe('Order statuses that may receive a study (NW/SC); cancelled, discontinued, completed never do.'),
  outsideStudyImportCodes: z
    .array(z.string())
    .default([])
    .describe('Procedure codes (OBR-4.1) meaning "import of an outside study".'),
  secondReadCodes: z
    .array(z.string())
    .default([])
    .describe('Procedure codes (OBR-4.1) meaning "second read of an outside study".'),
  localIssuer: z
    .string()
    .default('')
    .describe('Issuer of the local MRNs, assumed when the front desk gives an MRN without issuer.'),
});
export type MatchConfig = z.infer<typeof matchConfigSchema>;
export type MatchConfigInput = z.input<typeof matchConfigSchema>;

export const EVIDENCE_OUTCOMES = ['match', 'mismatch', 'partial', 'absent'] as const;
export const evidenceOutcomeSchema = z.enum(EVIDENCE_OUTCOMES);
export type EvidenceOutcome = z.infer<typeof evidenceOutcomeSchema>;

export const EVIDENCE_FIELDS = [
  'mrn',
  'patientName',
  'patientBirthDate',
  'patientSex',
  'StudyInstanceUID',
  'modality',
  'procedure',
  'procedureCode',
  'date',
  'department',
] as const;
export const evidenceFieldSchema = z.enum(EVIDENCE_FIELDS);
export type EvidenceField = z.infer<typeof evidenceFieldSchema>;

/** One field's contribution to a decision, stored and shown to the radiology worklist. */
export const evidenceSchema = z.object({
  field: evidenceFieldSchema,
  outcome: evidenceOutcomeSchema,
  points: z.number(),
  explanation: z.string(),
});
export type Evidence = z.infer<typeof evidenceSchema>;

export const IDENTITY_WORKLIST_REASONS = [
  'claimed-mrn-unknown',
  'claimed-mrn-ambiguous',
  'conflicting-birth-date',
  'conflicting-sex',
  'name-mismatch',
  'insufficient-demographics',
  'no-patient-match',
  'partial-patient-match',
  'ambiguous-patient',
] as const;
export const identityWorklistReasonSchema = z.enum(IDENTITY_WORKLIST_REASONS);
export type IdentityWorklistReason = z.infer<typeof identityWorklistReasonSchema>;

/** A known patient considered for the study, with the comparison of the demographics. */
export const patientCandidateSchema = z.object({
  patient: knownPatientSchema,
  evidence: z.array(evidenceSchema),
  /** Birth date or sex conflicts: such a patient is never chosen automatically. */
  conflicting: z.boolean(),
});
export type PatientCandidate = z.infer<typeof patientCandidateSchema>;

export const identityResultSchema = z.discriminatedUnion('decision', [
  z.object({
    decision: z.literal('identified'),
    source: z.enum(['claimed-mrn', 'demographics']),
    patient: knownPatientSchema,
    candidates: z.array(patientCandidateSchema),
  }),
  z.object({
    decision: z.literal('worklist'),
    reason: identityWorklistReasonSchema,
    explanation: z.string(),
    candidates: z.array(patientCandidateSchema),
  }),
]);
export type IdentityResult = z.infer<typeof identityResultSchema>;

/** One open order's score and the evidence behind it. */
export const orderScoreSchema = z.object({
  orderId: z.string(),
  score: z.number(),
  evidence: z.array(evidenceSchema),
  /** The order carries the study's Study Instance UID. */
  explicitStudyUid: z.boolean(),
  /** The order's patient birth date or sex conflicts with the study's. */
  conflicting: z.boolean(),
});
export type OrderScore = z.infer<typeof orderScoreSchema>;

/** An order of the patient that was not scored, and why (shown, never matched). */
export const excludedOrderSchema = z.object({
  orderId: z.string(),
  reason: z.enum(['not-open', 'other-patient']),
  /** The excluded order names this very study: the study then needs a human. */
  explicitStudyUid: z.boolean(),
  explanation: z.string(),
});
export type ExcludedOrder = z.infer<typeof excludedOrderSchema>;

export const MATCH_WORKLIST_REASONS = [
  'patient-not-identified',
  'no-candidates',
  'below-threshold',
  'ambiguous',
  'conflicting-birth-date',
  'conflicting-sex',
  'study-uid-conflict',
] as const;
export const matchWorklistReasonSchema = z.enum(MATCH_WORKLIST_REASONS);
export type MatchWorklistReason = z.infer<typeof matchWorklistReasonSchema>;

export const matchDecisionSchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('auto-match'), orderId: z.string(), explanation: z.string() }),
  z.object({ decision: z.literal('worklist'), reason: matchWorklistReasonSchema, explanation: z.string() }),
]);
export type MatchDecision = z.infer<typeof matchDecisionSchema>;

/** Everything the matcher concluded for one study: stored with the study and shown as is. */
export const matchResultSchema = z.object({
  StudyInstanceUID: z.string(),
  identity: identityResultSchema,
  candidates: z.array(orderScoreSchema),
  excluded: z.array(excludedOrderSchema),
  decision: matchDecisionSchema,
});
export type MatchResult = z.infer<typeof matchResultSchema>;
