// Turns the first bytes of a file into a verdict: not DICOM, a DICOMDIR, a DICOM instance with its
// identifying attributes, corrupt (and why), or "need more bytes" when the header runs past what
// was read. Pure: read-dicom-header.ts owns the file and decides how many bytes to read.

import { constants as zlibConstants, inflateRawSync } from 'node:zlib';
import type { DataSet } from 'dicom-parser';
import { decoderLabelForCharacterSet } from './dicom-charset.ts';
import {
  ALL_VRS,
  LONG_LENGTH_VRS,
  MEDIA_STORAGE_DIRECTORY_SOP_CLASS,
  TAG,
  encodingOfTransferSyntax,
  transferSyntaxOfEncoding,
  type DatasetEncoding,
} from './dicom-tags.ts';
import {
  detectDicomLayout,
  readFileMeta,
  sniffDatasetEncoding,
  type BareDatasetEncoding,
  type DicomLayout,
} from './detect-dicom.ts';
import { asciiValue, integerStringValue, parseDataset, textValue } from './parse-dicom-dataset.ts';
import type { CorruptReason, DicomFileLayout, DicomHeaderSummary } from './scan-types.ts';

/** Where the pixel data sits in the file, for the truncation check that needs file access. */
export type PixelDataLocation = { valueOffset: number; length: number; encapsulated: boolean };

export type HeaderVerdict =
  | { kind: 'not-dicom'; reason: string }
  | { kind: 'need-more-bytes'; partial: HeaderFacts | undefined }
  | { kind: 'dicomdir'; facts: HeaderFacts }
  | { kind: 'dicom'; facts: HeaderFacts; pixelData: PixelDataLocation | undefined }
  | { kind: 'corrupt'; reasonCode: CorruptReason; reason: string; facts: HeaderFacts | undefined };

export type HeaderFacts = {
  layout: DicomFileLayout;
  header: DicomHeaderSummary | undefined;
  warnings: string[];
};

const EOF_WARNING = /eof encountered/i;
const DEFLATED_INPUT_STEPS = [1, 1 / 4, 1 / 16, 1 / 64];

/**
 * Judges `bytes`, the first `bytes.length` bytes of a file of `fileSize` bytes. `maxInflatedBytes`
 * bounds the memory spent on a deflated dataset.
 */
export function decodeDicomHeader(bytes: Uint8Array, fileSize: number, maxInflatedBytes: number): HeaderVerdict {
  const wholeFile = bytes.length >= fileSize;
  const layout = detectDicomLayout(bytes, fileSize);
  if (layout.kind === 'not-dicom') {
    return { kind: 'not-dicom', reason: 'no DICM prefix at byte 128 and no DICOM dataset at byte 0' };
  }
  const warnings: string[] = [];
  const plan = planDataset(bytes, fileSize, layout, warnings);
  if (plan.kind !== 'planned') return plan.verdict;
  const { datasetOffset, encoding, transferSyntaxUID, fileLayout, mismatch } = plan;
  const factsWithout = (): HeaderFacts => ({ layout: fileLayout, header: undefined, warnings });
  if (plan.isDicomdir) return { kind: 'dicomdir', facts: factsWithout() };

  let datasetBytes = bytes.subarray(datasetOffset);
  let parseEncoding: BareDatasetEncoding;
  if (encoding === 'deflated-explicit-little') {
    const inflated = inflateHead(datasetBytes, maxInflatedBytes);
    if (inflated === undefined) {
      if (!wholeFile) return { kind: 'need-more-bytes', partial: undefined };
      return {
        kind: 'corrupt',
        reasonCode: 'deflate-error',
        reason: 'the deflated dataset does not inflate',
        facts: factsWithout(),
      };
    }
    datasetBytes = inflated;
    parseEncoding = 'explicit-little';
  } else {
    parseEncoding = encoding;
  }

  const outcome = parseDataset(datasetBytes, parseEncoding);
  const parsed = outcome.ok ? outcome.parsed : outcome.partial;
  const facts = (): HeaderFacts => ({
    layout: fileLayout,
    header: parsed === undefined ? undefined : summarize(parsed.dataSet, transferSyntaxUID),
    warnings,
  });

  if (!outcome.ok) {
    if (!wholeFile) return { kind: 'need-more-bytes', partial: facts() };
    const overrun =
      encoding === 'deflated-explicit-little' ? undefined : findTopLevelOverrun(datasetBytes, parseEncoding);
    if (overrun !== undefined) {
      return { kind: 'corrupt', reasonCode: 'truncated', reason: `truncated: ${overrun}`, facts: facts() };
    }
    return {
      kind: 'corrupt',
      reasonCode: 'invalid-header',
      reason: `header does not parse: ${outcome.message}`,
      facts: facts(),
    };
  }

  const { pixelData } = outcome.parsed;
  if (pixelData === undefined) {
    // Parsing ran to the end of the bytes without meeting Pixel Data: either the object has none
    // (SR, RT plan, KOS) or the header continues beyond what was read.
    if (!wholeFile) return { kind: 'need-more-bytes', partial: facts() };
    const eof = outcome.parsed.warnings.find((warning) => EOF_WARNING.test(warning));
    if (eof !== undefined) {
      return { kind: 'corrupt', reasonCode: 'truncated', reason: `truncated: ${eof}`, facts: facts() };
    }
  }

  const summary = facts();
  const header = summary.header;
  if (header === undefined) {
    return { kind: 'corrupt', reasonCode: 'invalid-header', reason: 'no dataset', facts: summary };
  }
  if (mismatch !== undefined) {
    return { kind: 'corrupt', reasonCode: 'transfer-syntax-mismatch', reason: mismatch, facts: summary };
  }
  const missing = (['SOPInstanceUID', 'SeriesInstanceUID', 'StudyInstanceUID'] as const).filter(
    (keyword) => header[keyword] === '',
  );
  if (missing.length > 0) {
    return {
      kind: 'corrupt',
      reasonCode: 'missing-identifiers',
      reason: `missing ${missing.join(', ')}`,
      facts: summary,
    };
  }
  const location =
    pixelData === undefined || encoding === 'deflated-explicit-little'
      ? undefined
      : {
          valueOffset: datasetOffset + pixelData.dataOffset - outcome.parsed.prefixLength,
          length: pixelData.length,
          encapsulated: pixelData.length === 0xffffffff,
        };
  return { kind: 'dicom', facts: summary, pixelData: location };
}

export type DatasetPlan =
  | {
      kind: 'planned';
      datasetOffset: number;
      encoding: DatasetEncoding;
      transferSyntaxUID: string;
      fileLayout: DicomFileLayout;
      isDicomdir: boolean;
      /** Set when the dataset is not encoded the way the meta group says. */
      mismatch: string | undefined;
    }
  | { kind: 'verdict'; verdict: HeaderVerdict };

/**
 * Where the dataset starts and how it is encoded: from the meta group when it is trustworthy,
 * from the bytes when the meta group is missing, silent or contradicted by them (`mismatch`).
 * Shared with read-dicomdir.ts, which needs the same answers for a DICOMDIR.
 */
export function planDataset(
  bytes: Uint8Array,
  fileSize: number,
  layout: Exclude<DicomLayout, { kind: 'not-dicom' }>,
  warnings: string[],
): DatasetPlan {
  if (layout.kind === 'bare-dataset') {
    warnings.push('no preamble and no file meta group: a bare dataset');
    return {
      kind: 'planned',
      datasetOffset: 0,
      encoding: layout.encoding,
      transferSyntaxUID: transferSyntaxOfEncoding(layout.encoding),
      fileLayout: 'bare-dataset',
      isDicomdir: false,
      mismatch: undefined,
    };
  }
  const fileLayout: DicomFileLayout = layout.preamble === 'standard' ? 'part10' : 'part10-without-preamble';
  if (layout.preamble !== 'standard') warnings.push('no 128-byte preamble before the file meta group');
  const metaRead = readFileMeta(bytes, layout.metaOffset, fileSize);
  if (!metaRead.ok) {
    if (metaRead.needMoreBytes) return { kind: 'verdict', verdict: { kind: 'need-more-bytes', partial: undefined } };
    const truncated = metaRead.reason.startsWith('truncated');
    return {
      kind: 'verdict',
      verdict: {
        kind: 'corrupt',
        reasonCode: truncated ? 'truncated' : 'invalid-header',
        reason: metaRead.reason,
        facts: { layout: fileLayout, header: undefined, warnings },
      },
    };
  }
  const { meta } = metaRead;
  const isDicomdir = meta.mediaStorageSOPClassUID === MEDIA_STORAGE_DIRECTORY_SOP_CLASS;
  const sniffed = sniffDatasetEncoding(bytes, meta.datasetOffset, fileSize, meta.transferSyntaxUID);
  let encoding: DatasetEncoding;
  let transferSyntaxUID: string;
  let mismatch: string | undefined;
  if (meta.transferSyntaxUID === undefined || meta.transferSyntaxUID === '') {
    encoding = sniffed?.encoding ?? 'implicit-little';
    transferSyntaxUID = transferSyntaxOfEncoding(encoding);
    warnings.push(`file meta group has no TransferSyntaxUID; the dataset reads as ${encoding}`);
  } else {
    transferSyntaxUID = meta.transferSyntaxUID;
    encoding = encodingOfTransferSyntax(meta.transferSyntaxUID);
    if (sniffed !== undefined && !sniffed.agreesWithMeta) {
      mismatch = `the meta group declares ${meta.transferSyntaxUID} but the dataset is encoded ${sniffed.encoding}`;
      encoding = sniffed.encoding;
    }
  }
  return {
    kind: 'planned',
    datasetOffset: meta.datasetOffset,
    encoding,
    transferSyntaxUID,
    fileLayout,
    isDicomdir,
    mismatch,
  };
}

function summarize(dataSet: DataSet, transferSyntaxUID: string): DicomHeaderSummary {
  const decoder = decoderLabelForCharacterSet(asciiValue(dataSet, TAG.SpecificCharacterSet));
  const text = (tag: string): string => textValue(dataSet, tag, decoder);
  const ascii = (tag: string): string => asciiValue(dataSet, tag);
  return {
    SOPInstanceUID: ascii(TAG.SOPInstanceUID),
    SOPClassUID: ascii(TAG.SOPClassUID),
    StudyInstanceUID: ascii(TAG.StudyInstanceUID),
    SeriesInstanceUID: ascii(TAG.SeriesInstanceUID),
    TransferSyntaxUID: transferSyntaxUID,
    PatientID: text(TAG.PatientID),
    IssuerOfPatientID: text(TAG.IssuerOfPatientID),
    PatientName: text(TAG.PatientName),
    PatientBirthDate: ascii(TAG.PatientBirthDate),
    PatientSex: ascii(TAG.PatientSex),
    AccessionNumber: text(TAG.AccessionNumber),
    StudyDate: ascii(TAG.StudyDate),
    StudyDescription: text(TAG.StudyDescription),
    Modality: ascii(TAG.Modality),
    InstitutionName: text(TAG.InstitutionName),
    SeriesNumber: integerStringValue(dataSet, TAG.SeriesNumber),
    InstanceNumber: integerStringValue(dataSet, TAG.InstanceNumber),
  };
}

/**
 * Inflates the start of a deflated dataset (PS3.5 A.5). The input may stop mid-stream (we read a
 * chunk, not the file), so a sync flush returns whatever decodes. Deflate expands at most ~1032x;
 * when even the first bytes inflate past the budget, less input is tried.
 */
function inflateHead(deflated: Uint8Array, maxInflatedBytes: number): Uint8Array | undefined {
  for (const step of DEFLATED_INPUT_STEPS) {
    const input = deflated.subarray(0, Math.max(1024, Math.floor(deflated.length * step)));
    try {
      return inflateRawSync(input, {
        finishFlush: zlibConstants.Z_SYNC_FLUSH,
        maxOutputLength: maxInflatedBytes,
      });
    } catch (error) {
      if (!(error instanceof RangeError)) return undefined;
    }
  }
  return undefined;
}

/**
 * Walks the top-level elements and names the first whose value runs past the end of the bytes:
 * proof that a file which does not parse was cut short, not mangled. Stops (undefined) at an
 * element of undefined length, which cannot be skipped without parsing it.
 */
export function findTopLevelOverrun(bytes: Uint8Array, encoding: BareDatasetEncoding): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const littleEndian = encoding !== 'explicit-big';
  let position = 0;
  while (position < bytes.length) {
    if (position + 8 > bytes.length) return `the file ends inside the tag at dataset offset ${position}`;
    const group = view.getUint16(position, littleEndian);
    const element = view.getUint16(position + 2, littleEndian);
    const tag = `(${hex4(group)},${hex4(element)})`;
    let headerLength = 8;
    let length: number;
    if (encoding === 'implicit-little') {
      length = view.getUint32(position + 4, true);
    } else {
      const vr = String.fromCharCode(view.getUint8(position + 4), view.getUint8(position + 5));
      if (!ALL_VRS.has(vr)) return undefined;
      if (LONG_LENGTH_VRS.has(vr)) {
        if (position + 12 > bytes.length) return `the file ends inside the header of ${tag}`;
        headerLength = 12;
        length = view.getUint32(position + 8, littleEndian);
      } else {
        length = view.getUint16(position + 6, littleEndian);
      }
    }
    if (length === 0xffffffff) return undefined;
    const remaining = bytes.length - position - headerLength;
    if (length > remaining) return `${tag} declares ${length} bytes but only ${remaining} remain`;
    position += headerLength + length;
  }
  return undefined;
}

function hex4(value: number): string {
  return value.toString(16).padStart(4, '0');
}
