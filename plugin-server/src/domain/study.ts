import { z } from 'zod';
import { studyStateSchema } from './study-state.ts';

/** The identifiers and description of an outside study as the media carried them. */
export const originalIdentifiersSchema = z.object({
  patientId: z.string(),
  issuerOfPatientId: z.string(),
  patientName: z.string(),
  patientBirthDate: z.string(),
  patientSex: z.string(),
  accessionNumber: z.string(),
});
export type OriginalIdentifiers = z.infer<typeof originalIdentifiersSchema>;

/** What the change feed learns about a study from Orthanc. */
export const studySnapshotSchema = z.object({
  orthancId: z.string(),
  StudyInstanceUID: z.string(),
  original: originalIdentifiersSchema,
  studyDate: z.string(),
  studyDescription: z.string(),
  institutionName: z.string(),
  modalities: z.array(z.string()),
  seriesCount: z.number().int().nonnegative(),
  instanceCount: z.number().int().nonnegative(),
  isStable: z.boolean(),
});
export type StudySnapshot = z.infer<typeof studySnapshotSchema>;

export const studySchema = studySnapshotSchema.omit({ orthancId: true, isStable: true }).extend({
  id: z.string(),
  orthancId: z.string().nullable(),
  state: studyStateSchema,
  firstSeenAt: z.string(),
  updatedAt: z.string(),
});
export type Study = z.infer<typeof studySchema>;
