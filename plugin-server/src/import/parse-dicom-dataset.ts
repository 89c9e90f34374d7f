// The one place that calls dicom-parser. We hand it a dataset whose encoding we already know
// (from the meta group, or sniffed for bare datasets and broken meta groups) behind a synthetic
// minimal Part 10 header: 128-byte preamble, "DICM" and a single (0002,0010) element. That gives
// dicom-parser's well-trodden Part 10 path every time, whatever the file looked like, and keeps
// the file's own meta group (parsed in detect-dicom.ts) out of its way.

import dicomParser from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';
import { decodeText } from './dicom-charset.ts';
import { TAG, TRANSFER_SYNTAX } from './dicom-tags.ts';
import type { BareDatasetEncoding } from './detect-dicom.ts';

export type ParsedDataset = {
  dataSet: DataSet;
  /** Bytes of synthetic header in front of the dataset: element offsets minus this are
   * offsets into the dataset bytes that were passed in. */
  prefixLength: number;
  /** Pixel Data (7FE0,0010), present when parsing stopped there. */
  pixelData: Element | undefined;
  warnings: string[];
};

export type ParseOutcome =
  { ok: true; parsed: ParsedDataset } | { ok: false; message: string; partial: ParsedDataset | undefined };

const ENCODING_SYNTAX: Record<BareDatasetEncoding, string> = {
  'explicit-little': TRANSFER_SYNTAX.ExplicitVRLittleEndian,
  'implicit-little': TRANSFER_SYNTAX.ImplicitVRLittleEndian,
  'explicit-big': TRANSFER_SYNTAX.ExplicitVRBigEndian,
};

const prefixes = new Map<BareDatasetEncoding, Uint8Array>();

function prefixFor(encoding: BareDatasetEncoding): Uint8Array {
  let prefix = prefixes.get(encoding);
  if (prefix === undefined) {
    const uid = Buffer.from(ENCODING_SYNTAX[encoding] + (ENCODING_SYNTAX[encoding].length % 2 === 1 ? '\0' : ''));
    prefix = new Uint8Array(132 + 8 + uid.length);
    prefix.set(Buffer.from('DICM', 'latin1'), 128);
    const view = new DataView(prefix.buffer);
    view.setUint16(132, 0x0002, true);
    view.setUint16(134, 0x0010, true);
    prefix.set(Buffer.from('UI', 'latin1'), 136);
    view.setUint16(138, uid.length, true);
    prefix.set(uid, 140);
    prefixes.set(encoding, prefix);
  }
  return prefix;
}

/**
 * Parses the dataset in `datasetBytes` (starting at its first element) up to `untilTag`
 * (default Pixel Data), or to the end of the bytes.
 */
export function parseDataset(
  datasetBytes: Uint8Array,
  encoding: BareDatasetEncoding,
  untilTag: string = TAG.PixelData,
): ParseOutcome {
  const prefix = prefixFor(encoding);
  const bytes = Buffer.allocUnsafe(prefix.length + datasetBytes.length);
  bytes.set(prefix, 0);
  bytes.set(datasetBytes, prefix.length);
  const wrap = (dataSet: DataSet): ParsedDataset => {
    const pixelData = dataSet.elements[TAG.PixelData];
    return { dataSet, prefixLength: prefix.length, pixelData, warnings: [...dataSet.warnings] };
  };
  try {
    return { ok: true, parsed: wrap(dicomParser.parseDicom(bytes, { untilTag })) };
  } catch (error) {
    // dicom-parser throws strings, Errors, or { exception, dataSet } with what it parsed so far.
    if (isPartialParse(error)) {
      return { ok: false, message: describe(error.exception), partial: wrap(error.dataSet) };
    }
    return { ok: false, message: describe(error), partial: undefined };
  }
}

function isPartialParse(value: unknown): value is { exception: unknown; dataSet: DataSet } {
  return typeof value === 'object' && value !== null && 'exception' in value && 'dataSet' in value;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return String(error);
}

// ---------------------------------------------------------------------------------------------
// Value access. Elements of items inside sequences point into the same byte array, so these work
// for nested datasets (DICOMDIR records) as well.

/** A text value (PN, LO, SH, ST...) decoded with the dataset's character set. */
export function textValue(dataSet: DataSet, tag: string, decoderLabel: string): string {
  const element = dataSet.elements[tag];
  if (element === undefined || element.length === 0 || element.length === 0xffffffff) return '';
  const end = Math.min(element.dataOffset + element.length, dataSet.byteArray.length);
  return decodeText(dataSet.byteArray.subarray(element.dataOffset, end), decoderLabel);
}

/** An ASCII value (UI, CS, DA, TM, IS, DS, AE), trimmed, all values joined by `\`. */
export function asciiValue(dataSet: DataSet, tag: string): string {
  return textValue(dataSet, tag, 'windows-1252');
}

/** An IS value as an integer; null when absent or not a number. */
export function integerStringValue(dataSet: DataSet, tag: string): number | null {
  const text = asciiValue(dataSet, tag).split('\\')[0]?.trim() ?? '';
  if (!/^[+-]?\d+$/.test(text)) return null;
  const value = Number.parseInt(text, 10);
  return Number.isSafeInteger(value) ? value : null;
}

/** A UL value (offsets in a DICOMDIR); undefined when absent. */
export function uint32Value(dataSet: DataSet, tag: string): number | undefined {
  const element = dataSet.elements[tag];
  if (element === undefined || element.length < 4) return undefined;
  return dataSet.uint32(tag);
}

/** A US value; undefined when absent. */
export function uint16Value(dataSet: DataSet, tag: string): number | undefined {
  const element = dataSet.elements[tag];
  if (element === undefined || element.length < 2) return undefined;
  return dataSet.uint16(tag);
}
