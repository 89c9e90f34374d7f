// Extracts an uploaded zip into an empty folder, enforcing the limits of DESIGN.md 9 before a
// single byte reaches Orthanc (whose own zip handling had bomb CVEs up to 1.12.10).
//
// Two passes over the central directory:
// 1. Every entry is checked before anything is written: entry count (from the end record, before
//    reading any entry), path safety (zip-slip: `..`, absolute paths, drive letters, control
//    characters), symbolic links, encryption, compression method, declared sizes and ratio.
// 2. Entries are streamed to disk with the same limits enforced on the bytes actually produced,
//    so a zip that lies about its sizes is stopped as soon as it exceeds them.
// Any violation removes everything extracted so far and returns a typed error value.

import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import {
  zipLimitsSchema,
  type ZipError,
  type ZipErrorCode,
  type ZipLimits,
  type ZipLimitsInput,
  type ZipExtraction,
  type ZipResult,
} from './scan-types.ts';

/** Internal: carries a typed error through streams and loops; never escapes this module. */
class ZipViolation extends Error {
  readonly code: ZipErrorCode;
  readonly entry: string | undefined;

  constructor(code: ZipErrorCode, message: string, entry?: string) {
    super(message);
    this.name = 'ZipViolation';
    this.code = code;
    this.entry = entry;
  }
}

type PlannedEntry = { entry: Entry; name: string; parts: string[]; directory: boolean };

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const COMPRESSION_STORED = 0;
const COMPRESSION_DEFLATED = 8;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const DRIVE = /^[A-Za-z]:/;

/**
 * Extracts `zipPath` into `destination`, which must be empty or absent (it is created). On
 * failure the folder is emptied again and the error says which limit or entry was at fault.
 */
export async function extractZip(
  zipPath: string,
  destination: string,
  limitsInput: ZipLimitsInput = {},
): Promise<ZipResult> {
  const limits = zipLimitsSchema.parse(limitsInput);
  const root = resolve(destination);
  try {
    await mkdir(root, { recursive: true });
    if ((await readdir(root)).length > 0) {
      return failure(new ZipViolation('destination-not-empty', `${root} is not empty`));
    }
  } catch (error) {
    return failure(new ZipViolation('io-error', describe(error)));
  }

  let zipfile: ZipFile | undefined;
  try {
    zipfile = await yauzl.openPromise(zipPath, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false,
      validateEntrySizes: true,
    });
    if (zipfile.entryCount > limits.maxEntries) {
      throw new ZipViolation(
        'too-many-entries',
        `${zipfile.entryCount} entries, more than the ${limits.maxEntries} allowed`,
      );
    }
    const planned = await planEntries(zipfile, limits);
    const extraction = await writeEntries(zipfile, planned, root, limits);
    return { ok: true, extraction };
  } catch (error) {
    await emptyFolder(root);
    return failure(toViolation(error));
  } finally {
    zipfile?.close();
  }
}

async function planEntries(zipfile: ZipFile, limits: ZipLimits): Promise<PlannedEntry[]> {
  const planned: PlannedEntry[] = [];
  const names = new Set<string>();
  let declaredTotal = 0;
  for await (const entry of zipfile.eachEntry()) {
    if (planned.length + 1 > limits.maxEntries) {
      throw new ZipViolation('too-many-entries', `more than ${limits.maxEntries} entries`);
    }
    const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
    const parts = safeParts(name, limits);
    const directory = name.endsWith('/');
    const unixMode = (entry.externalFileAttributes >>> 16) & S_IFMT;
    if (unixMode === S_IFLNK) throw new ZipViolation('symlink', `symbolic link entry ${JSON.stringify(name)}`, name);
    if (entry.isEncrypted()) throw new ZipViolation('encrypted', `encrypted entry ${JSON.stringify(name)}`, name);
    if (entry.compressionMethod !== COMPRESSION_STORED && entry.compressionMethod !== COMPRESSION_DEFLATED) {
      throw new ZipViolation(
        'unsupported-compression',
        `entry ${JSON.stringify(name)} uses compression method ${entry.compressionMethod}`,
        name,
      );
    }
    checkSizes(name, entry.uncompressedSize, entry.compressedSize, limits);
    declaredTotal += entry.uncompressedSize;
    if (declaredTotal > limits.maxTotalBytes) {
      throw new ZipViolation('total-too-large', `more than ${limits.maxTotalBytes} bytes uncompressed`, name);
    }
    const key = parts.join('/');
    if (!directory && names.has(key))
      throw new ZipViolation('duplicate-entry', `${JSON.stringify(name)} appears twice`, name);
    names.add(key);
    planned.push({ entry, name, parts, directory });
  }
  return planned;
}

async function writeEntries(
  zipfile: ZipFile,
  planned: PlannedEntry[],
  root: string,
  limits: ZipLimits,
): Promise<ZipExtraction> {
  let files = 0;
  let total = 0;
  for (const { entry, name, parts, directory } of planned) {
    const target = join(root, ...parts);
    // Belt and braces: safeParts already refused anything that could leave the folder.
    if (target !== root && !target.startsWith(root + sep)) {
      throw new ZipViolation('unsafe-path', `entry ${JSON.stringify(name)} resolves outside the folder`, name);
    }
    if (directory) {
      await mkdir(target, { recursive: true });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    const source = await zipfile.openReadStreamPromise(entry);
    let written = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
        written += chunk.length;
        total += chunk.length;
        try {
          checkSizes(name, written, entry.compressedSize, limits);
          if (total > limits.maxTotalBytes) {
            throw new ZipViolation('total-too-large', `more than ${limits.maxTotalBytes} bytes uncompressed`, name);
          }
        } catch (violation) {
          callback(violation instanceof Error ? violation : new Error(String(violation)));
          return;
        }
        callback(null, chunk);
      },
    });
    // `wx`: never overwrite, never write through something that is already there.
    await pipeline(source, meter, createWriteStream(target, { flags: 'wx', mode: 0o644 }));
    files += 1;
  }
  return { entries: planned.length, files, bytes: total };
}

/** Size and expansion-ratio limits for one entry, for declared sizes and for bytes produced. */
function checkSizes(name: string, uncompressed: number, compressed: number, limits: ZipLimits): void {
  if (uncompressed > limits.maxEntryBytes) {
    throw new ZipViolation(
      'entry-too-large',
      `entry ${JSON.stringify(name)} exceeds ${limits.maxEntryBytes} bytes`,
      name,
    );
  }
  if (uncompressed > limits.ratioCheckMinBytes && uncompressed > Math.max(compressed, 1) * limits.maxExpansionRatio) {
    throw new ZipViolation(
      'expansion-ratio',
      `entry ${JSON.stringify(name)} expands more than ${limits.maxExpansionRatio} times`,
      name,
    );
  }
}

/** The path components of an entry name, or a violation when the name could leave the folder. */
function safeParts(name: string, limits: ZipLimits): string[] {
  const refuse = (why: string): never => {
    throw new ZipViolation('unsafe-path', `entry ${JSON.stringify(name)}: ${why}`, name);
  };
  if (name.length === 0) refuse('empty name');
  if (name.length > limits.maxPathLength) refuse(`longer than ${limits.maxPathLength} characters`);
  if (CONTROL.test(name)) refuse('control characters');
  if (name.startsWith('/') || DRIVE.test(name)) refuse('absolute path');
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') refuse('parent-folder component');
    if (DRIVE.test(part)) refuse('drive letter');
    parts.push(part);
  }
  if (parts.length === 0) refuse('no file name');
  if (parts.length > limits.maxPathDepth) refuse(`deeper than ${limits.maxPathDepth} folders`);
  return parts;
}

async function emptyFolder(folder: string): Promise<void> {
  try {
    for (const name of await readdir(folder)) {
      await rm(join(folder, name), { recursive: true, force: true });
    }
  } catch {
    // The folder is gone or unreadable: nothing of ours is left in it to remove.
  }
}

function toViolation(error: unknown): ZipViolation {
  if (error instanceof ZipViolation) return error;
  const message = describe(error);
  if (/encrypt/i.test(message)) return new ZipViolation('encrypted', message);
  // File system errors carry the failed system call; everything else is yauzl or zlib refusing
  // the archive (bad signatures, size mismatches, corrupt deflate data).
  if (typeof error === 'object' && error !== null && 'syscall' in error) return new ZipViolation('io-error', message);
  return new ZipViolation('invalid-zip', message);
}

function failure(violation: ZipViolation): { ok: false; error: ZipError } {
  const error: ZipError = { code: violation.code, message: violation.message };
  if (violation.entry !== undefined) error.entry = violation.entry;
  return { ok: false, error };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
