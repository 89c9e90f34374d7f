// The summary shown before upload: every picked file classified in the browser (first 64 KiB
// only), then aggregated by the sidecar scanner's own summarizeMedia (patients by PatientID and
// issuer, studies by StudyInstanceUID, series by SeriesInstanceUID, duplicates by SOP Instance UID).

import { summarizeMedia, type MediaSummary } from '../../../src/import/scan-summary.ts';
import type { ScannedFile } from '../../../src/import/scan-types.ts';
import { mapConcurrent } from '../../../src/shared/map-concurrent.ts';
import type { MediaFile } from '../import/imports.resource.ts';
import { readMediaHeader } from './read-media-header.ts';

/** Header reads in flight at once: enough to hide disc latency, few enough to keep the page responsive. */
const READ_CONCURRENCY = 8;

export type PickedMedia = {
  /** What the summary is about: the folder's name, or "3 files". */
  label: string;
  files: MediaFile[];
  summary: MediaSummary;
  /** Files worth sending: everything except what is certainly not DICOM. */
  toUpload: MediaFile[];
  /** Files recognised as not DICOM (viewer programs, documents), left out of the upload. */
  skipped: ScannedFile[];
};

export async function scanPickedMedia(
  label: string,
  picked: readonly MediaFile[],
  onProgress: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<PickedMedia> {
  const files = [...picked].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let done = 0;
  onProgress(0, files.length);
  const scanned = await mapConcurrent(files, READ_CONCURRENCY, async ({ path, file }) => {
    signal?.throwIfAborted();
    const result = await readMediaHeader(path, file);
    done += 1;
    onProgress(done, files.length);
    return result;
  });
  // summarizeMedia keeps the first file of a duplicated SOP Instance UID in path order.
  scanned.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const summary = summarizeMedia(scanned);
  const notDicom = new Set(summary.files.filter((file) => file.outcome === 'not-dicom').map((file) => file.path));
  return {
    label,
    files,
    summary,
    toUpload: files.filter((file) => !notDicom.has(file.path)),
    skipped: summary.files.filter((file) => file.outcome === 'not-dicom'),
  };
}

/** The name to record as the import's source: the top folder of the picked paths, if they share one. */
export function sourceLabelOf(files: readonly MediaFile[]): string {
  const tops = new Set(files.map(({ path }) => (path.includes('/') ? (path.split('/')[0] ?? '') : '')));
  const [only] = tops;
  if (tops.size === 1 && only !== undefined && only !== '') return only;
  return files.length === 1 ? (files[0]?.path ?? 'upload') : `${files.length} files`;
}
