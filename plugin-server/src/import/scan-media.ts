// Scans a medium (a mounted CD, or an extracted zip): every file is listed and classified by
// content, DICOM headers are read with bounded concurrency while the folder walk goes on, and
// every DICOMDIR found is cross-checked against the files (DICOMDIR is a hint, the walk is the
// truth). Nothing is uploaded here: the importer takes the MediaScan and does that.

import { stat } from 'node:fs/promises';
import { mapConcurrent } from '../shared/map-concurrent.ts';
import { crossCheckDicomdirs, type DicomdirSource } from './dicomdir-cross-check.ts';
import { folderOf } from './dicomdir-paths.ts';
import { ReadBuffers } from './read-buffers.ts';
import { readDicomFile, type HeaderReadLimits } from './read-dicom-header.ts';
import { readDicomdir } from './read-dicomdir.ts';
import { summarizeMedia } from './scan-summary.ts';
import { scanLimitsSchema, type ScanLimitsInput, type ScanResult, type ScannedFile } from './scan-types.ts';
import { WalkLimitError, walkMedia, type MediaEntry } from './walk-media.ts';

export interface ScanHooks {
  /**
   * Called as soon as each file is classified, inside the bounded pool of header reads, so a
   * caller can act on files (the importer uploads them) while the walk and the reads go on.
   * Its errors end the scan and are rethrown as they are. `contents` is the whole file when it is
   * DICOM and at most `contentsUpTo` bytes long; it is reused for another file once the returned
   * promise settles, so the hook must be done with it by then.
   */
  onFile?(file: ScannedFile, absolutePath: string, contents: Buffer | undefined): Promise<void>;
  /** DICOM files up to this size are read whole during the scan and given to onFile (default: none). */
  contentsUpTo?: number;
}

/** Carries an error of a hook through the scan, to be told apart from the scan's own errors. */
class HookFailure extends Error {
  constructor(cause: unknown) {
    super('scan hook failed', { cause });
  }
}

/** Scans the folder `root`. Problems with files are data in the result; only problems with the
 * medium as a whole (missing root, limits exceeded) make it fail. */
export async function scanMedia(
  root: string,
  limitsInput: ScanLimitsInput = {},
  hooks: ScanHooks = {},
): Promise<ScanResult> {
  const limits = scanLimitsSchema.parse(limitsInput);
  try {
    const rootStat = await stat(root);
    if (!rootStat.isDirectory())
      return { ok: false, error: { code: 'root-not-a-directory', message: `${root} is not a folder` } };
  } catch (error) {
    return { ok: false, error: { code: 'root-not-found', message: `${root}: ${describe(error)}` } };
  }

  const absolutePaths = new Map<string, string>();
  const keep =
    hooks.contentsUpTo === undefined || hooks.onFile === undefined
      ? undefined
      : { upTo: hooks.contentsUpTo, buffers: new ReadBuffers(limits.concurrency) };
  let scanned: ScannedFile[];
  try {
    scanned = await mapConcurrent(walkMedia(root, limits), limits.concurrency, async (entry) => {
      absolutePaths.set(entry.path, entry.absolutePath);
      const { file, contents } = await scanEntry(entry, limits, keep);
      if (hooks.onFile !== undefined) {
        try {
          await hooks.onFile(file, entry.absolutePath, contents);
        } catch (error) {
          throw new HookFailure(error);
        } finally {
          if (contents !== undefined) keep?.buffers.release(contents);
        }
      }
      return file;
    });
  } catch (error) {
    if (error instanceof HookFailure) throw error.cause;
    if (error instanceof WalkLimitError) return { ok: false, error: { code: error.code, message: error.message } };
    return { ok: false, error: { code: 'io-error', message: describe(error) } };
  }
  scanned.sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0));

  const summary = summarizeMedia(scanned);
  const sources: DicomdirSource[] = [];
  for (const file of summary.files) {
    if (file.outcome !== 'dicomdir') continue;
    const absolutePath = absolutePaths.get(file.path) ?? '';
    const read = await readDicomdir(absolutePath, folderOf(file.path), limits.maxDicomdirBytes);
    sources.push(read.ok ? { path: file.path, contents: read.contents } : { path: file.path, error: read.error });
  }
  return { ok: true, scan: { ...summary, dicomdir: crossCheckDicomdirs(summary.files, sources) } };
}

async function scanEntry(
  entry: MediaEntry,
  limits: HeaderReadLimits,
  keep: { upTo: number; buffers: ReadBuffers } | undefined,
): Promise<{ file: ScannedFile; contents?: Buffer }> {
  if (entry.kind === 'special') {
    return {
      file: { path: entry.path, size: 0, outcome: 'not-dicom', reason: entry.description, flags: [], warnings: [] },
    };
  }
  const { read, contents } = await readDicomFile(entry.absolutePath, limits, keep);
  return { file: { path: entry.path, ...read, flags: [] }, ...(contents === undefined ? {} : { contents }) };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
