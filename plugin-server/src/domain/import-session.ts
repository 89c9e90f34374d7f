import { z } from 'zod';

// An import session: one medium (folder, zip) or one web upload, and what became of every file.

export const IMPORT_OUTCOMES = [
  'stored',
  'already-stored',
  'duplicate-on-media',
  'not-dicom',
  'corrupt',
  'rejected',
] as const;
export const importOutcomeSchema = z.enum(IMPORT_OUTCOMES);
export type ImportOutcome = z.infer<typeof importOutcomeSchema>;

export const IMPORT_STATES = ['open', 'importing', 'finished', 'failed'] as const;
export const importStateSchema = z.enum(IMPORT_STATES);
export type ImportState = z.infer<typeof importStateSchema>;

export const SOURCE_KINDS = ['folder', 'zip', 'upload'] as const;
export const sourceKindSchema = z.enum(SOURCE_KINDS);
export type SourceKind = z.infer<typeof sourceKindSchema>;

export const importCountsSchema = z.object({
  files: z.number().int(),
  bytes: z.number().int(),
  stored: z.number().int(),
  alreadyStored: z.number().int(),
  duplicateOnMedia: z.number().int(),
  notDicom: z.number().int(),
  corrupt: z.number().int(),
  rejected: z.number().int(),
});
export type ImportCounts = z.infer<typeof importCountsSchema>;

export const EMPTY_COUNTS: ImportCounts = {
  files: 0,
  bytes: 0,
  stored: 0,
  alreadyStored: 0,
  duplicateOnMedia: 0,
  notDicom: 0,
  corrupt: 0,
  rejected: 0,
};

export const COUNT_KEY: Record<ImportOutcome, keyof ImportCounts> = {
  stored: 'stored',
  'already-stored': 'alreadyStored',
  'duplicate-on-media': 'duplicateOnMedia',
  'not-dicom': 'notDicom',
  corrupt: 'corrupt',
  rejected: 'rejected',
};

/** The identification the front desk gives for the import (DESIGN.md: the claimed local identity). */
export const claimedPatientSchema = z.object({
  mrn: z.string().trim().min(1).max(64).optional(),
  name: z.string().trim().min(1).max(200).optional(),
  birthDate: z
    .string()
    .regex(/^\d{8}$/, 'birth date as YYYYMMDD')
    .optional(),
});
export type ClaimedPatient = z.infer<typeof claimedPatientSchema>;

export const importStudySchema = z.object({
  studyId: z.string().nullable(),
  StudyInstanceUID: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  patientBirthDate: z.string(),
  studyDate: z.string(),
  studyDescription: z.string(),
  modalities: z.array(z.string()),
  seriesCount: z.number().int(),
  instanceCount: z.number().int(),
});
export type ImportStudy = z.infer<typeof importStudySchema>;

export const importSessionSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  createdBy: z.object({ id: z.string().nullable(), username: z.string() }),
  department: z.string(),
  sourceLabel: z.string(),
  sourceKind: sourceKindSchema,
  patient: z.object({ mrn: z.string().nullable(), name: z.string().nullable(), birthDate: z.string().nullable() }),
  state: importStateSchema,
  counts: importCountsSchema,
  studies: z.array(importStudySchema),
  warnings: z.array(z.string()),
});
export type ImportSession = z.infer<typeof importSessionSchema>;

export const importFileReportSchema = z.object({
  path: z.string(),
  size: z.number().int(),
  outcome: importOutcomeSchema,
  reason: z.string().nullable(),
  studyInstanceUID: z.string().nullable(),
});
export type ImportFileReport = z.infer<typeof importFileReportSchema>;

/** What the media's DICOMDIR(s) said, checked against the files found (the full lists are capped). */
export const mediaIndexSummarySchema = z.object({
  dicomdirs: z.array(
    z.object({
      path: z.string(),
      error: z.string().nullable(),
      declared: z
        .object({ patients: z.number(), studies: z.number(), series: z.number(), instances: z.number() })
        .nullable(),
      missing: z.array(z.string()),
      missingCount: z.number().int(),
      refused: z.array(z.object({ ReferencedFileID: z.string(), message: z.string() })),
      mismatchedCount: z.number().int(),
    }),
  ),
  unlisted: z.array(z.string()),
  unlistedCount: z.number().int(),
  clean: z.boolean(),
});
export type MediaIndexSummary = z.infer<typeof mediaIndexSummarySchema>;
