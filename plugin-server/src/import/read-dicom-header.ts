// Reads one file's header without reading the file: the first chunk (64 KiB by default), grown
// fourfold only while the header runs past it, never beyond the configured maximum. Pixel data
// is never loaded; its extent is checked against the file size (and, when encapsulated, its item
// headers are walked with small positioned reads) so that a cut-short file is reported as
// `truncated` rather than discovered by Orthanc halfway through an import.

import { open, type FileHandle } from 'node:fs/promises';
import { decodeDicomHeader, type HeaderFacts, type PixelDataLocation } from './decode-dicom-header.ts';
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
/** Encapsulated fragments walked before giving up the truncation check (a cine loop has ~1000). */
const MAX_FRAGMENTS_WALKED = 100_000;

/** Classifies one file and extracts its identifying attributes. Never throws for file content. */
export async function readDicomHeader(path: string, limits: HeaderReadLimits): Promise<HeaderRead> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    return unreadable(0, error);
  }
  let size = 0;
  try {
    size = (await handle.stat()).size;
    return await classify(handle, size, limits);
  } catch (error) {
    return unreadable(size, error);
  } finally {
    await handle.close();
  }
}

async function classify(handle: FileHandle, size: number, limits: HeaderReadLimits): Promise<HeaderRead> {
  let length = Math.min(size, limits.initialHeaderBytes);
  let bytes = await readAt(handle, 0, length);
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
      case 'dicom': {
        const truncation =
          verdict.pixelData === undefined ? undefined : await checkPixelData(handle, bytes, size, verdict.pixelData);
        if (truncation !== undefined) {
          return { size, outcome: 'corrupt', reasonCode: 'truncated', reason: truncation, ...fromFacts(verdict.facts) };
        }
        return { size, outcome: 'dicom', ...fromFacts(verdict.facts) };
      }
      case 'need-more-bytes': {
        if (length >= limits.maxHeaderBytes) return tooLarge(size, limits.maxHeaderBytes, verdict.partial);
        length = Math.min(size, length * GROWTH_FACTOR, limits.maxHeaderBytes);
        bytes = await readAt(handle, 0, length);
        break;
      }
    }
  }
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
  handle: FileHandle,
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
    const header =
      position + 8 <= bytes.length ? bytes.subarray(position, position + 8) : await readAt(handle, position, 8);
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

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
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
