import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { PYDICOM_TEST_FILES, pydicomFile } from '../../../test/support/pydicom-files.ts';
import { syntheticInstance } from '../../../test/fixtures/synthetic-dicom.ts';
import { JUNK_FILES, makeSyntheticCd } from '../../../test/fixtures/synthetic-media.ts';
import { tempDirs } from '../../../test/fixtures/temp-dir.ts';
import { scanMedia } from './scan-media.ts';
import { mediaScanSchema, type MediaScan, type ScannedFile } from './scan-types.ts';

const run = promisify(execFile);
/** pydicom's DICOMDIR test folder: three patient folders, DICOMDIR variants, TINY_ALPHA. */
const PYDICOM_DICOMDIR_TESTS = pydicomFile('dicomdirtests');
const temp = tempDirs('scan');
afterEach(temp.cleanup);

async function scan(root: string, limits: Parameters<typeof scanMedia>[1] = {}): Promise<MediaScan> {
  const result = await scanMedia(root, limits);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  // The result crosses the HTTP boundary: it must satisfy its own schema.
  return mediaScanSchema.parse(result.scan);
}

function file(result: MediaScan, path: string): ScannedFile {
  const found = result.files.find((candidate) => candidate.path === path);
  if (found === undefined) throw new Error(`${path} not in scan`);
  return found;
}

describe("scanMedia on pydicom's dicomdirtests folder", () => {
  it('finds what the DICOMDIRs declare, and the DICOMDIR cross-check is clean', async () => {
    const result = await scan(PYDICOM_DICOMDIR_TESTS);
    const main = result.dicomdir.dicomdirs.find((report) => report.path === 'DICOMDIR');
    const declared = main?.contents?.declared;
    expect(declared).toEqual({ patients: 2, studies: 6, series: 13, instances: 31 });

    // What the walk found among the files DICOMDIR manages (everything outside TINY_ALPHA).
    const managed = result.files.filter((entry) => entry.outcome === 'dicom' && !entry.path.startsWith('TINY_ALPHA/'));
    const distinct = (pick: (entry: ScannedFile) => string | undefined) => new Set(managed.map(pick)).size;
    expect({
      patients: distinct((entry) => entry.header?.PatientID),
      studies: distinct((entry) => entry.header?.StudyInstanceUID),
      series: distinct((entry) => entry.header?.SeriesInstanceUID),
      instances: distinct((entry) => entry.header?.SOPInstanceUID),
    }).toEqual(declared);

    const tiny = result.dicomdir.dicomdirs.find((report) => report.path === 'TINY_ALPHA/DICOMDIR');
    expect(tiny?.contents?.declared).toEqual({ patients: 1, studies: 1, series: 1, instances: 50 });

    expect(result.counts).toMatchObject({
      files: 91,
      dicomFiles: 81,
      dicomdirFiles: 8, // DICOMDIR, its five variants, DICOMDIR-empty.dcm, TINY_ALPHA/DICOMDIR
      notDicomFiles: 2, // README.txt, TINY_ALPHA/README (a Python script)
      corruptFiles: 0,
      patients: 3,
      studies: 7,
      series: 14,
      instances: 81,
    });
    expect(file(result, 'TINY_ALPHA/README')).toMatchObject({ outcome: 'not-dicom', fileType: 'text' });
    expect(result.dicomdir.unlisted).toEqual([]);
    for (const report of result.dicomdir.dicomdirs) {
      expect(report).toMatchObject({ missing: [], mismatched: [], listedNotDicom: [] });
    }
    expect(result.dicomdir.clean).toBe(true);
  });

  it('lists the studies with their patients', async () => {
    const result = await scan(PYDICOM_DICOMDIR_TESTS);
    const archibald = result.patients.find((patient) => patient.PatientID === '77654033');
    expect(archibald).toMatchObject({ PatientName: 'Doe^Archibald', demographicVariants: 1 });
    expect(archibald?.studies).toHaveLength(2);
    const ctHead = result.studies.find((study) => study.StudyDescription === 'CT, HEAD/BRAIN WO CONTRAST');
    expect(ctHead).toMatchObject({ PatientID: '77654033', modalities: ['CT'], instances: 4 });
  });
});

describe('scanMedia on a messy CD (the rest of pydicom’s test files)', () => {
  async function messyCd(): Promise<{ root: string; result: MediaScan }> {
    const root = await temp.make();
    for (const entry of await readdir(PYDICOM_TEST_FILES, { withFileTypes: true })) {
      if (entry.isFile()) await copyFile(join(PYDICOM_TEST_FILES, entry.name), join(root, entry.name));
    }
    // The same image again under a PDI name: recognised by content, flagged as a duplicate.
    await mkdir(join(root, 'DICOM'));
    await copyFile(join(PYDICOM_TEST_FILES, 'CT_small.dcm'), join(root, 'DICOM', 'IM000001'));
    return { root, result: await scan(root) };
  }

  it('classifies every file by content', async () => {
    const { result } = await messyCd();
    const expectations: [string, Partial<ScannedFile>][] = [
      ['CT_small.dcm', { outcome: 'dicom', flags: [] }],
      ['DICOM/IM000001', { outcome: 'dicom', flags: ['duplicate-on-media'], duplicateOf: 'CT_small.dcm' }],
      ['JPEG2000.dcm', { outcome: 'dicom' }],
      ['image_dfl.dcm', { outcome: 'dicom', flags: [] }],
      ['ExplVR_BigEndNoMeta.dcm', { outcome: 'dicom', layout: 'bare-dataset', flags: [] }],
      // pydicom keeps one SOP instance in many encodings: on a medium those are duplicates, and the
      // first by path is the one kept.
      ['MR_small.dcm', { outcome: 'dicom', flags: [] }],
      ['MR_small_RLE.dcm', { outcome: 'dicom', flags: ['duplicate-on-media'], duplicateOf: 'MR_small.dcm' }],
      ['MR_small_implicit.dcm', { outcome: 'dicom', flags: ['duplicate-on-media'], duplicateOf: 'MR_small.dcm' }],
      ['MR_small_bigendian.dcm', { outcome: 'dicom', flags: ['duplicate-on-media'], duplicateOf: 'MR_small.dcm' }],
      ['MR_small_jpeg_ls_lossless.dcm', { outcome: 'dicom', flags: ['duplicate-on-media'] }],
      ['ExplVR_LitEndNoMeta.dcm', { outcome: 'dicom', layout: 'bare-dataset', duplicateOf: 'ExplVR_BigEndNoMeta.dcm' }],
      ['MR_truncated.dcm', { outcome: 'corrupt', reasonCode: 'truncated' }],
      ['rtplan_truncated.dcm', { outcome: 'corrupt', reasonCode: 'truncated' }],
      ['SC_rgb_jpeg.dcm', { outcome: 'corrupt', reasonCode: 'transfer-syntax-mismatch' }],
      ['README.txt', { outcome: 'not-dicom', fileType: 'text' }],
      ['zipMR.gz', { outcome: 'not-dicom', fileType: 'gzip' }],
      ['rtplan.dump', { outcome: 'not-dicom', fileType: 'text' }],
    ];
    for (const [path, expected] of expectations) expect(file(result, path), path).toMatchObject(expected);
    expect(result.duplicates).toContainEqual({
      SOPInstanceUID: file(result, 'CT_small.dcm').header?.SOPInstanceUID,
      paths: ['CT_small.dcm', 'DICOM/IM000001'],
    });
    expect(result.duplicates.find((duplicate) => duplicate.paths[0] === 'MR_small.dcm')?.paths).toHaveLength(8);
    const outcomes = result.files.map((entry) => entry.outcome);
    expect(result.counts.files).toBe(result.files.length);
    expect(result.counts.dicomFiles).toBe(outcomes.filter((outcome) => outcome === 'dicom').length);
    expect(result.counts.duplicateFiles).toBe(
      result.duplicates.reduce((total, duplicate) => total + duplicate.paths.length - 1, 0),
    );
    // Duplicates are not instances twice.
    expect(result.counts.instances).toBe(
      new Set(result.files.filter((entry) => entry.outcome === 'dicom').map((entry) => entry.header?.SOPInstanceUID))
        .size,
    );
    expect(result.counts.bytes).toBe(result.files.reduce((total, entry) => total + entry.size, 0));
  });

  it('has no DICOMDIR to check against, and says so', async () => {
    const { result } = await messyCd();
    expect(result.dicomdir).toEqual({ dicomdirs: [], unlisted: [], clean: false });
  });
});

describe('scanMedia on a synthetic CD', () => {
  it('finds every slice, lists the junk, and agrees with the DICOMDIR', async () => {
    const root = await temp.make();
    const cd = await makeSyntheticCd(root, {
      studies: 2,
      seriesPerStudy: 2,
      slicesPerSeries: 9,
      rows: 128,
      columns: 128,
      patient: { id: 'SYN-CD-1', name: 'Cd^Synthetic', birthDate: '19750505', sex: 'F', issuer: 'SYN' },
    });
    const result = await scan(root);

    for (const instance of cd.instances) {
      expect(file(result, instance.path)).toMatchObject({
        outcome: 'dicom',
        size: instance.size,
        header: {
          SOPInstanceUID: instance.SOPInstanceUID,
          StudyInstanceUID: instance.StudyInstanceUID,
          SeriesInstanceUID: instance.SeriesInstanceUID,
          PatientID: 'SYN-CD-1',
        },
      });
    }
    expect(file(result, 'AUTORUN.INF')).toMatchObject({ outcome: 'not-dicom', fileType: 'text' });
    expect(file(result, 'INDEX.HTM')).toMatchObject({ outcome: 'not-dicom', fileType: 'html' });
    expect(file(result, 'REPORT.PDF')).toMatchObject({ outcome: 'not-dicom', fileType: 'pdf' });
    expect(file(result, 'VIEWER/VIEWER.EXE')).toMatchObject({ outcome: 'not-dicom', fileType: 'windows-executable' });
    expect(file(result, 'DICOMDIR')).toMatchObject({ outcome: 'dicomdir' });

    expect(result.counts).toMatchObject({
      files: 36 + Object.keys(JUNK_FILES).length + 1 + 1,
      dicomFiles: 36,
      notDicomFiles: Object.keys(JUNK_FILES).length + 1,
      corruptFiles: 0,
      patients: 1,
      studies: 2,
      series: 4,
      instances: 36,
      dicomBytes: cd.instances.reduce((total, instance) => total + instance.size, 0),
    });
    expect(result.dicomdir.clean).toBe(true);
    expect(result.dicomdir.dicomdirs[0]?.contents?.declared).toEqual({
      patients: 1,
      studies: 2,
      series: 4,
      instances: 36,
    });
    expect(result.studies.map((study) => study.StudyInstanceUID).sort()).toEqual(
      cd.studies.map((study) => study.StudyInstanceUID).sort(),
    );
    expect(result.patients).toEqual([
      {
        PatientID: 'SYN-CD-1',
        IssuerOfPatientID: 'SYN',
        PatientName: 'Cd^Synthetic',
        PatientBirthDate: '19750505',
        PatientSex: 'F',
        demographicVariants: 1,
        studies: expect.arrayContaining(cd.studies.map((study) => study.StudyInstanceUID)),
      },
    ]);
  });

  it('scans full-size 512x512 CT slices', async () => {
    const root = await temp.make();
    const cd = await makeSyntheticCd(root, { slicesPerSeries: 24, junk: false });
    const result = await scan(root);
    expect(result.counts).toMatchObject({ dicomFiles: 24, instances: 24, series: 1 });
    expect(cd.instances[0]?.size).toBeGreaterThan(512 * 512 * 2);
    expect(result.dicomdir.clean).toBe(true);
  });

  it('reports files the DICOMDIR lists but are missing, unlisted files and SOP mismatches; case does not matter', async () => {
    const root = await temp.make();
    const cd = await makeSyntheticCd(root, { slicesPerSeries: 8, rows: 32, columns: 32, junk: false });
    const series = 'DICOM/PA000000/ST000000/SE000000';
    await rm(join(root, series, 'IM000001'));
    await rename(join(root, series, 'IM000002'), join(root, series, 'im000002'));
    const stranger = syntheticInstance({ rows: 8, columns: 8 });
    await writeFile(join(root, series, 'IM000005'), stranger.bytes);
    await mkdir(join(root, 'EXTRA'));
    const extra = syntheticInstance({ rows: 8, columns: 8 });
    await writeFile(join(root, 'EXTRA', 'IM999999'), extra.bytes);

    const result = await scan(root);
    const [report] = result.dicomdir.dicomdirs;
    expect(report?.missing.map((reference) => reference.path)).toEqual([`${series}/IM000001`]);
    expect(report?.missing[0]?.ReferencedSOPInstanceUIDInFile).toBe(cd.instances[1]?.SOPInstanceUID);
    expect(report?.mismatched).toEqual([
      {
        path: `${series}/IM000005`,
        declaredSOPInstanceUID: cd.instances[5]?.SOPInstanceUID,
        foundSOPInstanceUID: stranger.SOPInstanceUID,
      },
    ]);
    expect(result.dicomdir.unlisted).toEqual(['EXTRA/IM999999']);
    expect(file(result, `${series}/im000002`).outcome).toBe('dicom');
    expect(result.dicomdir.clean).toBe(false);
  });

  it('refuses DICOMDIR entries that point outside the medium, entry by entry', async () => {
    const outer = await temp.make();
    const root = join(outer, 'media');
    const cd = await makeSyntheticCd(root, { slicesPerSeries: 6, rows: 32, columns: 32, junk: false });
    // A secret beside the medium that a naive importer following the DICOMDIR would read.
    const secret = syntheticInstance({ rows: 8, columns: 8 });
    await writeFile(join(outer, 'SECRET'), secret.bytes);

    // Edit the DICOMDIR dcmmkdir wrote, in place and at the same length, so every offset stays valid.
    const dicomdirPath = join(root, 'DICOMDIR');
    const dicomdir = await readFile(dicomdirPath);
    const patch = (original: string, replacement: string): void => {
      const at = dicomdir.indexOf(Buffer.from(original, 'latin1'));
      expect(at).toBeGreaterThan(0);
      expect(replacement.length).toBeLessThanOrEqual(original.length);
      dicomdir.write(replacement.padEnd(original.length, ' '), at, 'latin1');
    };
    patch('DICOM\\PA000000\\ST000000\\SE000000\\IM000003', '..\\..\\..\\..\\..\\..\\..\\..\\etc\\passwd');
    patch('DICOM\\PA000000\\ST000000\\SE000000\\IM000004', '\\etc\\shadow');
    patch('DICOM\\PA000000\\ST000000\\SE000000\\IM000005', '..\\SECRET');
    await writeFile(dicomdirPath, dicomdir);
    const { stderr } = await run('dcmdump', ['-q', dicomdirPath]);
    expect(stderr).toBe(''); // still a well-formed DICOMDIR: only the paths are hostile

    const result = await scan(root);
    const contents = result.dicomdir.dicomdirs[0]?.contents;
    expect(contents?.refused).toEqual([
      expect.objectContaining({
        ReferencedFileID: '..\\..\\..\\..\\..\\..\\..\\..\\etc\\passwd',
        reason: 'escapes-media-root',
      }),
      expect.objectContaining({ ReferencedFileID: '\\etc\\shadow', reason: 'absolute-path' }),
      expect.objectContaining({ ReferencedFileID: '..\\SECRET', reason: 'escapes-media-root' }),
    ]);
    expect(contents?.references).toHaveLength(3);
    expect(contents?.declared.instances).toBe(6);
    // The refused entries' real files are still found by the walk, now unlisted.
    expect(result.dicomdir.unlisted).toEqual(cd.instances.slice(3).map((instance) => instance.path));
    expect(result.dicomdir.dicomdirs[0]?.missing).toEqual([]);
    expect(result.dicomdir.clean).toBe(false);
    // Nothing outside the medium made it into the scan.
    expect(result.files.some((entry) => entry.header?.SOPInstanceUID === secret.SOPInstanceUID)).toBe(false);
    expect(result.counts.instances).toBe(6);
  });

  it('lists a symbolic link without following it', async () => {
    const outer = await temp.make();
    const root = join(outer, 'media');
    await makeSyntheticCd(root, { slicesPerSeries: 2, rows: 16, columns: 16, junk: false, dicomdir: false });
    const secret = syntheticInstance({ rows: 8, columns: 8 });
    await writeFile(join(outer, 'SECRET'), secret.bytes);
    await symlink(join(outer, 'SECRET'), join(root, 'LINK'));
    await symlink(outer, join(root, 'LINKDIR'));

    const result = await scan(root);
    expect(file(result, 'LINK')).toMatchObject({
      outcome: 'not-dicom',
      reason: expect.stringMatching(/symbolic link/),
    });
    expect(file(result, 'LINKDIR')).toMatchObject({ outcome: 'not-dicom' });
    expect(result.counts.instances).toBe(2);
  });
});

describe('scanMedia limits and errors', () => {
  it('fails for a missing root or a file given as root', async () => {
    const dir = await temp.make();
    expect(await scanMedia(join(dir, 'nothing'))).toMatchObject({ ok: false, error: { code: 'root-not-found' } });
    await writeFile(join(dir, 'file'), 'x');
    expect(await scanMedia(join(dir, 'file'))).toMatchObject({ ok: false, error: { code: 'root-not-a-directory' } });
  });

  it('gives up past the file and depth limits', async () => {
    const root = await temp.make();
    await makeSyntheticCd(root, { slicesPerSeries: 5, rows: 8, columns: 8, junk: false, dicomdir: false });
    expect(await scanMedia(root, { maxFiles: 4 })).toMatchObject({ ok: false, error: { code: 'too-many-files' } });
    expect(await scanMedia(root, { maxDepth: 3 })).toMatchObject({ ok: false, error: { code: 'too-deep' } });
    expect(await scanMedia(root, { maxFiles: 5, maxDepth: 4 })).toMatchObject({ ok: true });
  });

  it('gives the same result whatever the concurrency', async () => {
    const root = await temp.make();
    await makeSyntheticCd(root, { slicesPerSeries: 12, rows: 16, columns: 16 });
    const serial = await scan(root, { concurrency: 1 });
    const parallel = await scan(root, { concurrency: 64 });
    expect(parallel).toEqual(serial);
  });
});
