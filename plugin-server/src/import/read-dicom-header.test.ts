import { execFile } from 'node:child_process';
import { copyFile, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { pydicomFile } from '../../../test/support/pydicom-files.ts';
import { syntheticInstance } from '../../../test/fixtures/synthetic-dicom.ts';
import { tempDirs } from '../../../test/fixtures/temp-dir.ts';
import { ReadBuffers } from './read-buffers.ts';
import { readDicomFile, readDicomHeader, type HeaderRead } from './read-dicom-header.ts';
import type { CorruptReason, DicomFileLayout, FileOutcome } from './scan-types.ts';

const run = promisify(execFile);
const temp = tempDirs('header');
afterEach(temp.cleanup);

const LIMITS = { initialHeaderBytes: 64 * 1024, maxHeaderBytes: 16 * 1024 * 1024 };
/** A first read this small makes almost every pydicom file take the growth path. */
const TINY_FIRST_READ = { initialHeaderBytes: 1024, maxHeaderBytes: 16 * 1024 * 1024 };

type Expected = {
  outcome: FileOutcome;
  reasonCode?: CorruptReason;
  TransferSyntaxUID?: string;
  layout?: DicomFileLayout;
  fileType?: string;
};

// Each of pydicom's test files, classified. Transfer syntaxes from pydicom's README.txt and
// dcmdump; the decisions for the odd ones are explained inline.
const PYDICOM_CASES: [string, Expected][] = [
  ['CT_small.dcm', { outcome: 'dicom', TransferSyntaxUID: '1.2.840.10008.1.2.1', layout: 'part10' }],
  ['MR_small.dcm', { outcome: 'dicom', TransferSyntaxUID: '1.2.840.10008.1.2.1' }],
  ['MR_small_implicit.dcm', { outcome: 'dicom', TransferSyntaxUID: '1.2.840.10008.1.2' }],
  ['MR_small_bigendian.dcm', { outcome: 'dicom', TransferSyntaxUID: '1.2.840.10008.1.2.2' }],
  ['ExplVR_BigEnd.dcm', { outcome: 'dicom', TransferSyntaxUID: '1.2.840.10008.1.2.2' }],
  ['MR_small_RLE.dcm', { outcome: 'dicom', TransferSyntaxUID: '1.2.840.10008.1.2.5' }],
  ['JPEG-lossy.dcm', { outcome: 'dicom', TransferSyntaxUID: '1.2.840.10008.1.2.4.51' }],
  ['SC_rgb_jpeg_dcmtk.dcm', { outcome: 'dicom', TransferSyntaxUID: '1.2.840.10008.1.2.4.50' }],
  ['SC_rgb_jpeg_gdcm.dcm', { outcome: 'dicom', TransferSyntaxUID: '1.2.840.10008.1.2.4.70' }],
  ['MR_small_jpeg_ls_lossless.dcm', { outcome: 'dicom', TransferSyntaxUID: '1.2.840.10008.1.2.4.80' }],
  ['MR_small_jp2klossless.dcm', { outcome: 'dicom', TransferSyntaxUID: '1.2.840.10008.1.2.4.90' }],
  ['JPEG2000.dcm', { outcome: 'dicom', TransferSyntaxUID: '1.2.840.10008.1.2.4.91' }],
  // Valid structure; only the JPEG 2000 code stream inside is damaged, which is not ours to judge.
  ['JPEG2000-embedded-sequence-delimiter.dcm', { outcome: 'dicom', TransferSyntaxUID: '1.2.840.10008.1.2.4.91' }],
  ['image_dfl.dcm', { outcome: 'dicom', TransferSyntaxUID: '1.2.840.10008.1.2.1.99' }],
  ['ExplVR_LitEndNoMeta.dcm', { outcome: 'dicom', TransferSyntaxUID: '1.2.840.10008.1.2.1', layout: 'bare-dataset' }],
  ['ExplVR_BigEndNoMeta.dcm', { outcome: 'dicom', TransferSyntaxUID: '1.2.840.10008.1.2.2', layout: 'bare-dataset' }],
  ['rtstruct.dcm', { outcome: 'dicom', TransferSyntaxUID: '1.2.840.10008.1.2', layout: 'bare-dataset' }],
  ['test-SR.dcm', { outcome: 'dicom' }], // no pixel data: the header is the whole file
  ['waveform_ecg.dcm', { outcome: 'dicom' }],
  // Pixel Data declares 8192 bytes, the file ends 62 bytes short: header readable, file unusable.
  ['MR_truncated.dcm', { outcome: 'corrupt', reasonCode: 'truncated', TransferSyntaxUID: '1.2.840.10008.1.2.1' }],
  ['rtplan_truncated.dcm', { outcome: 'corrupt', reasonCode: 'truncated' }],
  // Meta group says JPEG Baseline (explicit VR); the dataset is implicit VR. DCMTK refuses it.
  ['SC_rgb_jpeg.dcm', { outcome: 'corrupt', reasonCode: 'transfer-syntax-mismatch' }],
  // Fragments without SOP Instance / Series / Study UIDs: Orthanc cannot store them.
  ['UN_sequence.dcm', { outcome: 'corrupt', reasonCode: 'missing-identifiers' }],
  ['empty_charset_LEI.dcm', { outcome: 'corrupt', reasonCode: 'missing-identifiers' }],
  ['no_meta_group_length.dcm', { outcome: 'corrupt', reasonCode: 'missing-identifiers' }],
  // Private sequences in illegal group 0x0001 that dicom-parser cannot follow.
  ['nested_priv_SQ.dcm', { outcome: 'corrupt', reasonCode: 'invalid-header' }],
  ['meta_missing_tsyntax.dcm', { outcome: 'corrupt', reasonCode: 'invalid-header' }],
  ['README.txt', { outcome: 'not-dicom', fileType: 'text' }],
  ['rtplan.dump', { outcome: 'not-dicom', fileType: 'text' }],
  ['test1.json', { outcome: 'not-dicom', fileType: 'text' }],
  ['zipMR.gz', { outcome: 'not-dicom', fileType: 'gzip' }],
  // One stray byte before the first tag: neither DCMTK nor our heuristic reads it.
  ['no_meta.dcm', { outcome: 'not-dicom' }],
];

function expectClassified(read: HeaderRead, expected: Expected): void {
  expect({ outcome: read.outcome, reasonCode: read.reasonCode }).toEqual({
    outcome: expected.outcome,
    reasonCode: expected.reasonCode,
  });
  if (expected.TransferSyntaxUID !== undefined) expect(read.header?.TransferSyntaxUID).toBe(expected.TransferSyntaxUID);
  if (expected.layout !== undefined) expect(read.layout).toBe(expected.layout);
  if (expected.fileType !== undefined) expect(read.fileType).toBe(expected.fileType);
  if (read.outcome === 'corrupt') expect(read.reason).toBeTruthy();
}

/** Top-level values as dcmdump prints them (the reference we check our parser against). */
async function dcmdumpValues(path: string, tags: string[]): Promise<Record<string, string>> {
  const searches = tags.flatMap((tag) => ['+P', tag]);
  const { stdout } = await run('dcmdump', ['-q', '--no-uid-names', '+p', ...searches, path]);
  const values: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const match = /^\(([0-9a-f]{4},[0-9a-f]{4})\) [A-Z]{2} (?:\[(.*?)\]|\(no value available\)|(\S+))/.exec(line);
    if (match?.[1] !== undefined && values[match[1]] === undefined) values[match[1]] = match[2] ?? match[3] ?? '';
  }
  return values;
}

describe("readDicomHeader on pydicom's test files", () => {
  it.each(PYDICOM_CASES)('classifies %s', async (name, expected) => {
    expectClassified(await readDicomHeader(pydicomFile(name), LIMITS), expected);
  });

  it.each(PYDICOM_CASES)(
    'classifies %s the same when the header has to be read in growing chunks',
    async (name, expected) => {
      expectClassified(await readDicomHeader(pydicomFile(name), TINY_FIRST_READ), expected);
    },
  );

  it.each(PYDICOM_CASES)(
    'classifies %s the same when read whole into a reused buffer, and keeps the contents of DICOM only',
    async (name, expected) => {
      // A buffer dirty from the file before: nothing left in it may leak into this file's contents.
      const buffers = new ReadBuffers(1);
      const dirty = buffers.acquire(4 * 1024 * 1024);
      dirty.fill(0xcd);
      buffers.release(dirty);
      const { read, contents } = await readDicomFile(pydicomFile(name), TINY_FIRST_READ, {
        upTo: 16 * 1024 * 1024,
        buffers,
      });
      expectClassified(read, expected);
      if (expected.outcome === 'dicom') {
        // Booleans, not buffers, in the assertions: a failing comparison of megabytes would be printed whole.
        expect(contents?.equals(await readFile(pydicomFile(name)))).toBe(true);
        expect(contents?.buffer === dirty.buffer).toBe(true);
      } else {
        expect(contents).toBeUndefined();
        // Given back at once: the next file gets the same buffer.
        expect(buffers.acquire(1).buffer === dirty.buffer).toBe(true);
      }
    },
  );

  it('keeps no contents of a DICOM file larger than the limit', async () => {
    const buffers = new ReadBuffers(1);
    const { read, contents } = await readDicomFile(pydicomFile('CT_small.dcm'), LIMITS, { upTo: 1000, buffers });
    expect(read.outcome).toBe('dicom');
    expect(contents).toBeUndefined();
  });

  it.each(PYDICOM_CASES.filter(([, expected]) => expected.outcome === 'dicom' && expected.layout !== 'bare-dataset'))(
    'reads the same identifiers from %s as dcmdump',
    async (name) => {
      const read = await readDicomHeader(pydicomFile(name), LIMITS);
      const reference = await dcmdumpValues(pydicomFile(name), [
        '0008,0018',
        '0008,0016',
        '0020,000d',
        '0020,000e',
        '0010,0020',
        '0010,0010',
        '0008,0060',
        '0008,0050',
      ]);
      expect(read.header).toMatchObject({
        SOPInstanceUID: reference['0008,0018'],
        SOPClassUID: reference['0008,0016'] ?? '',
        StudyInstanceUID: reference['0020,000d'],
        SeriesInstanceUID: reference['0020,000e'],
        PatientID: reference['0010,0020'] ?? '',
        PatientName: reference['0010,0010'] ?? '',
        Modality: reference['0008,0060'] ?? '',
        AccessionNumber: reference['0008,0050'] ?? '',
      });
    },
  );

  it('reports the file size and the pixel data shortfall of MR_truncated.dcm', async () => {
    const read = await readDicomHeader(pydicomFile('MR_truncated.dcm'), LIMITS);
    expect(read.size).toBe(9630);
    expect(read.reason).toMatch(/Pixel Data declares 8192 bytes/);
    expect(read.header?.PatientName).toBe('CompressedSamples^MR1');
  });
});

describe('readDicomHeader on synthetic files', () => {
  it('extracts every identifying attribute, decoding UTF-8 and Latin-1 names alike', async () => {
    const dir = await temp.make();
    for (const characterSet of ['ISO_IR 192', 'ISO_IR 100'] as const) {
      const instance = syntheticInstance({
        rows: 16,
        columns: 16,
        characterSet,
        patient: { id: 'PID-9', name: 'Müller^Jürgen', birthDate: '19610704', sex: 'M', issuer: 'ÖKH' },
        accessionNumber: 'ACC-55',
        institutionName: 'Hôpital Synthétique',
        studyDescription: 'CT Schädel',
        seriesNumber: 4,
        instanceNumber: 12,
      });
      const path = join(dir, characterSet.replace(' ', '_'));
      await writeFile(path, instance.bytes);
      const read = await readDicomHeader(path, LIMITS);
      expect(read).toMatchObject({ outcome: 'dicom', layout: 'part10', size: instance.bytes.length, warnings: [] });
      expect(read.header).toEqual({
        SOPInstanceUID: instance.SOPInstanceUID,
        SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
        StudyInstanceUID: instance.StudyInstanceUID,
        SeriesInstanceUID: instance.SeriesInstanceUID,
        TransferSyntaxUID: '1.2.840.10008.1.2.1',
        PatientID: 'PID-9',
        IssuerOfPatientID: 'ÖKH',
        PatientName: 'Müller^Jürgen',
        PatientBirthDate: '19610704',
        PatientSex: 'M',
        AccessionNumber: 'ACC-55',
        StudyDate: '20240115',
        StudyDescription: 'CT Schädel',
        Modality: 'CT',
        InstitutionName: 'Hôpital Synthétique',
        SeriesNumber: 4,
        InstanceNumber: 12,
      });
    }
  });

  it('grows the read past a large private block in front of the pixel data', async () => {
    const dir = await temp.make();
    const block = new Uint8Array(300 * 1024).fill(0x5a);
    const instance = syntheticInstance({
      rows: 64,
      columns: 64,
      extraElements: [
        { tag: 0x00090010, vr: 'LO', value: 'SYNTHETIC PRIVATE' },
        { tag: 0x00091000, vr: 'OB', value: block },
      ],
    });
    const path = join(dir, 'IM000000');
    await writeFile(path, instance.bytes);
    const read = await readDicomHeader(path, LIMITS);
    expect(read.outcome).toBe('dicom');
    expect(read.header?.SOPInstanceUID).toBe(instance.SOPInstanceUID);
    expect(read.header?.PatientID).toBe('SYN0001');
  });

  it('stops at the header limit: usable when the identifiers came first, refused when not', async () => {
    const dir = await temp.make();
    const block = new Uint8Array(512 * 1024);
    const limits = { initialHeaderBytes: 16 * 1024, maxHeaderBytes: 128 * 1024 };

    // A private group after the identifiers (0x0029 > 0x0020): the header is incomplete but usable.
    const late = syntheticInstance({
      rows: 8,
      columns: 8,
      extraElements: [{ tag: 0x00291000, vr: 'OB', value: block }],
    });
    await writeFile(join(dir, 'late'), late.bytes);
    const lateRead = await readDicomHeader(join(dir, 'late'), limits);
    expect(lateRead.outcome).toBe('dicom');
    expect(lateRead.header?.SOPInstanceUID).toBe(late.SOPInstanceUID);
    expect(lateRead.warnings.join(' ')).toMatch(/header longer than 131072 bytes/);

    // A private group before Patient and Study (0x0009): nothing identifies the instance in time.
    const early = syntheticInstance({
      rows: 8,
      columns: 8,
      extraElements: [{ tag: 0x00091000, vr: 'OB', value: block }],
    });
    await writeFile(join(dir, 'early'), early.bytes);
    const earlyRead = await readDicomHeader(join(dir, 'early'), limits);
    expect(earlyRead).toMatchObject({ outcome: 'corrupt', reasonCode: 'header-too-large' });
  });

  it('calls a file cut inside its pixel data or its header truncated', async () => {
    const dir = await temp.make();
    const instance = syntheticInstance({ rows: 64, columns: 64 });
    const path = join(dir, 'IM000000');

    await writeFile(path, instance.bytes.subarray(0, instance.bytes.length - 100));
    expect(await readDicomHeader(path, LIMITS)).toMatchObject({ outcome: 'corrupt', reasonCode: 'truncated' });

    const pixelDataStart = Buffer.from(instance.bytes).indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
    await writeFile(path, instance.bytes.subarray(0, pixelDataStart - 30));
    const cutHeader = await readDicomHeader(path, LIMITS);
    expect(cutHeader).toMatchObject({ outcome: 'corrupt', reasonCode: 'truncated' });
    expect(cutHeader.reason).toMatch(/truncated/);

    await writeFile(path, instance.bytes.subarray(0, 300));
    expect(await readDicomHeader(path, LIMITS)).toMatchObject({ outcome: 'corrupt', reasonCode: 'truncated' });
  });

  it('walks encapsulated pixel data to find a compressed file cut short', async () => {
    const dir = await temp.make();
    const path = join(dir, 'J2K');
    await copyFile(pydicomFile('JPEG2000.dcm'), path);
    expect((await readDicomHeader(path, LIMITS)).outcome).toBe('dicom');
    const size = (await readFile(path)).length;
    await truncate(path, size - 200);
    const read = await readDicomHeader(path, TINY_FIRST_READ);
    expect(read).toMatchObject({ outcome: 'corrupt', reasonCode: 'truncated' });
    expect(read.reason).toMatch(/encapsulated Pixel Data/);
  });

  it('reports a file that cannot be read as unreadable, not as not-DICOM', async () => {
    const dir = await temp.make();
    const read = await readDicomHeader(join(dir, 'gone'), LIMITS);
    expect(read).toMatchObject({ outcome: 'corrupt', reasonCode: 'unreadable', size: 0 });
    expect(read.reason).toMatch(/ENOENT/);
  });

  it('recognises a DICOMDIR by its SOP class, whatever its name', async () => {
    const dir = await temp.make();
    const path = join(dir, 'not-named-dicomdir.bin');
    await copyFile(pydicomFile('dicomdirtests/DICOMDIR-bigEnd'), path);
    expect(await readDicomHeader(path, LIMITS)).toMatchObject({ outcome: 'dicomdir', layout: 'part10' });
  });
});
