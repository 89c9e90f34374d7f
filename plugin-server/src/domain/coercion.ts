import { z } from 'zod';
import { originalIdentifiersSchema } from './study.ts';

// Identifier coercion (DESIGN.md section 4, IHE IRWF RAD-61): the values written into every
// instance of a study, planned once and stored, so that a resumed job writes exactly the same.

/** The patient and order identifiers of one study as DICOM values (PN in DICOM order). */
export const dicomIdentitySchema = originalIdentifiersSchema;
export type DicomIdentity = z.infer<typeof dicomIdentitySchema>;

/** (0400,0565) defined terms: COERCE when reconciling, CORRECT when undoing a wrong match. */
export const modificationReasonSchema = z.enum(['COERCE', 'CORRECT']);
export type ModificationReason = z.infer<typeof modificationReasonSchema>;

export const coercionPlanSchema = z.object({
  StudyInstanceUID: z.string().min(1),
  target: dicomIdentitySchema,
  /** Issuer of Accession Number Sequence (0008,0051) item's Local Namespace Entity ID, if configured. */
  issuerOfAccessionNumber: z.string().nullable(),
  reason: modificationReasonSchema,
  /**
   * DICOM DT of this plan, written as Attribute Modification DateTime and Instance Coercion
   * DateTime. Unique per plan (microseconds), so an instance that carries it is already done.
   */
  coercionDateTime: z.string().regex(/^\d{14}\.\d{6}$/),
  /** (0400,0563) Modifying System. */
  modifyingSystem: z.string(),
  /** (0400,0564) Source of Previous Values: the outside institution. */
  sourceOfPreviousValues: z.string(),
  /** Why, for people: "matched to order 12", "order 12 cancelled". Never patient data. */
  why: z.string(),
});
export type CoercionPlan = z.infer<typeof coercionPlanSchema>;

export const COERCION_JOB_STATES = ['pending', 'running', 'retry_wait', 'done', 'failed', 'superseded'] as const;
export const coercionJobStateSchema = z.enum(COERCION_JOB_STATES);
export type CoercionJobState = z.infer<typeof coercionJobStateSchema>;

/** One attribute coercion will change, shown to radiology before they confirm. */
export const tagChangeSchema = z.object({
  tag: z.string(),
  keyword: z.string(),
  before: z.string(),
  after: z.string(),
});
export type TagChange = z.infer<typeof tagChangeSchema>;

/** DICOM DT (UTC, microseconds) of a moment: `YYYYMMDDHHMMSS.FFFFFF`. */
export function dicomDateTime(at: Date, microseconds = 0): string {
  const iso = at.toISOString();
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  const fraction = String(at.getUTCMilliseconds() * 1000 + (microseconds % 1000)).padStart(6, '0');
  return `${digits}.${fraction}`;
}
