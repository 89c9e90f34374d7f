// One import from the front desk's point of view: open an import session, send the files in
// batches (or the zip), close the session and fetch its report. A refused or failed request stops
// the rest, but the session is still finished so the report says what was stored before it.

import { ApiError, describeError, type ApiClient } from '../api/api-client.ts';
import {
  createImport,
  finishImport,
  uploadFiles,
  uploadZip,
  type FileOutcome,
  type ImportSession,
  type MediaFile,
  type NewImport,
} from './imports.resource.ts';
import { planBatches, UPLOAD_CONCURRENCY, type Batch } from './upload-plan.ts';
import { UploadProgress, type ProgressSnapshot } from './upload-progress.ts';

export type ImportPhase = 'creating' | 'uploading' | 'finishing';

export type ImportSource = { kind: 'files'; files: readonly MediaFile[] } | { kind: 'zip'; file: File };

export type ImportResult = {
  session: ImportSession | undefined;
  /** Every file outcome the upload answers reported, in the order they came. */
  outcomes: FileOutcome[];
  /** Set when the upload stopped early (refused, network, cancelled). */
  error: string | undefined;
  cancelled: boolean;
};

export type ImportCallbacks = {
  onPhase(phase: ImportPhase): void;
  onProgress(snapshot: ProgressSnapshot): void;
};

/** A request is repeated this many times after a network failure or a 502/503; a 4xx is final. */
const RETRIES = 2;

export async function runImport(
  api: ApiClient,
  request: NewImport,
  source: ImportSource,
  callbacks: ImportCallbacks,
  signal: AbortSignal,
  clock: () => number = () => performance.now(),
): Promise<ImportResult> {
  callbacks.onPhase('creating');
  const created = await createImport(api, request);
  const outcomes: FileOutcome[] = [];
  let error: string | undefined;
  callbacks.onPhase('uploading');
  try {
    if (source.kind === 'zip') {
      await sendZip(api, created.id, source.file, outcomes, callbacks, signal, clock);
    } else {
      await sendBatches(api, created.id, planBatches(source.files), outcomes, callbacks, signal, clock);
    }
  } catch (caught) {
    error = signal.aborted ? 'the upload was cancelled' : describeError(caught);
  }
  // A lost session cannot finish anything: the app is already on its way back to login.
  if (!api.hasCsrfToken()) return { session: undefined, outcomes, error, cancelled: signal.aborted };
  callbacks.onPhase('finishing');
  let session: ImportSession | undefined;
  try {
    session = await finishImport(api, created.id);
  } catch (caught) {
    error =
      error === undefined
        ? describeError(caught)
        : `${error}; closing the import also failed: ${describeError(caught)}`;
  }
  return { session, outcomes, error, cancelled: signal.aborted };
}

async function sendZip(
  api: ApiClient,
  importId: string,
  zip: File,
  outcomes: FileOutcome[],
  callbacks: ImportCallbacks,
  signal: AbortSignal,
  clock: () => number,
): Promise<void> {
  const progress = new UploadProgress(zip.size, 1, clock());
  callbacks.onProgress(progress.snapshot(clock()));
  const answer = await withRetries(signal, () =>
    uploadZip(api, importId, zip, {
      signal,
      onProgress(loaded, total) {
        progress.batchSent(0, total === 0 ? 0 : (zip.size * loaded) / total, clock());
        callbacks.onProgress(progress.snapshot(clock()));
      },
    }),
  );
  outcomes.push(...answer.outcomes);
  progress.batchDone(0, zip.size, 1, clock());
  callbacks.onProgress(progress.snapshot(clock()));
}

async function sendBatches(
  api: ApiClient,
  importId: string,
  batches: readonly Batch[],
  outcomes: FileOutcome[],
  callbacks: ImportCallbacks,
  signal: AbortSignal,
  clock: () => number,
): Promise<void> {
  const totalBytes = batches.reduce((sum, batch) => sum + batch.bytes, 0);
  const totalFiles = batches.reduce((sum, batch) => sum + batch.files.length, 0);
  const progress = new UploadProgress(totalBytes, totalFiles, clock());
  callbacks.onProgress(progress.snapshot(clock()));
  // One failure stops the workers from taking new batches; requests in flight finish.
  const stop = new AbortController();
  const both = AbortSignal.any([signal, stop.signal]);
  let next = 0;
  let firstError: unknown;
  const worker = async (): Promise<void> => {
    while (!both.aborted) {
      const batch = batches[next];
      next += 1;
      if (batch === undefined) return;
      try {
        const answer = await withRetries(signal, () =>
          uploadFiles(api, importId, batch.files, {
            signal,
            onProgress(loaded, total) {
              progress.batchSent(batch.index, total === 0 ? 0 : (batch.bytes * loaded) / total, clock());
              callbacks.onProgress(progress.snapshot(clock()));
            },
          }),
        );
        outcomes.push(...answer.outcomes);
        progress.batchDone(batch.index, batch.bytes, batch.files.length, clock());
        callbacks.onProgress(progress.snapshot(clock()));
      } catch (error) {
        firstError ??= error;
        stop.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, batches.length) }, worker));
  if (firstError !== undefined) throw firstError;
  signal.throwIfAborted();
}

async function withRetries<T>(signal: AbortSignal, send: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      const transient =
        error instanceof ApiError && (error.status === 0 || error.status === 502 || error.status === 503);
      if (!transient || attempt >= RETRIES || signal.aborted) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000 * (attempt + 1)));
    }
  }
}
