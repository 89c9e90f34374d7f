// Reads the identifying attributes of one picked file in the browser, for the summary shown before
// upload. Only the first 64 KiB are read (Blob.slice), never the pixel data. Detection is the
// sidecar scanner's own pure code (plugin-server/src/import/detect-dicom.ts: "DICM" at byte 128,
// Part 10 without preamble, bare datasets), so the browser and the server agree on what is DICOM;
// the server still checks every file again and has the last word (truncation, Orthanc's verdict).

import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import {
  detectDicomLayout,
  readFileMeta,
  sniffDatasetEncoding,
  type BareDatasetEncoding,
} from '../../../src/import/detect-dicom.ts';
import { decodeText, decoderLabelForCharacterSet } from '../../../src/import/dicom-charset.ts';
import {
  MEDIA_STORAGE_DIRECTORY_SOP_CLASS,
  TAG,
  TRANSFER_SYNTAX,
  encodingOfTransferSyntax,
  transferSyntaxOfEncoding,
  type DatasetEncoding,
} from '../../../src/import/dicom-tags.ts';
import type { DicomHeaderSummary, ScannedFile } from '../../../src/import/scan-types.ts';
import { sniffFileType } from '../../../src/import/sniff-file-type.ts';

/** Bytes read from each file: enough for the header of nearly every instance. */
export const HEADER_BYTES = 64 * 1024;
/** Largest inflated header kept from a deflated dataset (PS3.5 A.5). */
const MAX_INFLATED_BYTES = 1024 * 1024;

const ENCODING_SYNTAX: Record<BareDatasetEncoding, string> = {
  'explicit-little': TRANSFER_SYNTAX.ExplicitVRLittleEndian,
  'implicit-little': TRANSFER_SYNTAX.ImplicitVRLittleEndian,
  'explicit-big': TRANSFER_SYNTAX.ExplicitVRBigEndian,
};

/** Classifies one file; never throws for file content (unreadable files are `corrupt`). */
export async function readMediaHeader(path: string, file: Blob): Promise<ScannedFile> {
  const base: ScannedFile = { path, size: file.size, outcome: 'not-dicom', flags: [], warnings: [] };
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.slice(0, HEADER_BYTES).arrayBuffer());
  } catch (error) {
    return { ...base, outcome: 'corrupt', reasonCode: 'unreadable', reason: `cannot be read: ${String(error)}` };
  }
  return classifyHeaderBytes(path, bytes, file.size);
}

/** The pure part of readMediaHeader: `bytes` are the first bytes of a file of `fileSize` bytes. */
export async function classifyHeaderBytes(path: string, bytes: Uint8Array, fileSize: number): Promise<ScannedFile> {
  const base: ScannedFile = { path, size: fileSize, outcome: 'not-dicom', flags: [], warnings: [] };
  const wholeFile = bytes.length >= fileSize;
  const layout = detectDicomLayout(bytes, fileSize);
  if (layout.kind === 'not-dicom') {
    return { ...base, reason: 'not a DICOM file', fileType: sniffFileType(bytes) };
  }

  let datasetOffset = 0;
  let encoding: DatasetEncoding;
  let mismatch: string | undefined;
  if (layout.kind === 'bare-dataset') {
    encoding = layout.encoding;
  } else {
    const meta = readFileMeta(bytes, layout.metaOffset, fileSize);
    if (!meta.ok) {
      return meta.needMoreBytes
        ? headerBeyondRead(base)
        : { ...base, outcome: 'corrupt', reasonCode: 'invalid-header', reason: meta.reason };
    }
    if (meta.meta.mediaStorageSOPClassUID === MEDIA_STORAGE_DIRECTORY_SOP_CLASS) {
      return { ...base, outcome: 'dicomdir', layout: 'part10' };
    }
    datasetOffset = meta.meta.datasetOffset;
    const claimed = meta.meta.transferSyntaxUID;
    const sniffed = sniffDatasetEncoding(bytes, datasetOffset, fileSize, claimed);
    encoding =
      sniffed?.encoding ??
      (claimed === undefined || claimed === '' ? 'implicit-little' : encodingOfTransferSyntax(claimed));
    // As the sidecar's planDataset: a dataset encoded otherwise than its meta group says is refused
    // by DCMTK and Orthanc alike.
    if (claimed !== undefined && claimed !== '' && sniffed !== undefined && !sniffed.agreesWithMeta) {
      mismatch = `the meta group declares ${claimed} but the dataset is encoded ${sniffed.encoding}`;
    }
  }

  let datasetBytes = bytes.subarray(datasetOffset);
  let parseEncoding: BareDatasetEncoding;
  if (encoding === 'deflated-explicit-little') {
    const inflated = await inflateHead(datasetBytes);
    if (inflated === undefined) {
      return {
        ...base,
        outcome: 'corrupt',
        reasonCode: 'deflate-error',
        reason: 'the deflated dataset does not inflate',
      };
    }
    datasetBytes = inflated;
    parseEncoding = 'explicit-little';
  } else {
    parseEncoding = encoding;
  }

  const parsed = parseDataset(datasetBytes, parseEncoding);
  const layoutName =
    layout.kind === 'bare-dataset'
      ? 'bare-dataset'
      : layout.preamble === 'standard'
        ? 'part10'
        : 'part10-without-preamble';
  if (parsed.dataSet === undefined) {
    return wholeFile
      ? { ...base, outcome: 'corrupt', reasonCode: 'invalid-header', reason: `header does not parse: ${parsed.error}` }
      : headerBeyondRead(base);
  }
  const header = summarize(parsed.dataSet, transferSyntaxOfEncoding(encoding));
  if (mismatch !== undefined) {
    return {
      ...base,
      outcome: 'corrupt',
      reasonCode: 'transfer-syntax-mismatch',
      reason: mismatch,
      layout: layoutName,
      header,
    };
  }
  // Read whole, a file can be judged complete: a parse that ran out of bytes, or pixel data
  // longer than what is left, means it was cut short.
  if (wholeFile) {
    const cutShort = parsed.error ?? pixelDataOverrun(parsed.dataSet, prefixLengthOf(parseEncoding), datasetBytes);
    if (cutShort !== undefined && encoding !== 'deflated-explicit-little') {
      return {
        ...base,
        outcome: 'corrupt',
        reasonCode: 'truncated',
        reason: `truncated: ${cutShort}`,
        layout: layoutName,
        header,
      };
    }
  }
  const missing = (['SOPInstanceUID', 'SeriesInstanceUID', 'StudyInstanceUID'] as const).filter(
    (keyword) => header[keyword] === '',
  );
  if (missing.length > 0) {
    if (!wholeFile && parsed.error !== undefined) return { ...headerBeyondRead(base), header };
    return {
      ...base,
      outcome: 'corrupt',
      reasonCode: parsed.error === undefined ? 'missing-identifiers' : 'truncated',
      reason: parsed.error === undefined ? `missing ${missing.join(', ')}` : `header does not parse: ${parsed.error}`,
      layout: layoutName,
      header,
    };
  }
  return { ...base, outcome: 'dicom', layout: layoutName, header };
}

/** The header runs past the bytes read here: counted apart, uploaded, and judged by the server. */
function headerBeyondRead(base: ScannedFile): ScannedFile {
  return {
    ...base,
    outcome: 'corrupt',
    reasonCode: 'header-too-large',
    reason: `the header is longer than the ${HEADER_BYTES / 1024} KiB read here; the server will check it`,
  };
}

/** Says how far Pixel Data runs past the end of the dataset bytes, if it does. */
function pixelDataOverrun(dataSet: DataSet, prefixLength: number, datasetBytes: Uint8Array): string | undefined {
  const pixelData = dataSet.elements[TAG.PixelData];
  if (pixelData === undefined || pixelData.length === 0xffffffff) return undefined;
  const end = pixelData.dataOffset - prefixLength + pixelData.length;
  if (end <= datasetBytes.length) return undefined;
  const remaining = Math.max(0, datasetBytes.length - (pixelData.dataOffset - prefixLength));
  return `Pixel Data declares ${pixelData.length} bytes but the file ends after ${remaining}`;
}

type Parsed = { dataSet: DataSet | undefined; error: string | undefined };

/**
 * dicom-parser reads Part 10 files; a dataset of known encoding is put behind a minimal synthetic
 * header (preamble, "DICM", one TransferSyntaxUID element) so that every layout takes that path,
 * as the sidecar's parse-dicom-dataset.ts does. Parsing stops at Pixel Data; a parse cut short by
 * the end of the bytes read still yields the elements before it.
 */
function parseDataset(datasetBytes: Uint8Array, encoding: BareDatasetEncoding): Parsed {
  const prefix = syntheticPrefix(encoding);
  const bytes = new Uint8Array(prefix.length + datasetBytes.length);
  bytes.set(prefix, 0);
  bytes.set(datasetBytes, prefix.length);
  try {
    const dataSet = dicomParser.parseDicom(bytes, { untilTag: TAG.PixelData });
    const eof = dataSet.warnings.find((warning) => /eof encountered/i.test(warning));
    return { dataSet, error: eof };
  } catch (error) {
    // dicom-parser throws strings, Errors, or { exception, dataSet } with what it parsed so far.
    if (typeof error === 'object' && error !== null && 'dataSet' in error && 'exception' in error) {
      return { dataSet: error.dataSet as DataSet, error: String(error.exception) };
    }
    return { dataSet: undefined, error: error instanceof Error ? error.message : String(error) };
  }
}

const prefixes = new Map<BareDatasetEncoding, Uint8Array>();

function prefixLengthOf(encoding: BareDatasetEncoding): number {
  return syntheticPrefix(encoding).length;
}

function syntheticPrefix(encoding: BareDatasetEncoding): Uint8Array {
  const cached = prefixes.get(encoding);
  if (cached !== undefined) return cached;
  const syntax = ENCODING_SYNTAX[encoding];
  const uid = new TextEncoder().encode(syntax.length % 2 === 1 ? `${syntax}\0` : syntax);
  const prefix = new Uint8Array(132 + 8 + uid.length);
  prefix.set(new TextEncoder().encode('DICM'), 128);
  const view = new DataView(prefix.buffer);
  view.setUint16(132, 0x0002, true);
  view.setUint16(134, 0x0010, true);
  prefix.set(new TextEncoder().encode('UI'), 136);
  view.setUint16(138, uid.length, true);
  prefix.set(uid, 140);
  prefixes.set(encoding, prefix);
  return prefix;
}

/**
 * Inflates the start of a deflated dataset with the browser's own DecompressionStream. The input
 * is only the first chunk of the file, so the stream fails at its end; what came out before that
 * is the header we want.
 */
async function inflateHead(deflated: Uint8Array): Promise<Uint8Array | undefined> {
  const stream = new Blob([deflated as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
      if (total >= MAX_INFLATED_BYTES) break;
    }
  } catch {
    // the end of the chunk read: keep what inflated
  } finally {
    reader.cancel().catch(() => undefined);
  }
  if (total === 0) return undefined;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function summarize(dataSet: DataSet, transferSyntaxUID: string): DicomHeaderSummary {
  const decoder = decoderLabelForCharacterSet(ascii(dataSet, TAG.SpecificCharacterSet));
  const text = (tag: string): string => textValue(dataSet, tag, decoder);
  return {
    SOPInstanceUID: ascii(dataSet, TAG.SOPInstanceUID),
    SOPClassUID: ascii(dataSet, TAG.SOPClassUID),
    StudyInstanceUID: ascii(dataSet, TAG.StudyInstanceUID),
    SeriesInstanceUID: ascii(dataSet, TAG.SeriesInstanceUID),
    TransferSyntaxUID: transferSyntaxUID,
    PatientID: text(TAG.PatientID),
    IssuerOfPatientID: text(TAG.IssuerOfPatientID),
    PatientName: text(TAG.PatientName),
    PatientBirthDate: ascii(dataSet, TAG.PatientBirthDate),
    PatientSex: ascii(dataSet, TAG.PatientSex),
    AccessionNumber: text(TAG.AccessionNumber),
    StudyDate: ascii(dataSet, TAG.StudyDate),
    StudyDescription: text(TAG.StudyDescription),
    Modality: ascii(dataSet, TAG.Modality),
    InstitutionName: text(TAG.InstitutionName),
    SeriesNumber: integer(dataSet, TAG.SeriesNumber),
    InstanceNumber: integer(dataSet, TAG.InstanceNumber),
  };
}

function textValue(dataSet: DataSet, tag: string, decoderLabel: string): string {
  const element = dataSet.elements[tag];
  if (element === undefined || element.length === 0 || element.length === 0xffffffff) return '';
  const end = Math.min(element.dataOffset + element.length, dataSet.byteArray.length);
  return decodeText(dataSet.byteArray.subarray(element.dataOffset, end), decoderLabel);
}

function ascii(dataSet: DataSet, tag: string): string {
  return textValue(dataSet, tag, 'windows-1252');
}

function integer(dataSet: DataSet, tag: string): number | null {
  const text = ascii(dataSet, tag).split('\\')[0]?.trim() ?? '';
  if (!/^[+-]?\d+$/.test(text)) return null;
  const value = Number.parseInt(text, 10);
  return Number.isSafeInteger(value) ? value : null;
}
