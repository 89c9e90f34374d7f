import { z } from 'zod';
import { FILE_TYPES } from './sniff-file-type.ts';

// The media scanner's domain types. A MediaScan crosses boundaries (HTTP API to the front desk
// UI, JSON stored with an import), so everything here is a zod schema and the types are inferred.
// DICOM attributes keep their standard keywords (PS3.6); scanner concepts are camelCase.

// ---------------------------------------------------------------------------------------------
// Limits (configuration)

export const scanLimitsSchema = z.strictObject({
  concurrency: z.number().int().min(1).max(256).default(16).describe('Header reads in flight at once.'),
  initialHeaderBytes: z
    .number()
    .int()
    .min(1024)
    .default(64 * 1024)
    .describe('Bytes read from each file first; the read grows only when the header is longer.'),
  maxHeaderBytes: z
    .number()
    .int()
    .min(1024)
    .default(16 * 1024 * 1024)
    .describe('Largest header (everything before Pixel Data) read to find the identifying attributes.'),
  maxDicomdirBytes: z
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024)
    .describe('Largest DICOMDIR parsed; a DICOMDIR is read whole.'),
  maxFiles: z.number().int().min(1).default(200_000).describe('Files on one medium before the scan gives up.'),
  maxDepth: z.number().int().min(1).default(32).describe('Folder depth on one medium before the scan gives up.'),
});
export type ScanLimits = z.infer<typeof scanLimitsSchema>;
export type ScanLimitsInput = z.input<typeof scanLimitsSchema>;

export const zipLimitsSchema = z.strictObject({
  maxEntries: z.number().int().min(1).default(100_000).describe('Entries (files and folders) in one zip.'),
  maxTotalBytes: z
    .number()
    .int()
    .min(1)
    .default(16 * 1024 ** 3)
    .describe('Uncompressed bytes of a whole zip (a dual-layer DVD holds 8.5 GB).'),
  maxEntryBytes: z
    .number()
    .int()
    .min(1)
    .default(4 * 1024 ** 3)
    .describe('Uncompressed bytes of one entry.'),
  maxExpansionRatio: z
    .number()
    .min(1)
    .default(100)
    .describe('Uncompressed / compressed size of one entry; image data never compresses this well.'),
  ratioCheckMinBytes: z
    .number()
    .int()
    .min(0)
    .default(1024 * 1024)
    .describe('Entries smaller than this are not held to the ratio (small text files compress well).'),
  maxPathDepth: z.number().int().min(1).default(32).describe('Folder depth of an entry path.'),
  maxPathLength: z.number().int().min(1).default(1024).describe('Characters of an entry path.'),
});
export type ZipLimits = z.infer<typeof zipLimitsSchema>;
export type ZipLimitsInput = z.input<typeof zipLimitsSchema>;

// ---------------------------------------------------------------------------------------------
// One file on the medium

/** The identifying attributes of one instance, as the file carries them (empty when absent). */
export const dicomHeaderSummarySchema = z.object({
  SOPInstanceUID: z.string(),
  SOPClassUID: z.string(),
  StudyInstanceUID: z.string(),
  SeriesInstanceUID: z.string(),
  TransferSyntaxUID: z.string(),
  PatientID: z.string(),
  IssuerOfPatientID: z.string(),
  PatientName: z.string(),
  PatientBirthDate: z.string(),
  PatientSex: z.string(),
  AccessionNumber: z.string(),
  StudyDate: z.string(),
  StudyDescription: z.string(),
  Modality: z.string(),
  InstitutionName: z.string(),
  SeriesNumber: z.number().int().nullable(),
  InstanceNumber: z.number().int().nullable(),
});
export type DicomHeaderSummary = z.infer<typeof dicomHeaderSummarySchema>;

export const FILE_OUTCOMES = ['dicom', 'dicomdir', 'not-dicom', 'corrupt'] as const;
export const fileOutcomeSchema = z.enum(FILE_OUTCOMES);
export type FileOutcome = z.infer<typeof fileOutcomeSchema>;

/** Why a file that looks like DICOM cannot be imported as it is. */
export const CORRUPT_REASONS = [
  /** The file ends before its header or its pixel data do. */
  'truncated',
  /** The operating system could not read it (scratched disc, permissions). */
  'unreadable',
  /** The bytes are not a parseable DICOM dataset. */
  'invalid-header',
  /** SOP Instance, Series Instance or Study Instance UID is missing: Orthanc cannot store it. */
  'missing-identifiers',
  /** The dataset is encoded differently from what its meta group says (DCMTK refuses it). */
  'transfer-syntax-mismatch',
  /** The header is longer than the configured maximum and the identifiers were not found in it. */
  'header-too-large',
  /** A deflated dataset (1.2.840.10008.1.2.1.99) that does not inflate. */
  'deflate-error',
] as const;
export const corruptReasonSchema = z.enum(CORRUPT_REASONS);
export type CorruptReason = z.infer<typeof corruptReasonSchema>;

/** How the DICOM bytes are laid out; the importer may have to add a meta group to a bare dataset. */
export const DICOM_LAYOUTS = ['part10', 'part10-without-preamble', 'bare-dataset'] as const;
export const dicomLayoutSchema = z.enum(DICOM_LAYOUTS);
export type DicomFileLayout = z.infer<typeof dicomLayoutSchema>;

export const FILE_FLAGS = ['duplicate-on-media'] as const;
export const fileFlagSchema = z.enum(FILE_FLAGS);
export type FileFlag = z.infer<typeof fileFlagSchema>;

export const scannedFileSchema = z.object({
  /** Path relative to the medium's root, `/`-separated, as found on disk. */
  path: z.string(),
  size: z.number().int().nonnegative(),
  outcome: fileOutcomeSchema,
  /** Set for `corrupt`. */
  reasonCode: corruptReasonSchema.optional(),
  /** Human-readable explanation for `corrupt` and `not-dicom`. */
  reason: z.string().optional(),
  /** A label for `not-dicom` files (viewer program, PDF, HTML...). */
  fileType: z.enum(FILE_TYPES).optional(),
  layout: dicomLayoutSchema.optional(),
  /** Present for `dicom`, and for `corrupt` files whose header could still be read. */
  header: dicomHeaderSummarySchema.optional(),
  flags: z.array(fileFlagSchema),
  /** For `duplicate-on-media`: the path of the first file with the same SOP Instance UID. */
  duplicateOf: z.string().optional(),
  /** Oddities that do not stop the import (e.g. missing transfer syntax in the meta group). */
  warnings: z.array(z.string()),
});
export type ScannedFile = z.infer<typeof scannedFileSchema>;

// ---------------------------------------------------------------------------------------------
// DICOMDIR (PS3.3 F.3, PS3.10 8.6)

export const REFUSED_REFERENCE_REASONS = ['escapes-media-root', 'absolute-path', 'invalid-component'] as const;
export const refusedReferenceReasonSchema = z.enum(REFUSED_REFERENCE_REASONS);
export type RefusedReferenceReason = z.infer<typeof refusedReferenceReasonSchema>;

const directoryRecordFields = {
  /** DirectoryRecordType (0004,1430): PATIENT, STUDY, SERIES, IMAGE, SR DOCUMENT, PRIVATE... */
  type: z.string(),
  /** Byte offset of the record's item in the DICOMDIR file (what the offset attributes point to). */
  offset: z.number().int(),
  PatientID: z.string().optional(),
  PatientName: z.string().optional(),
  StudyInstanceUID: z.string().optional(),
  StudyDate: z.string().optional(),
  StudyDescription: z.string().optional(),
  AccessionNumber: z.string().optional(),
  SeriesInstanceUID: z.string().optional(),
  Modality: z.string().optional(),
  SeriesNumber: z.string().optional(),
  InstanceNumber: z.string().optional(),
  /** ReferencedFileID (0004,1500) components, as written. */
  ReferencedFileID: z.array(z.string()).optional(),
  ReferencedSOPClassUIDInFile: z.string().optional(),
  ReferencedSOPInstanceUIDInFile: z.string().optional(),
  ReferencedTransferSyntaxUIDInFile: z.string().optional(),
};

export type DirectoryRecord = z.infer<z.ZodObject<typeof directoryRecordFields>> & { children: DirectoryRecord[] };

export const directoryRecordSchema: z.ZodType<DirectoryRecord> = z.object({
  ...directoryRecordFields,
  get children() {
    return z.array(directoryRecordSchema);
  },
});

/** A leaf record that names a file, with the file's path resolved against the DICOMDIR's folder. */
export const dicomdirReferenceSchema = z.object({
  recordType: z.string(),
  ReferencedFileID: z.array(z.string()),
  /** Path relative to the medium's root, `/`-separated, in the DICOMDIR's spelling. */
  path: z.string(),
  ReferencedSOPInstanceUIDInFile: z.string().optional(),
  ReferencedSOPClassUIDInFile: z.string().optional(),
  ReferencedTransferSyntaxUIDInFile: z.string().optional(),
});
export type DicomdirReference = z.infer<typeof dicomdirReferenceSchema>;

export const refusedReferenceSchema = z.object({
  recordType: z.string(),
  /** The raw ReferencedFileID value, components joined with `\` as on the medium. */
  ReferencedFileID: z.string(),
  reason: refusedReferenceReasonSchema,
  message: z.string(),
});
export type RefusedReference = z.infer<typeof refusedReferenceSchema>;

export const dicomdirCountsSchema = z.object({
  patients: z.number().int(),
  studies: z.number().int(),
  series: z.number().int(),
  /** Records that reference a file (IMAGE, SR DOCUMENT, RT DOSE, ...). */
  instances: z.number().int(),
});
export type DicomdirCounts = z.infer<typeof dicomdirCountsSchema>;

/** What a DICOMDIR declares. */
export const dicomdirContentsSchema = z.object({
  FileSetID: z.string(),
  TransferSyntaxUID: z.string(),
  declared: dicomdirCountsSchema,
  /** In-use records per DirectoryRecordType. */
  recordTypeCounts: z.record(z.string(), z.number().int()),
  /** The record hierarchy, root records first, following the offset attributes. */
  roots: z.array(directoryRecordSchema),
  references: z.array(dicomdirReferenceSchema),
  refused: z.array(refusedReferenceSchema),
  warnings: z.array(z.string()),
});
export type DicomdirContents = z.infer<typeof dicomdirContentsSchema>;

/** One DICOMDIR checked against the files actually found. */
export const dicomdirReportSchema = z.object({
  path: z.string(),
  /** Absent when the DICOMDIR could not be parsed; `error` says why. */
  contents: dicomdirContentsSchema.optional(),
  error: z.string().optional(),
  /** Files the DICOMDIR lists that are not on the medium. */
  missing: z.array(dicomdirReferenceSchema),
  /** Listed files whose SOP Instance UID differs from the one the DICOMDIR records. */
  mismatched: z.array(
    z.object({ path: z.string(), declaredSOPInstanceUID: z.string(), foundSOPInstanceUID: z.string() }),
  ),
  /** Listed files that exist but are not importable DICOM. */
  listedNotDicom: z.array(z.object({ path: z.string(), outcome: fileOutcomeSchema })),
});
export type DicomdirReport = z.infer<typeof dicomdirReportSchema>;

export const dicomdirCrossCheckSchema = z.object({
  dicomdirs: z.array(dicomdirReportSchema),
  /** DICOM files no DICOMDIR lists (only reported when the medium has a DICOMDIR). */
  unlisted: z.array(z.string()),
  /** True when there is a DICOMDIR and everything it says matches the files found. */
  clean: z.boolean(),
});
export type DicomdirCrossCheck = z.infer<typeof dicomdirCrossCheckSchema>;

// ---------------------------------------------------------------------------------------------
// The whole medium

export const scannedSeriesSchema = z.object({
  SeriesInstanceUID: z.string(),
  SeriesNumber: z.number().int().nullable(),
  Modality: z.string(),
  instances: z.number().int(),
});

export const scannedStudySchema = z.object({
  StudyInstanceUID: z.string(),
  PatientID: z.string(),
  IssuerOfPatientID: z.string(),
  PatientName: z.string(),
  PatientBirthDate: z.string(),
  PatientSex: z.string(),
  AccessionNumber: z.string(),
  StudyDate: z.string(),
  StudyDescription: z.string(),
  InstitutionName: z.string(),
  modalities: z.array(z.string()),
  series: z.array(scannedSeriesSchema),
  instances: z.number().int(),
  bytes: z.number().int(),
});
export type ScannedStudy = z.infer<typeof scannedStudySchema>;

export const scannedPatientSchema = z.object({
  PatientID: z.string(),
  IssuerOfPatientID: z.string(),
  PatientName: z.string(),
  PatientBirthDate: z.string(),
  PatientSex: z.string(),
  /** Distinct (name, birth date, sex) combinations under this ID: more than one needs a human. */
  demographicVariants: z.number().int(),
  studies: z.array(z.string()),
});
export type ScannedPatient = z.infer<typeof scannedPatientSchema>;

export const duplicateInstanceSchema = z.object({
  SOPInstanceUID: z.string(),
  /** The first path is the one kept; the others carry the `duplicate-on-media` flag. */
  paths: z.array(z.string()),
});

export const scanCountsSchema = z.object({
  files: z.number().int(),
  dicomFiles: z.number().int(),
  dicomdirFiles: z.number().int(),
  notDicomFiles: z.number().int(),
  corruptFiles: z.number().int(),
  duplicateFiles: z.number().int(),
  patients: z.number().int(),
  studies: z.number().int(),
  series: z.number().int(),
  instances: z.number().int(),
  bytes: z.number().int(),
  dicomBytes: z.number().int(),
});
export type ScanCounts = z.infer<typeof scanCountsSchema>;

export const mediaScanSchema = z.object({
  files: z.array(scannedFileSchema),
  dicomdir: dicomdirCrossCheckSchema,
  duplicates: z.array(duplicateInstanceSchema),
  patients: z.array(scannedPatientSchema),
  studies: z.array(scannedStudySchema),
  counts: scanCountsSchema,
});
export type MediaScan = z.infer<typeof mediaScanSchema>;

export const SCAN_ERROR_CODES = [
  'root-not-found',
  'root-not-a-directory',
  'too-many-files',
  'too-deep',
  'io-error',
] as const;
export type ScanErrorCode = (typeof SCAN_ERROR_CODES)[number];
export type ScanError = { code: ScanErrorCode; message: string };
export type ScanResult = { ok: true; scan: MediaScan } | { ok: false; error: ScanError };

// ---------------------------------------------------------------------------------------------
// Zip extraction

export const ZIP_ERROR_CODES = [
  'destination-not-empty',
  'invalid-zip',
  'too-many-entries',
  'entry-too-large',
  'total-too-large',
  'expansion-ratio',
  'unsafe-path',
  'symlink',
  'encrypted',
  'unsupported-compression',
  'duplicate-entry',
  'io-error',
] as const;
export type ZipErrorCode = (typeof ZIP_ERROR_CODES)[number];
export type ZipError = { code: ZipErrorCode; message: string; entry?: string };
export type ZipExtraction = { entries: number; files: number; bytes: number };
export type ZipResult = { ok: true; extraction: ZipExtraction } | { ok: false; error: ZipError };
