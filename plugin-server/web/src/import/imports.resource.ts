// Import sessions: create one, upload files or a zip into it, finish it, read it back. The shapes
// are the sidecar's own schemas (plugin-server/src/domain/import-session.ts), not a copy.

import { z } from 'zod';
import {
  importFileReportSchema,
  importSessionSchema,
  type ClaimedPatient,
  type ImportSession,
} from '../../../src/domain/import-session.ts';
import type { ApiClient } from '../api/api-client.ts';
import { xhrUpload, type XhrUploadOptions } from '../api/xhr-upload.ts';

export type { ImportSession };

export const DEPARTMENTS = ['radiology', 'cardiology', 'other'] as const;
export type Department = (typeof DEPARTMENTS)[number];

/** One file's fate as an upload answer reports it. Outcome is kept open: the report shows
 * whatever the server says, known outcomes get a friendly label. */
export const fileOutcomeSchema = z.object({
  path: z.string(),
  outcome: z.string(),
  reason: z.string().nullish(),
});
export type FileOutcome = z.infer<typeof fileOutcomeSchema>;

export const uploadAnswerSchema = z.object({ received: z.number().int(), outcomes: z.array(fileOutcomeSchema) });
export type UploadAnswer = z.infer<typeof uploadAnswerSchema>;

const importAnswerSchema = z.object({ import: importSessionSchema });
const importListSchema = z.object({ imports: z.array(importSessionSchema) });
const importDetailSchema = z.object({ import: importSessionSchema, files: z.array(importFileReportSchema) });

export type NewImport = {
  department: Department;
  sourceLabel: string;
  patient?: ClaimedPatient;
};

export async function createImport(api: ApiClient, request: NewImport): Promise<ImportSession> {
  const answer = await api.post('/api/imports', importAnswerSchema, request);
  return answer.import;
}

/** One file and the path it had on the medium (`/`-separated, relative to what was picked). */
export type MediaFile = { path: string; file: File };

/** Sends a batch of files as one multipart request: every part is named `file` and carries the
 * file's relative path as its filename, so the server sees the medium's layout (DICOMDIR). */
export function uploadFiles(
  api: ApiClient,
  importId: string,
  files: readonly MediaFile[],
  options: XhrUploadOptions = {},
): Promise<UploadAnswer> {
  const form = new FormData();
  for (const { path, file } of files) form.append('file', file, path);
  return xhrUpload(api, `/api/imports/${encodeURIComponent(importId)}/files`, form, uploadAnswerSchema, options);
}

/** Sends one zip as the raw request body; the server unpacks and checks it. */
export function uploadZip(
  api: ApiClient,
  importId: string,
  zip: Blob,
  options: XhrUploadOptions = {},
): Promise<UploadAnswer> {
  return xhrUpload(api, `/api/imports/${encodeURIComponent(importId)}/zip`, zip, uploadAnswerSchema, {
    ...options,
    contentType: 'application/zip',
  });
}

export async function finishImport(api: ApiClient, importId: string): Promise<ImportSession> {
  const answer = await api.post(`/api/imports/${encodeURIComponent(importId)}/finish`, importAnswerSchema);
  return answer.import;
}

export async function listImports(api: ApiClient, limit = 50, signal?: AbortSignal): Promise<ImportSession[]> {
  const answer = await api.get(`/api/imports?limit=${limit}`, importListSchema, { signal });
  return answer.imports;
}

export function getImport(api: ApiClient, importId: string, signal?: AbortSignal) {
  return api.get(`/api/imports/${encodeURIComponent(importId)}`, importDetailSchema, { signal });
}
