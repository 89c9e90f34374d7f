// Recognises DICOM by content, never by file name: media use IHE PDI names without extension
// (IM000000), vendor names (I0000001, 1.2.3.dcm) and sometimes no structure at all.
//
// Recognised layouts, checked in this order:
// 1. Part 10 (PS3.10 7.1): a 128-byte preamble, "DICM", then the file meta group (0002,xxxx) in
//    explicit VR little endian.
// 2. Part 10 without preamble: "DICM" at byte 0, or the meta group itself at byte 0. Some writers
//    drop the preamble; DCMTK reads both.
// 3. A bare dataset (no preamble, no meta group; PS3.10 7.1 forbids it on media, old CDs and
//    exports still carry it). Heuristic: the bytes at offset 0, read as explicit VR little
//    endian, explicit VR big endian or implicit VR little endian (tried in that order), must give
//    a first tag in group 0x0008 (every real dataset starts with SpecificCharacterSet, ImageType
//    or another group 0x0008 attribute) followed by a plausible run of elements: tags strictly
//    ascending (PS3.5 7.1), no item or delimiter tags at top level, valid VR codes (explicit),
//    even value lengths (implicit), undefined lengths only where allowed, no value running past
//    the end of the file. Three such elements, or the whole file, are required. Text, HTML, PDF, JPEG, executables and archives fail at the first
//    element: their first bytes never spell group 0x0008 followed by a valid element.
//
// Everything here is pure: bytes in, a verdict out.

import { ALL_VRS, LONG_LENGTH_VRS, encodingOfTransferSyntax, type DatasetEncoding } from './dicom-tags.ts';

export type BareDatasetEncoding = Exclude<DatasetEncoding, 'deflated-explicit-little'>;

export type DicomLayout =
  | {
      kind: 'part10';
      /** Offset of the first file meta element: 132 normally, 4 or 0 without a preamble. */
      metaOffset: number;
      preamble: 'standard' | 'dicm-without-preamble' | 'meta-without-preamble';
    }
  | { kind: 'bare-dataset'; encoding: BareDatasetEncoding }
  | { kind: 'not-dicom' };

const DICM = [0x44, 0x49, 0x43, 0x4d];
const UNDEFINED_LENGTH = 0xffffffff;
const ITEM_GROUP = 0xfffe;
/** The only VRs that may have an undefined length (PS3.5 7.1.2). */
const UNDEFINED_LENGTH_VRS: ReadonlySet<string> = new Set(['SQ', 'UN', 'OB', 'OW']);
/** Elements a bare dataset must show before we believe it is one. */
const MIN_PLAUSIBLE_ELEMENTS = 3;
/** How far the plausibility walk looks; more elements add nothing to the verdict. */
const MAX_WALKED_ELEMENTS = 8;

/** Decides whether `bytes` (the first bytes of a file of `fileSize` bytes) start a DICOM file. */
export function detectDicomLayout(bytes: Uint8Array, fileSize: number): DicomLayout {
  if (hasMagicAt(bytes, 128, DICM)) return { kind: 'part10', metaOffset: 132, preamble: 'standard' };
  if (hasMagicAt(bytes, 0, DICM) && startsMetaElement(bytes, 4)) {
    return { kind: 'part10', metaOffset: 4, preamble: 'dicm-without-preamble' };
  }
  if (startsMetaElement(bytes, 0)) return { kind: 'part10', metaOffset: 0, preamble: 'meta-without-preamble' };
  for (const encoding of ['explicit-little', 'explicit-big', 'implicit-little'] as const) {
    const walk = walkElements(bytes, 0, fileSize, encoding);
    if (walk.firstGroup === 0x0008 && walk.plausible) return { kind: 'bare-dataset', encoding };
  }
  return { kind: 'not-dicom' };
}

/** The attributes of the file meta group (PS3.10 7.1) the scanner uses. */
export type FileMeta = {
  transferSyntaxUID: string | undefined;
  mediaStorageSOPClassUID: string | undefined;
  mediaStorageSOPInstanceUID: string | undefined;
  /** Offset of the first dataset byte after the meta group. */
  datasetOffset: number;
};

export type FileMetaRead = { ok: true; meta: FileMeta } | { ok: false; needMoreBytes: boolean; reason: string };

/**
 * Reads the file meta group starting at `metaOffset`. The group is walked element by element
 * rather than trusted through (0002,0000): files without a group length, or with a wrong one,
 * are common (DCMTK reads them too).
 */
export function readFileMeta(bytes: Uint8Array, metaOffset: number, fileSize: number): FileMetaRead {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const meta: FileMeta = {
    transferSyntaxUID: undefined,
    mediaStorageSOPClassUID: undefined,
    mediaStorageSOPInstanceUID: undefined,
    datasetOffset: metaOffset,
  };
  let position = metaOffset;
  for (;;) {
    if (position >= fileSize) break;
    if (position + 8 > bytes.length) return incomplete(bytes, fileSize, 'file meta group is cut short');
    const group = view.getUint16(position, true);
    if (group !== 0x0002) break;
    const element = view.getUint16(position + 2, true);
    const vr = String.fromCharCode(view.getUint8(position + 4), view.getUint8(position + 5));
    let headerLength = 8;
    let length = view.getUint16(position + 6, true);
    if (LONG_LENGTH_VRS.has(vr)) {
      if (position + 12 > bytes.length) return incomplete(bytes, fileSize, 'file meta group is cut short');
      headerLength = 12;
      length = view.getUint32(position + 8, true);
    } else if (!ALL_VRS.has(vr)) {
      return { ok: false, needMoreBytes: false, reason: `file meta element (0002,${hex4(element)}) has no valid VR` };
    }
    if (length === UNDEFINED_LENGTH) {
      return {
        ok: false,
        needMoreBytes: false,
        reason: `file meta element (0002,${hex4(element)}) has undefined length`,
      };
    }
    const valueStart = position + headerLength;
    const valueEnd = valueStart + length;
    if (valueEnd > fileSize) {
      return { ok: false, needMoreBytes: false, reason: `truncated inside file meta element (0002,${hex4(element)})` };
    }
    if (valueEnd > bytes.length) return incomplete(bytes, fileSize, 'file meta group is cut short');
    const value = (): string => readUidString(bytes, valueStart, length);
    if (element === 0x0002) meta.mediaStorageSOPClassUID = value();
    if (element === 0x0003) meta.mediaStorageSOPInstanceUID = value();
    if (element === 0x0010) meta.transferSyntaxUID = value();
    position = valueEnd;
  }
  meta.datasetOffset = position;
  return { ok: true, meta };
}

/**
 * Which encoding the dataset at `offset` actually uses, checked against what the meta group
 * claims. Returns the claimed encoding when the bytes agree (or cannot be judged: deflate, empty
 * dataset), another encoding when only that one is plausible, undefined when none is.
 */
export function sniffDatasetEncoding(
  bytes: Uint8Array,
  offset: number,
  fileSize: number,
  claimedTransferSyntaxUID: string | undefined,
): { encoding: DatasetEncoding; agreesWithMeta: boolean } | undefined {
  const claimed =
    claimedTransferSyntaxUID === undefined ? undefined : encodingOfTransferSyntax(claimedTransferSyntaxUID);
  if (claimed === 'deflated-explicit-little') return { encoding: claimed, agreesWithMeta: true };
  if (offset >= fileSize) return claimed === undefined ? undefined : { encoding: claimed, agreesWithMeta: true };
  if (claimed !== undefined && walkElements(bytes, offset, fileSize, claimed).plausible) {
    return { encoding: claimed, agreesWithMeta: true };
  }
  for (const encoding of ['explicit-little', 'implicit-little', 'explicit-big'] as const) {
    if (encoding === claimed) continue;
    if (walkElements(bytes, offset, fileSize, encoding).plausible) return { encoding, agreesWithMeta: false };
  }
  return undefined;
}

type Walk = { plausible: boolean; firstGroup: number | undefined };

/** Walks up to a few top-level elements and judges whether they look like a DICOM dataset. */
function walkElements(bytes: Uint8Array, offset: number, fileSize: number, encoding: BareDatasetEncoding): Walk {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const littleEndian = encoding !== 'explicit-big';
  let position = offset;
  let previousTag = -1;
  let firstGroup: number | undefined;
  let count = 0;
  const verdict = (plausible: boolean): Walk => ({ plausible, firstGroup });
  while (count < MAX_WALKED_ELEMENTS) {
    if (position === fileSize) return verdict(count >= 1);
    if (position + 8 > bytes.length) return verdict(count >= MIN_PLAUSIBLE_ELEMENTS - 1 && position < fileSize);
    const group = view.getUint16(position, littleEndian);
    const element = view.getUint16(position + 2, littleEndian);
    firstGroup ??= group;
    const tag = group * 0x10000 + element;
    if (tag <= previousTag || group >= ITEM_GROUP || group <= 0x0002) return verdict(false);
    previousTag = tag;
    let headerLength = 8;
    let length: number;
    let undefinedLengthAllowed = true;
    if (encoding === 'implicit-little') {
      length = view.getUint32(position + 4, true);
    } else {
      const vr = String.fromCharCode(view.getUint8(position + 4), view.getUint8(position + 5));
      if (!ALL_VRS.has(vr)) return verdict(false);
      undefinedLengthAllowed = UNDEFINED_LENGTH_VRS.has(vr);
      if (LONG_LENGTH_VRS.has(vr)) {
        if (position + 12 > bytes.length) return verdict(count >= MIN_PLAUSIBLE_ELEMENTS - 1);
        headerLength = 12;
        length = view.getUint32(position + 8, littleEndian);
      } else {
        length = view.getUint16(position + 6, littleEndian);
      }
    }
    count += 1;
    // A sequence or encapsulated value of undefined length cannot be skipped without parsing it;
    // it and the elements before it have to carry the verdict.
    if (length === UNDEFINED_LENGTH) return verdict(undefinedLengthAllowed && count >= MIN_PLAUSIBLE_ELEMENTS);
    if (encoding === 'implicit-little' && length % 2 === 1) return verdict(false);
    const next = position + headerLength + length;
    if (next > fileSize) return verdict(false);
    position = next;
  }
  return verdict(true);
}

function startsMetaElement(bytes: Uint8Array, offset: number): boolean {
  if (offset + 6 > bytes.length) return false;
  const group = (bytes[offset] ?? 0) | ((bytes[offset + 1] ?? 0) << 8);
  const vr = String.fromCharCode(bytes[offset + 4] ?? 0, bytes[offset + 5] ?? 0);
  return group === 0x0002 && ALL_VRS.has(vr);
}

function hasMagicAt(bytes: Uint8Array, offset: number, magic: readonly number[]): boolean {
  if (offset + magic.length > bytes.length) return false;
  return magic.every((value, index) => bytes[offset + index] === value);
}

function incomplete(bytes: Uint8Array, fileSize: number, reason: string): FileMetaRead {
  return bytes.length < fileSize
    ? { ok: false, needMoreBytes: true, reason }
    : { ok: false, needMoreBytes: false, reason: `truncated: ${reason}` };
}

/** A UI value: ASCII, padded with NUL or space to even length (PS3.5 9.1). */
function readUidString(bytes: Uint8Array, start: number, length: number): string {
  let text = '';
  for (let index = start; index < start + length; index += 1) {
    const code = bytes[index] ?? 0;
    if (code === 0) break;
    text += String.fromCharCode(code);
  }
  return text.trim();
}

function hex4(value: number): string {
  return value.toString(16).padStart(4, '0');
}
