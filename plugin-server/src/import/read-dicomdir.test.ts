import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { pydicomFile } from '../../../test/support/pydicom-files.ts';
import { readDicomdir } from './read-dicomdir.ts';
import type { DicomdirContents, DirectoryRecord } from './scan-types.ts';

const run = promisify(execFile);
/** pydicom's DICOMDIR test folder; its README.txt documents each variant. */
const PYDICOM_DICOMDIR_TESTS = pydicomFile('dicomdirtests');
const MAX_BYTES = 64 * 1024 * 1024;

async function contentsOf(name: string, folder = ''): Promise<DicomdirContents> {
  const read = await readDicomdir(join(PYDICOM_DICOMDIR_TESTS, name), folder, MAX_BYTES);
  if (!read.ok) throw new Error(read.error);
  return read.contents;
}

/** What dcmdump says the DICOMDIR holds: record types and ReferencedFileIDs, counted by DCMTK. */
async function dcmdumpDirectory(path: string): Promise<{ types: Record<string, number>; files: string[] }> {
  const { stdout } = await run('dcmdump', ['-q', path], { maxBuffer: 64 * 1024 * 1024 });
  const types: Record<string, number> = {};
  for (const match of stdout.matchAll(/\(0004,1430\) CS \[([^\]]*)\]/g)) {
    const type = match[1] ?? '';
    types[type] = (types[type] ?? 0) + 1;
  }
  const files = [...stdout.matchAll(/\(0004,1500\) CS \[([^\]]*)\]/g)].map((match) => match[1] ?? '');
  return { types, files };
}

/** The hierarchy as indented lines, children sorted: equal for equal hierarchies in any order. */
function outline(records: readonly DirectoryRecord[], depth = 0): string[] {
  return records
    .map((record) => {
      const key =
        record.PatientID ??
        record.StudyInstanceUID ??
        record.SeriesInstanceUID ??
        record.ReferencedFileID?.join('\\') ??
        '?';
      return [`${'  '.repeat(depth)}${record.type} ${key}`, ...outline(record.children, depth + 1)];
    })
    .sort((left, right) => ((left[0] ?? '') < (right[0] ?? '') ? -1 : 1))
    .flat();
}

describe("readDicomdir on pydicom's dicomdirtests", () => {
  it('declares what dcmdump counts in the DICOMDIR: 2 patients, 6 studies, 13 series, 31 images', async () => {
    const contents = await contentsOf('DICOMDIR');
    const reference = await dcmdumpDirectory(join(PYDICOM_DICOMDIR_TESTS, 'DICOMDIR'));
    expect(contents.recordTypeCounts).toEqual(reference.types);
    expect(contents.declared).toEqual({
      patients: reference.types['PATIENT'],
      studies: reference.types['STUDY'],
      series: reference.types['SERIES'],
      instances: reference.files.length,
    });
    // The numbers pydicom's README and the issue quote, pinned so a regression in both is caught.
    expect(contents.declared).toEqual({ patients: 2, studies: 6, series: 13, instances: 31 });
    expect(contents.references.map((reference) => reference.ReferencedFileID.join('\\')).sort()).toEqual(
      reference.files.sort(),
    );
    expect(contents.FileSetID).toBe('PYDICOM_TEST');
    expect(contents.TransferSyntaxUID).toBe('1.2.840.10008.1.2.1');
    expect(contents.refused).toEqual([]);
    expect(contents.warnings).toEqual([]);
  });

  it('follows the offsets into the hierarchy pydicom documents', async () => {
    const { roots } = await contentsOf('DICOMDIR');
    expect(roots.map((patient) => [patient.type, patient.PatientID, patient.PatientName])).toEqual([
      ['PATIENT', '77654033', 'Doe^Archibald'],
      ['PATIENT', '98890234', 'Doe^Peter'],
    ]);
    const [archibald, peter] = roots;
    expect(archibald?.children.map((study) => study.StudyDescription)).toEqual([
      'XR C Spine Comp Min 4 Views',
      'CT, HEAD/BRAIN WO CONTRAST',
    ]);
    expect(peter?.children.map((study) => study.StudyDate)).toEqual(['20010101', '20030505', '20030505', '20030505']);
    const ctHead = archibald?.children[1]?.children[0];
    expect(ctHead?.Modality).toBe('CT');
    expect(ctHead?.children.map((image) => image.ReferencedFileID?.join('/'))).toEqual([
      '77654033/CT2/17106',
      '77654033/CT2/17136',
      '77654033/CT2/17166',
      '77654033/CT2/17196',
    ]);
    const mr700 = peter?.children[3]?.children.find((series) => series.SeriesNumber === '700');
    expect(mr700?.children).toHaveLength(7);
  });

  it.each([
    ['DICOMDIR-bigEnd', '1.2.840.10008.1.2.2'],
    ['DICOMDIR-implicit', '1.2.840.10008.1.2'],
    ['DICOMDIR-reordered', '1.2.840.10008.1.2.1'],
    ['DICOMDIR-nooffset', '1.2.840.10008.1.2.1'],
  ])('parses %s to the same hierarchy', async (name, transferSyntaxUID) => {
    const original = await contentsOf('DICOMDIR');
    const variant = await contentsOf(name);
    expect(variant.TransferSyntaxUID).toBe(transferSyntaxUID);
    expect(outline(variant.roots)).toEqual(outline(original.roots));
    expect(variant.declared).toEqual(original.declared);
    expect(variant.references).toEqual(original.references);
    // Records sit at other byte offsets in other encodings; the links must still resolve.
    expect(variant.warnings.filter((warning) => /not reachable|does not name/.test(warning))).toEqual([]);
  });

  it('reads the last record of DICOMDIR-nooffset although its item length overruns the sequence', async () => {
    const { warnings, references } = await contentsOf('DICOMDIR-nooffset');
    expect(warnings).toEqual([expect.stringMatching(/overruns the record sequence/)]);
    expect(references.at(-1)?.ReferencedFileID).toEqual(['98892003', 'MR700', '4648']);
  });

  it('reports DICOMDIR-nopatient as it is: no PATIENT records, an unknown type, a broken root', async () => {
    const contents = await contentsOf('DICOMDIR-nopatient');
    expect(contents.declared).toEqual({ patients: 0, studies: 6, series: 13, instances: 31 });
    expect(contents.recordTypeCounts['UNKNOWN']).toBe(2);
    expect(contents.warnings).toEqual([expect.stringMatching(/51 records are not reachable/)]);
    // Still a usable hint: every file it names is listed.
    expect(contents.references).toHaveLength(31);
  });

  it('reads DICOMDIR-empty.dcm as an empty file-set', async () => {
    const contents = await contentsOf('DICOMDIR-empty.dcm');
    expect(contents.declared).toEqual({ patients: 0, studies: 0, series: 0, instances: 0 });
    expect(contents.roots).toEqual([]);
  });

  it('resolves TINY_ALPHA references against the DICOMDIR’s own folder', async () => {
    const contents = await contentsOf('TINY_ALPHA/DICOMDIR', 'TINY_ALPHA');
    const reference = await dcmdumpDirectory(join(PYDICOM_DICOMDIR_TESTS, 'TINY_ALPHA', 'DICOMDIR'));
    expect(contents.recordTypeCounts).toEqual(reference.types);
    expect(contents.declared).toEqual({ patients: 1, studies: 1, series: 1, instances: 50 });
    expect(contents.FileSetID).toBe('TINY ALPHA');
    for (const { path } of contents.references) {
      expect(path).toMatch(/^TINY_ALPHA\/PT000000\/ST000000\/SE000000\/IM[0-9A-Z]{6}$/);
    }
    expect(contents.roots[0]?.PatientName).toBe('Citizen^Jan');
  });

  it('refuses to read a DICOMDIR larger than the limit, or a file that is not DICOM', async () => {
    const tooBig = await readDicomdir(join(PYDICOM_DICOMDIR_TESTS, 'DICOMDIR'), '', 1024);
    expect(tooBig).toMatchObject({ ok: false, error: expect.stringMatching(/more than the 1024 allowed/) });
    const notDicom = await readDicomdir(join(PYDICOM_DICOMDIR_TESTS, 'README.txt'), '', MAX_BYTES);
    expect(notDicom).toEqual({ ok: false, error: 'not a DICOM file' });
  });
});
