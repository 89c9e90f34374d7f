import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pydicomFile } from '../../../test/support/pydicom-files.ts';
import { encodeElements, syntheticInstance } from '../../../test/fixtures/synthetic-dicom.ts';
import { detectDicomLayout, readFileMeta, sniffDatasetEncoding } from './detect-dicom.ts';

const part10 = Buffer.from(syntheticInstance({ rows: 8, columns: 8 }).bytes);
const metaLength = part10.readUInt32LE(140);
const meta = part10.subarray(132, 144 + metaLength);
const dataset = part10.subarray(144 + metaLength);

/** Implicit VR little endian: tag, 4-byte length, value (PS3.5 7.1.3). */
function implicitElement(group: number, element: number, value: string): Buffer {
  const bytes = Buffer.from(value.length % 2 === 0 ? value : `${value} `, 'latin1');
  const header = Buffer.alloc(8);
  header.writeUInt16LE(group, 0);
  header.writeUInt16LE(element, 2);
  header.writeUInt32LE(bytes.length, 4);
  return Buffer.concat([header, bytes]);
}

const implicitDataset = Buffer.concat([
  implicitElement(0x0008, 0x0005, 'ISO_IR 100'),
  implicitElement(0x0008, 0x0016, '1.2.840.10008.5.1.4.1.1.2\0'),
  implicitElement(0x0008, 0x0018, '2.25.1234\0'),
  implicitElement(0x0010, 0x0010, 'Bare^Implicit'),
]);

function detect(bytes: Uint8Array) {
  return detectDicomLayout(bytes, bytes.length);
}

describe('detectDicomLayout', () => {
  it.each([
    ['a Part 10 file', part10, { kind: 'part10', metaOffset: 132, preamble: 'standard' }],
    ['"DICM" without the preamble', Buffer.concat([Buffer.from('DICM'), meta]), { kind: 'part10', metaOffset: 4 }],
    ['a meta group at byte 0', Buffer.concat([meta, dataset]), { kind: 'part10', metaOffset: 0 }],
    ['a bare explicit little endian dataset', dataset, { kind: 'bare-dataset', encoding: 'explicit-little' }],
    ['a bare implicit little endian dataset', implicitDataset, { kind: 'bare-dataset', encoding: 'implicit-little' }],
    [
      "pydicom's ExplVR_BigEndNoMeta.dcm",
      readFileSync(pydicomFile('ExplVR_BigEndNoMeta.dcm')),
      { kind: 'bare-dataset', encoding: 'explicit-big' },
    ],
    [
      "pydicom's rtstruct.dcm",
      readFileSync(pydicomFile('rtstruct.dcm')),
      { kind: 'bare-dataset', encoding: 'implicit-little' },
    ],
  ])('recognises %s', (_name, bytes, expected) => {
    expect(detect(bytes)).toMatchObject(expected);
  });

  it.each([
    ['an empty file', Buffer.alloc(0)],
    ['a text file', Buffer.from('This disc contains medical images.\r\nInsert it and wait.\r\n')],
    ['an HTML page', Buffer.from('<!DOCTYPE html><html><body>viewer</body></html>')],
    ['a PDF', Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\n')],
    ['a Windows program', Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(300, 0x41)])],
    ['a zip archive', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200)])],
    [
      'a JPEG',
      Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF'), Buffer.alloc(200)]),
    ],
    ['128 zero bytes and nothing else', Buffer.alloc(128)],
    // A group 0x0008 tag followed by garbage: the first element alone does not convince.
    [
      'one plausible element then garbage',
      Buffer.concat([implicitElement(0x0008, 0x0005, 'ISO_IR 100'), Buffer.alloc(64, 0xff)]),
    ],
    // Tags out of order are not a dataset (PS3.5 7.1 requires ascending order).
    [
      'descending tags',
      Buffer.concat([
        implicitElement(0x0008, 0x0018, '2.25.1\0'),
        implicitElement(0x0008, 0x0016, '1.2.3\0'),
        implicitElement(0x0008, 0x0005, 'ISO_IR 100'),
      ]),
    ],
    // A dataset starting past group 0x0008 is not accepted bare: the documented heuristic.
    [
      'a bare dataset starting at group 0x0010',
      implicitDataset.subarray(implicitDataset.indexOf(Buffer.from([0x10, 0x00, 0x10, 0x00]))),
    ],
    // pydicom's no_meta.dcm carries one stray byte before its first tag; DCMTK rejects it too.
    ["pydicom's no_meta.dcm", readFileSync(pydicomFile('no_meta.dcm'))],
  ])('rejects %s', (_name, bytes) => {
    expect(detect(bytes)).toEqual({ kind: 'not-dicom' });
  });

  it('judges a bare dataset from its first bytes even when the file is longer than the buffer', () => {
    const head = dataset.subarray(0, 200);
    expect(detectDicomLayout(head, dataset.length)).toEqual({ kind: 'bare-dataset', encoding: 'explicit-little' });
  });
});

describe('readFileMeta', () => {
  it('reads the transfer syntax and SOP identifiers and finds the dataset', () => {
    const read = readFileMeta(part10, 132, part10.length);
    expect(read).toMatchObject({
      ok: true,
      meta: {
        transferSyntaxUID: '1.2.840.10008.1.2.1',
        mediaStorageSOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
        datasetOffset: 144 + metaLength,
      },
    });
  });

  it('walks a meta group that has no group length element', () => {
    const withoutGroupLength = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), meta.subarray(12), dataset]);
    const read = readFileMeta(withoutGroupLength, 132, withoutGroupLength.length);
    expect(read).toMatchObject({ ok: true, meta: { datasetOffset: 132 + metaLength } });
  });

  it('asks for more bytes when the buffer ends inside the meta group, and calls a short file truncated', () => {
    const head = part10.subarray(0, 160);
    expect(readFileMeta(head, 132, part10.length)).toMatchObject({ ok: false, needMoreBytes: true });
    expect(readFileMeta(head, 132, head.length)).toMatchObject({ ok: false, needMoreBytes: false });
  });
});

describe('sniffDatasetEncoding', () => {
  it('confirms an encoding that matches the meta group', () => {
    const offset = 144 + metaLength;
    expect(sniffDatasetEncoding(part10, offset, part10.length, '1.2.840.10008.1.2.1')).toEqual({
      encoding: 'explicit-little',
      agreesWithMeta: true,
    });
  });

  it("catches pydicom's SC_rgb_jpeg.dcm: meta says JPEG (explicit VR), the dataset is implicit VR", () => {
    const bytes = readFileSync(pydicomFile('SC_rgb_jpeg.dcm'));
    const read = readFileMeta(bytes, 132, bytes.length);
    if (!read.ok) throw new Error(read.reason);
    expect(read.meta.transferSyntaxUID).toBe('1.2.840.10008.1.2.4.50');
    expect(sniffDatasetEncoding(bytes, read.meta.datasetOffset, bytes.length, read.meta.transferSyntaxUID)).toEqual({
      encoding: 'implicit-little',
      agreesWithMeta: false,
    });
  });

  it('works out the encoding when the meta group does not say', () => {
    const explicit = encodeElements(
      [
        { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 100' },
        { tag: 0x00080016, vr: 'UI', value: '1.2.3' },
        { tag: 0x00080018, vr: 'UI', value: '1.2.3.4' },
      ],
      'latin1',
    );
    expect(sniffDatasetEncoding(explicit, 0, explicit.length, undefined)).toEqual({
      encoding: 'explicit-little',
      agreesWithMeta: false,
    });
    expect(sniffDatasetEncoding(implicitDataset, 0, implicitDataset.length, undefined)).toMatchObject({
      encoding: 'implicit-little',
    });
  });
});
