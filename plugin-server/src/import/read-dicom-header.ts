// Reads one file's header without reading the file: the first chunk (64 KiB by default), grown
// fourfold only while the header runs past it, never beyond the configured maximum. Pixel data
// is never loaded; its extent is checked against the file size (and, when encapsulated, its item
// headers are walked with small positioned reads) so that a cut-short file is reported as
// `truncated` rather than discovered by Orthanc halfway through an import. An importer may ask
// for DICOM files to be read whole instead (readDicomFile with `keep`): it uploads those bytes.

import { open, type FileHandle } from 'node:fs/promises';
import {
  decodeDicomHeader,
  type HeaderFacts,
  type HeaderVerdict,
  type PixelDataLocation,
} from './decode-dicom-header.ts';
import { detectDicomLayout } from './detect-dicom.ts';
import type { ReadBuffers } from './read-buffers.ts';
import { sniffFileType, type FileType } from './sniff-file-type.ts';
import type { CorruptReason, DicomFileLayout, DicomHeaderSummary, FileOutcome, ScanLimits } from './scan-types.ts';

export type HeaderRead = {
  size: number;
  outcome: FileOutcome;
  reasonCode?: CorruptReason;
  reason?: string;
  fileType?: FileType;
  layout?: DicomFileLayout;
  header?: DicomHeaderSummary;
  warnings: string[];
};

export type HeaderReadLimits = Pick<ScanLimits, 'initialHeaderBytes' | 'maxHeaderBytes'>;

const GROWTH_FACTOR = 4;
/** Bytes decoded first, before all that was read: enough for nearly every image's header. */
const QUICK_PARSE_BYTES = 8 * 1024;
/** Encapsulated fragments walked before giving up the truncation check (a cine loop has ~1000). */
const MAX_FRAGMENTS_WALKED = 100_000;

/** Classifies one file and extracts its identifying attributes. Never throws for file content. */
export async function readDicomHeader(path: string, limits: HeaderReadLimits): Promise<HeaderRead> {
  return (await readDicomFile(path, limits)).read;
}

/** Where the classification reads bytes: the open file, or the whole file already in memory. */
type ByteSource = (position: number, length: number) => Promise<Uint8Array>;

/**
 * Classifies one file as readDicomHeader does. With `keep`, a file of at most `keep.upTo` bytes
 * whose first bytes look like DICOM is read whole into one of `keep.buffers`, and when it is DICOM
 * its contents are returned: an importer then reads each image once, through one open file,
 * instead of opening it again to upload it. The caller releases `contents` to `keep.buffers`.
 */
export async function readDicomFile(
  path: string,
  limits: HeaderReadLimits,
  keep?: { upTo: number; buffers: ReadBuffers },
): Promise<{ read: HeaderRead; contents?: Buffer }> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    return { read: unreadable(0, error) };
  }
  let size = 0;
  try {
    size = (await handle.stat()).size;
    if (keep === undefined || size > keep.upTo) return { read: await classify(fileSource(handle), size, limits) };
    return await readWhole(handle, size, limits, keep.buffers);
  } catch (error) {
    return { read: unreadable(size, error) };
  } finally {
    await handle.close();
  }
}

/** Reads the head; when it looks like DICOM, the rest too, and classifies from memory. */
async function readWhole(
  handle: FileHandle,
  size: number,
  limits: HeaderReadLimits,
  buffers: ReadBuffers,
): Promise<{ read: HeaderRead; contents?: Buffer }> {
  const buffer = buffers.acquire(size);
  let kept = false;
  try {
    // Viewer programs and documents on a CD are never read beyond their first bytes.
    const head = buffer.subarray(
      0,
      await readInto(handle, buffer.subarray(0, Math.min(size, limits.initialHeaderBytes)), 0),
    );
    if (detectDicomLayout(head, size).kind === 'not-dicom') {
      return { read: await classify(fileSource(handle, head), size, limits) };
    }
    const filled = head.length + (await readInto(handle, buffer.subarray(head.length, size), head.length));
    if (filled !== size) throw new Error('the file changed while it was read');
    const whole = buffer.subarray(0, size);
    const read = await classify(
      (position, length) => Promise.resolve(whole.subarray(position, position + length)),
      size,
      limits,
    );
    if (read.outcome !== 'dicom') return { read };
    kept = true;
    return { read, contents: whole };
  } finally {
    if (!kept) buffers.release(buffer);
  }
}

/** Positioned reads from the open file; `head`, when given, holds its first bytes already. */
function fileSource(handle: FileHandle, head?: Uint8Array): ByteSource {
  return (position, length) =>
    head !== undefined && position + length <= head.length
      ? Promise.resolve(head.subarray(position, position + length))
      : readAt(handle, position, length);
}

async function classify(read: ByteSource, size: number, limits: HeaderReadLimits): Promise<HeaderRead> {
  let length = Math.min(size, limits.initialHeaderBytes);
  let bytes = await read(0, length);
  // Most headers end within a few kilobytes, and decoding costs in proportion to the bytes handed
  // over (they are copied): try the start first, and trust it only when it reached Pixel Data.
  if (bytes.length > QUICK_PARSE_BYTES) {
    const quick = decodeDicomHeader(bytes.subarray(0, QUICK_PARSE_BYTES), size, limits.maxHeaderBytes);
    if (quick.kind === 'dicom' && quick.pixelData !== undefined) return dicomRead(read, bytes, size, quick);
  }
  for (;;) {
    const verdict = decodeDicomHeader(bytes, size, limits.maxHeaderBytes);
    switch (verdict.kind) {
      case 'not-dicom':
        return { size, outcome: 'not-dicom', reason: verdict.reason, fileType: sniffFileType(bytes), warnings: [] };
      case 'dicomdir':
        return { size, outcome: 'dicomdir', ...fromFacts(verdict.facts) };
      case 'corrupt':
        return {
          size,
          outcome: 'corrupt',
          reasonCode: verdict.reasonCode,
          reason: verdict.reason,
          ...fromFacts(verdict.facts),
        };
      case 'dicom':
        return dicomRead(read, bytes, size, verdict);
      case 'need-more-bytes': {
        if (length >= limits.maxHeaderBytes) return tooLarge(size, limits.maxHeaderBytes, verdict.partial);
        length = Math.min(size, length * GROWTH_FACTOR, limits.maxHeaderBytes);
        bytes = await read(0, length);
        break;
      }
    }
  }
}

/** A DICOM verdict, unless the pixel data it announces is cut short. */
async function dicomRead(
  read: ByteSource,
  bytes: Uint8Array,
  size: number,
  verdict: Extract<HeaderVerdict, { kind: 'dicom' }>,
): Promise<HeaderRead> {
  const truncation =
    verdict.pixelData === undefined ? undefined : await checkPixelData(read, bytes, size, verdict.pixelData);
  if (truncation !== undefined) {
    return { size, outcome: 'corrupt', reasonCode: 'truncated', reason: truncation, ...fromFacts(verdict.facts) };
  }
  return { size, outcome: 'dicom', ...fromFacts(verdict.facts) };
}

/**
 * The header did not end within the maximum. When the identifying attributes (all below group
 * 0x0028) were already read, the file is still usable: a huge private block or an embedded PDF
 * sits after them. Otherwise it is reported.
 */
function tooLarge(size: number, maxHeaderBytes: number, partial: HeaderFacts | undefined): HeaderRead {
  const header = partial?.header;
  const warning = `header longer than ${maxHeaderBytes} bytes; pixel data not checked`;
  const identified =
    header !== undefined &&
    header.SOPInstanceUID !== '' &&
    header.SeriesInstanceUID !== '' &&
    header.StudyInstanceUID !== '';
  if (identified) {
    return { size, outcome: 'dicom', ...fromFacts(partial), warnings: [...(partial?.warnings ?? []), warning] };
  }
  return {
    size,
    outcome: 'corrupt',
    reasonCode: 'header-too-large',
    reason: `no identifying attributes within the first ${maxHeaderBytes} bytes`,
    ...fromFacts(partial),
  };
}

/** Whether the pixel data the header announces is all there; a message when it is not. */
async function checkPixelData(
  read: ByteSource,
  bytes: Uint8Array,
  size: number,
  pixelData: PixelDataLocation,
): Promise<string | undefined> {
  if (!pixelData.encapsulated) {
    const available = size - pixelData.valueOffset;
    return pixelData.length > available
      ? `truncated: Pixel Data declares ${pixelData.length} bytes but the file ends after ${available}`
      : undefined;
  }
  // Encapsulated (PS3.5 A.4): items (FFFE,E000) with explicit lengths, then a sequence delimiter.
  let position = pixelData.valueOffset;
  for (let fragment = 0; fragment < MAX_FRAGMENTS_WALKED; fragment += 1) {
    if (position + 8 > size) return 'truncated: the file ends inside the encapsulated Pixel Data';
    const header = position + 8 <= bytes.length ? bytes.subarray(position, position + 8) : await read(position, 8);
    const view = new DataView(header.buffer, header.byteOffset, 8);
    const group = view.getUint16(0, true);
    const element = view.getUint16(2, true);
    const length = view.getUint32(4, true);
    if (group === 0xfffe && element === 0xe0dd) return undefined;
    if (group !== 0xfffe || element !== 0xe000 || length === 0xffffffff) {
      return undefined; // Malformed but not provably short; DCMTK decides at import.
    }
    position += 8 + length;
  }
  return undefined;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  return buffer.subarray(0, await readInto(handle, buffer, position));
}

/** Fills `target` from `position` of the file, or as much of it as the file holds; bytes read. */
async function readInto(handle: FileHandle, target: Buffer, position: number): Promise<number> {
  const length = target.length;
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(target, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

function fromFacts(facts: HeaderFacts | undefined): Pick<HeaderRead, 'layout' | 'header' | 'warnings'> {
  if (facts === undefined) return { warnings: [] };
  return {
    layout: facts.layout,
    ...(facts.header === undefined ? {} : { header: facts.header }),
    warnings: facts.warnings,
  };
}

function unreadable(size: number, error: unknown): HeaderRead {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'error';
  const message = error instanceof Error ? error.message : String(error);
  return {
    size,
    outcome: 'corrupt',
    reasonCode: 'unreadable',
    reason: `unreadable (${code}): ${message}`,
    warnings: [],
  };
}
