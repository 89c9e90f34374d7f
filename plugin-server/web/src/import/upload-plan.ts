// Splits the files to upload into multipart requests. Small batches keep one failed request
// cheap to repeat and let the server store while the browser still sends; two or three requests
// in flight keep the connection busy while the server answers the previous one.

import type { MediaFile } from './imports.resource.ts';

export type BatchLimits = { maxFiles: number; maxBytes: number };

export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxFiles: 32, maxBytes: 64 * 1024 * 1024 };
/** Requests in flight at once. */
export const UPLOAD_CONCURRENCY = 3;

export type Batch = { index: number; files: MediaFile[]; bytes: number };

/** Files in order, a new batch whenever the next file would pass either limit. A file larger
 * than maxBytes travels alone. */
export function planBatches(files: readonly MediaFile[], limits: BatchLimits = DEFAULT_BATCH_LIMITS): Batch[] {
  const batches: Batch[] = [];
  let current: Batch | undefined;
  for (const entry of files) {
    const size = entry.file.size;
    if (current === undefined || current.files.length >= limits.maxFiles || current.bytes + size > limits.maxBytes) {
      if (current !== undefined && current.files.length > 0) batches.push(current);
      current = { index: batches.length, files: [], bytes: 0 };
    }
    current.files.push(entry);
    current.bytes += size;
  }
  if (current !== undefined && current.files.length > 0) batches.push(current);
  return batches;
}
