import { readFile, rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSyntheticCd } from '../../../../test/fixtures/synthetic-media.ts';
import type { MediaFile } from '../import/imports.resource.ts';
import { scanPickedMedia, sourceLabelOf } from './scan-picked-media.ts';

describe('scanPickedMedia', () => {
  const scratch = mkdtemp(join(tmpdir(), 'outside-web-scan-'));
  afterAll(async () => rm(await scratch, { recursive: true, force: true }));

  it('summarises a synthetic CD as the front desk sees it before upload', async () => {
    const root = join(await scratch, 'CDROM');
    const cd = await makeSyntheticCd(root, {
      studies: 2,
      seriesPerStudy: 2,
      slicesPerSeries: 3,
      rows: 32,
      columns: 32,
    });
    const paths = [...cd.instances.map(({ path }) => path), ...cd.junkFiles, 'DICOMDIR'];
    const picked: MediaFile[] = await Promise.all(
      paths.map(async (path) => ({ path: `CDROM/${path}`, file: new File([await readFile(join(root, path))], path) })),
    );
    const progress: number[] = [];
    const media = await scanPickedMedia(sourceLabelOf(picked), picked, (done) => progress.push(done));
    expect(media.label).toBe('CDROM');
    expect(media.summary.counts).toMatchObject({
      patients: 1,
      studies: 2,
      series: 4,
      instances: 12,
      notDicomFiles: cd.junkFiles.length,
      dicomdirFiles: 1,
    });
    expect(progress.at(-1)).toBe(paths.length);
    expect(media.skipped.map(({ path }) => path).sort()).toEqual(cd.junkFiles.map((path) => `CDROM/${path}`).sort());
    expect(media.toUpload).toHaveLength(12 + 1);
  });
});

describe('sourceLabelOf', () => {
  const file = new File([], 'x');
  it.each([
    [['CD/a', 'CD/b/c'], 'CD'],
    [['CD/a', 'USB/b'], '2 files'],
    [['IM0001'], 'IM0001'],
    [['a', 'b', 'c'], '3 files'],
  ])('names %j %j', (paths, expected) => {
    expect(sourceLabelOf(paths.map((path) => ({ path, file })))).toBe(expected);
  });
});
