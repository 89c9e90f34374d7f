// Reads a DICOMDIR (Media Storage Directory, PS3.3 F.3 and F.5) into the hierarchy it declares.
// A DICOMDIR is a hint, never the truth: the scanner walks the file system anyway and uses this
// only to cross-check. So parsing is lenient where that is safe (any transfer syntax, records in
// any order, missing zero offsets) and strict where it is not (paths leaving the medium are
// refused entry by entry).
//
// The hierarchy follows the offset attributes, as the standard defines it: the root entity starts
// at (0004,1200); each record links to its next sibling (0004,1400) and to the first record of
// its lower-level entity (0004,1420); a missing offset means 0, "none". Offsets count bytes from
// the start of the file to the record's item tag. When the root offset is absent or points
// nowhere, the records are nested by their order and type instead (PATIENT > STUDY > SERIES >
// the rest), which is how most writers lay them out.

import { readFile, stat } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import type { DataSet } from 'dicom-parser';
import { decoderLabelForCharacterSet } from './dicom-charset.ts';
import { TAG } from './dicom-tags.ts';
import { detectDicomLayout, type BareDatasetEncoding } from './detect-dicom.ts';
import { planDataset } from './decode-dicom-header.ts';
import { resolveReferencedFileId } from './dicomdir-paths.ts';
import { asciiValue, parseDataset, textValue, uint16Value, uint32Value } from './parse-dicom-dataset.ts';
import type {
  DicomdirContents,
  DicomdirCounts,
  DicomdirReference,
  DirectoryRecord,
  RefusedReference,
} from './scan-types.ts';

export type DicomdirRead = { ok: true; contents: DicomdirContents } | { ok: false; error: string };

const LEVELS: Readonly<Record<string, number>> = { PATIENT: 1, STUDY: 2, SERIES: 3 };
const LEAF_LEVEL = 4;
const UNDEFINED_LENGTH = 0xffffffff;
/** Item Delimitation Item (FFFE,E00D) ends an item of undefined length (PS3.5 7.5). */
const ITEM_DELIMITER = 'xfffee00d';

/** Reads and parses the DICOMDIR at `path`; `folder` is its folder relative to the medium's root. */
export async function readDicomdir(path: string, folder: string, maxBytes: number): Promise<DicomdirRead> {
  try {
    const { size } = await stat(path);
    if (size > maxBytes) return { ok: false, error: `DICOMDIR is ${size} bytes, more than the ${maxBytes} allowed` };
    return parseDicomdir(await readFile(path), folder, maxBytes);
  } catch (error) {
    return { ok: false, error: `DICOMDIR unreadable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

type RawRecord = {
  record: DirectoryRecord;
  inUse: boolean;
  next: number;
  lower: number;
  /** The raw ReferencedFileID, components joined with `\`. */
  referencedFileId: string | undefined;
};

/** Parses DICOMDIR bytes. Pure. */
export function parseDicomdir(bytes: Uint8Array, folder: string, maxInflatedBytes: number): DicomdirRead {
  const layout = detectDicomLayout(bytes, bytes.length);
  if (layout.kind === 'not-dicom') return { ok: false, error: 'not a DICOM file' };
  const warnings: string[] = [];
  const plan = planDataset(bytes, bytes.length, layout, warnings);
  if (plan.kind !== 'planned') {
    return { ok: false, error: plan.verdict.kind === 'corrupt' ? plan.verdict.reason : 'unreadable file meta group' };
  }
  if (plan.mismatch !== undefined) warnings.push(plan.mismatch);
  let datasetBytes = bytes.subarray(plan.datasetOffset);
  let offsetsUsable = true;
  if (plan.encoding === 'deflated-explicit-little') {
    try {
      datasetBytes = inflateRawSync(datasetBytes, { maxOutputLength: maxInflatedBytes });
    } catch (error) {
      return { ok: false, error: `deflated DICOMDIR does not inflate: ${String(error)}` };
    }
    offsetsUsable = false; // Offsets count bytes of the file, which a deflated dataset does not have.
  }
  const encoding = plan.encoding === 'deflated-explicit-little' ? 'explicit-little' : plan.encoding;
  // Stop at the record sequence and walk its items one by one: a single malformed record (an
  // item length that overruns the sequence, as in pydicom's DICOMDIR-nooffset) then costs a
  // warning, not the whole DICOMDIR.
  const outcome = parseDataset(datasetBytes, encoding, TAG.DirectoryRecordSequence);
  if (!outcome.ok) return { ok: false, error: `DICOMDIR does not parse: ${outcome.message}` };
  const { dataSet, prefixLength } = outcome.parsed;
  const defaultDecoder = decoderLabelForCharacterSet(asciiValue(dataSet, TAG.SpecificCharacterSet));
  const sequence = dataSet.elements[TAG.DirectoryRecordSequence];
  const records: RawRecord[] = [];
  if (sequence !== undefined) {
    const valueStart = sequence.dataOffset - prefixLength;
    const items = walkRecordItems(datasetBytes, valueStart, sequence.length, encoding, warnings);
    for (const item of items) {
      const offset = offsetsUsable ? plan.datasetOffset + item.itemOffset : 0;
      records.push(readRecord(item.dataSet, offset, defaultDecoder));
    }
  } else {
    warnings.push('no DirectoryRecordSequence (0004,1220)');
  }
  const active = records.filter((raw) => raw.inUse);
  if (active.length < records.length) warnings.push(`${records.length - active.length} records are marked not in use`);

  const rootOffset = offsetsUsable
    ? (uint32Value(dataSet, TAG.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity) ?? 0)
    : 0;
  const roots = buildHierarchy(active, rootOffset, warnings);

  const references: DicomdirReference[] = [];
  const refused: RefusedReference[] = [];
  const recordTypeCounts: Record<string, number> = {};
  const declared: DicomdirCounts = { patients: 0, studies: 0, series: 0, instances: 0 };
  for (const { record, referencedFileId } of active) {
    recordTypeCounts[record.type] = (recordTypeCounts[record.type] ?? 0) + 1;
    if (record.type === 'PATIENT') declared.patients += 1;
    if (record.type === 'STUDY') declared.studies += 1;
    if (record.type === 'SERIES') declared.series += 1;
    if (referencedFileId === undefined) continue;
    declared.instances += 1;
    const resolved = resolveReferencedFileId(referencedFileId, folder);
    if (!resolved.ok) {
      refused.push({
        recordType: record.type,
        ReferencedFileID: referencedFileId,
        reason: resolved.reason,
        message: resolved.message,
      });
      continue;
    }
    references.push({
      recordType: record.type,
      ReferencedFileID: resolved.components,
      path: resolved.path,
      ...definedOnly({
        ReferencedSOPInstanceUIDInFile: record.ReferencedSOPInstanceUIDInFile,
        ReferencedSOPClassUIDInFile: record.ReferencedSOPClassUIDInFile,
        ReferencedTransferSyntaxUIDInFile: record.ReferencedTransferSyntaxUIDInFile,
      }),
    });
  }

  return {
    ok: true,
    contents: {
      FileSetID: asciiValue(dataSet, TAG.FileSetID),
      TransferSyntaxUID: plan.transferSyntaxUID,
      declared,
      recordTypeCounts,
      roots,
      references,
      refused,
      warnings,
    },
  };
}

type RecordItem = { itemOffset: number; dataSet: DataSet };

/**
 * The items of the DirectoryRecordSequence whose value starts at `valueStart` in `bytes`, each
 * parsed as its own dataset. Handles defined and undefined item and sequence lengths.
 */
function walkRecordItems(
  bytes: Uint8Array,
  valueStart: number,
  sequenceLength: number,
  encoding: BareDatasetEncoding,
  warnings: string[],
): RecordItem[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const littleEndian = encoding !== 'explicit-big';
  const sequenceEnd =
    sequenceLength === UNDEFINED_LENGTH ? bytes.length : Math.min(bytes.length, valueStart + sequenceLength);
  if (sequenceLength !== UNDEFINED_LENGTH && valueStart + sequenceLength > bytes.length) {
    warnings.push('the DirectoryRecordSequence runs past the end of the file');
  }
  const items: RecordItem[] = [];
  let position = valueStart;
  while (position + 8 <= sequenceEnd) {
    const group = view.getUint16(position, littleEndian);
    const element = view.getUint16(position + 2, littleEndian);
    const length = view.getUint32(position + 4, littleEndian);
    if (group === 0xfffe && element === 0xe0dd) break; // sequence delimiter
    if (group !== 0xfffe || element !== 0xe000) {
      warnings.push(`unexpected (${hex4(group)},${hex4(element)}) at offset ${position} in the record sequence`);
      break;
    }
    const contentStart = position + 8;
    let contentEnd = sequenceEnd;
    if (length !== UNDEFINED_LENGTH) {
      contentEnd = contentStart + length;
      if (contentEnd > sequenceEnd) {
        warnings.push(`the record at offset ${position} overruns the record sequence; read to its end`);
        contentEnd = sequenceEnd;
      }
    }
    const parsed = parseDataset(bytes.subarray(contentStart, contentEnd), encoding, ITEM_DELIMITER);
    if (!parsed.ok) {
      warnings.push(`the record at offset ${position} does not parse: ${parsed.message}`);
      break;
    }
    items.push({ itemOffset: position, dataSet: parsed.parsed.dataSet });
    if (length === UNDEFINED_LENGTH) {
      const delimiter = parsed.parsed.dataSet.elements[ITEM_DELIMITER];
      if (delimiter === undefined) {
        warnings.push(`the record at offset ${position} has no item delimiter`);
        break;
      }
      // The delimiter's value offset, in `bytes`, is where the next item starts.
      contentEnd = contentStart + delimiter.dataOffset - parsed.parsed.prefixLength;
    }
    position = contentEnd;
  }
  return items;
}

function hex4(value: number): string {
  return value.toString(16).padStart(4, '0');
}

function readRecord(dataSet: DataSet, offset: number, defaultDecoder: string): RawRecord {
  const ownCharacterSet = asciiValue(dataSet, TAG.SpecificCharacterSet);
  const decoder = ownCharacterSet === '' ? defaultDecoder : decoderLabelForCharacterSet(ownCharacterSet);
  const text = (tag: string): string | undefined => optional(textValue(dataSet, tag, decoder));
  const ascii = (tag: string): string | undefined => optional(asciiValue(dataSet, tag));
  const referencedFileId = ascii(TAG.ReferencedFileID);
  const record: DirectoryRecord = {
    type: ascii(TAG.DirectoryRecordType) ?? '',
    offset,
    ...definedOnly({
      PatientID: text(TAG.PatientID),
      PatientName: text(TAG.PatientName),
      StudyInstanceUID: ascii(TAG.StudyInstanceUID),
      StudyDate: ascii(TAG.StudyDate),
      StudyDescription: text(TAG.StudyDescription),
      AccessionNumber: text(TAG.AccessionNumber),
      SeriesInstanceUID: ascii(TAG.SeriesInstanceUID),
      Modality: ascii(TAG.Modality),
      SeriesNumber: ascii(TAG.SeriesNumber),
      InstanceNumber: ascii(TAG.InstanceNumber),
      ReferencedFileID: referencedFileId?.split('\\').map((component) => component.trim()),
      ReferencedSOPClassUIDInFile: ascii(TAG.ReferencedSOPClassUIDInFile),
      ReferencedSOPInstanceUIDInFile: ascii(TAG.ReferencedSOPInstanceUIDInFile),
      ReferencedTransferSyntaxUIDInFile: ascii(TAG.ReferencedTransferSyntaxUIDInFile),
    }),
    children: [],
  };
  return {
    record,
    // RecordInUseFlag (retired): 0x0000 marks a deleted record; absent means in use.
    inUse: uint16Value(dataSet, TAG.RecordInUseFlag) !== 0,
    next: uint32Value(dataSet, TAG.OffsetOfTheNextDirectoryRecord) ?? 0,
    lower: uint32Value(dataSet, TAG.OffsetOfReferencedLowerLevelDirectoryEntity) ?? 0,
    referencedFileId,
  };
}

function buildHierarchy(records: RawRecord[], rootOffset: number, warnings: string[]): DirectoryRecord[] {
  if (records.length === 0) return [];
  const byOffset = new Map(records.map((raw) => [raw.record.offset, raw]));
  if (rootOffset === 0 || !byOffset.has(rootOffset)) {
    warnings.push('the root offset does not name a record; hierarchy rebuilt from record order');
    return nestByOrder(records);
  }
  const visited = new Set<number>();
  const chain = (start: number): DirectoryRecord[] => {
    const entity: DirectoryRecord[] = [];
    let offset = start;
    while (offset !== 0) {
      const raw = byOffset.get(offset);
      if (raw === undefined) {
        warnings.push(`offset ${offset} does not name a record`);
        break;
      }
      if (visited.has(offset)) {
        warnings.push(`offset ${offset} is linked twice (a loop); the link is ignored`);
        break;
      }
      visited.add(offset);
      raw.record.children = raw.lower === 0 ? [] : chain(raw.lower);
      entity.push(raw.record);
      offset = raw.next;
    }
    return entity;
  };
  const roots = chain(rootOffset);
  const unreachable = records.length - visited.size;
  if (unreachable > 0) warnings.push(`${unreachable} records are not reachable from the root directory entity`);
  return roots;
}

function nestByOrder(records: RawRecord[]): DirectoryRecord[] {
  const roots: DirectoryRecord[] = [];
  const stack: { level: number; record: DirectoryRecord }[] = [];
  for (const { record } of records) {
    record.children = [];
    const level = LEVELS[record.type] ?? LEAF_LEVEL;
    while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= level) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent === undefined) roots.push(record);
    else parent.record.children.push(record);
    stack.push({ level, record });
  }
  return roots;
}

function optional(value: string): string | undefined {
  return value === '' ? undefined : value;
}

type Defined<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/** The entries of `source` whose value is not undefined (keeps absent attributes out of JSON). */
function definedOnly<T extends object>(source: T): Defined<T> {
  return Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined)) as Defined<T>;
}
