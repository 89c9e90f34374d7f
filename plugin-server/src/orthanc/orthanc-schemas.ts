import { z } from 'zod';

// The parts of Orthanc 1.10.1's responses that we rely on. Orthanc's own OpenAPI document omits
// these GET routes, so they are validated here instead of typed by the generated client.

export const orthancErrorBodySchema = z.looseObject({
  HttpError: z.string().optional(),
  HttpStatus: z.number().optional(),
  Message: z.string().optional(),
  OrthancError: z.string().optional(),
  OrthancStatus: z.number().optional(),
  Details: z.string().optional(),
});

export const orthancSystemSchema = z.looseObject({
  Version: z.string(),
  ApiVersion: z.number(),
  DicomAet: z.string(),
  DicomPort: z.number(),
  Name: z.string(),
});
export type OrthancSystem = z.infer<typeof orthancSystemSchema>;

export const CHANGE_TYPES = {
  newStudy: 'NewStudy',
  stableStudy: 'StableStudy',
  deleted: 'Deleted',
} as const;

export const orthancChangeSchema = z.looseObject({
  ChangeType: z.string(),
  Date: z.string(),
  ID: z.string(),
  Path: z.string(),
  ResourceType: z.string(),
  Seq: z.number().int(),
});
export type OrthancChange = z.infer<typeof orthancChangeSchema>;

export const orthancChangesSchema = z.looseObject({
  Changes: z.array(orthancChangeSchema),
  Done: z.boolean(),
  Last: z.number().int(),
});
export type OrthancChanges = z.infer<typeof orthancChangesSchema>;

const tags = z.record(z.string(), z.string()).default({});

export const orthancStudySchema = z.looseObject({
  ID: z.string(),
  IsStable: z.boolean(),
  LastUpdate: z.string().optional(),
  MainDicomTags: tags,
  PatientMainDicomTags: tags,
  ParentPatient: z.string(),
  Series: z.array(z.string()),
});
export type OrthancStudy = z.infer<typeof orthancStudySchema>;
export const orthancStudyIdsSchema = z.array(z.string());

export const orthancSeriesSchema = z.looseObject({
  ID: z.string(),
  Instances: z.array(z.string()),
  MainDicomTags: tags,
});
export type OrthancSeries = z.infer<typeof orthancSeriesSchema>;
export const orthancSeriesListSchema = z.array(orthancSeriesSchema);

/** `?simplify` tags: strings, or arrays of nested objects for sequences; only strings are read. */
export const orthancSimplifiedTagsSchema = z.record(z.string(), z.unknown());

export const orthancUploadResultSchema = z.looseObject({
  ID: z.string(),
  ParentStudy: z.string(),
  ParentSeries: z.string(),
  ParentPatient: z.string(),
  Status: z.string(),
});
export type OrthancUploadResult = z.infer<typeof orthancUploadResultSchema>;

/** `/tools/lookup`: the resources carrying one DICOM identifier. */
export const orthancLookupSchema = z.array(z.looseObject({ ID: z.string(), Type: z.string(), Path: z.string() }));
export type OrthancLookup = z.infer<typeof orthancLookupSchema>;

export const orthancInstanceListSchema = z.array(
  z.looseObject({ ID: z.string(), MainDicomTags: z.looseObject({ SOPInstanceUID: z.string().optional() }) }),
);
export type OrthancInstanceList = z.infer<typeof orthancInstanceListSchema>;

export const orthancPatientSchema = z.looseObject({
  ID: z.string(),
  Studies: z.array(z.string()),
  MainDicomTags: tags,
});
export type OrthancPatient = z.infer<typeof orthancPatientSchema>;

export const orthancJobSchema = z.looseObject({
  ID: z.string(),
  State: z.enum(['Pending', 'Running', 'Success', 'Failure', 'Paused', 'Retry']),
  ErrorDescription: z.string().optional(),
  ErrorDetails: z.string().optional(),
  Content: z.record(z.string(), z.unknown()).optional(),
});
export type OrthancJob = z.infer<typeof orthancJobSchema>;

export const orthancJobStartedSchema = z.looseObject({ ID: z.string() });

/** `/storage-commitment/{uid}`: the report the destination sent back (N-EVENT-REPORT). */
export const orthancStorageCommitmentSchema = z.looseObject({
  Status: z.enum(['Pending', 'Success', 'Failure']),
  Success: z.array(z.looseObject({ SOPInstanceUID: z.string() })).default([]),
  Failures: z.array(z.looseObject({ SOPInstanceUID: z.string(), FailureReason: z.number().optional() })).default([]),
});
export type OrthancStorageCommitment = z.infer<typeof orthancStorageCommitmentSchema>;
