import { execFile } from 'node:child_process';
import { access, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticInstance } from '../../../test/fixtures/synthetic-dicom.ts';
import { makeSyntheticCd } from '../../../test/fixtures/synthetic-media.ts';
import { tempDirs } from '../../../test/fixtures/temp-dir.ts';
import { buildZip, folderEntries, type ZipEntrySpec } from '../../../test/fixtures/zip-writer.ts';
import { extractZip } from './extract-zip.ts';
import { scanMedia } from './scan-media.ts';
import type { MediaScan, ZipErrorCode, ZipLimitsInput } from './scan-types.ts';

const run = promisify(execFile);
const temp = tempDirs('zip');
afterEach(temp.cleanup);

/** Writes `entries` as a zip in a fresh folder, next to an empty `out` folder to extract into. */
async function zipOf(entries: ZipEntrySpec[]): Promise<{ outer: string; zip: string; out: string }> {
  const outer = await temp.make();
  const zip = join(outer, 'upload.zip');
  await writeFile(zip, buildZip(entries));
  return { outer, zip, out: join(outer, 'work', 'out') };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function scanned(root: string): Promise<MediaScan> {
  const result = await scanMedia(root);
  if (!result.ok) throw new Error(result.error.message);
  return result.scan;
}

const small = (name: string, text = 'hello'): ZipEntrySpec => ({ name, data: Buffer.from(text) });

describe('extractZip', () => {
  it('extracts a zip of a synthetic CD that then scans exactly like the CD itself', async () => {
    const cdRoot = await temp.make();
    await makeSyntheticCd(cdRoot, { slicesPerSeries: 10, seriesPerStudy: 2, rows: 64, columns: 64 });
    const { zip, out } = await zipOf(await folderEntries(cdRoot));

    const result = await extractZip(zip, out);
    expect(result).toMatchObject({ ok: true, extraction: { files: 20 + 1 + 5 } });
    expect(await scanned(out)).toEqual(await scanned(cdRoot));
  });

  it('extracts a zip made by Info-ZIP the same way', async () => {
    const cdRoot = await temp.make();
    await makeSyntheticCd(cdRoot, { slicesPerSeries: 6, rows: 32, columns: 32 });
    const outer = await temp.make();
    const zip = join(outer, 'cd.zip');
    await run('zip', ['-q', '-r', zip, '.'], { cwd: cdRoot });
    const out = join(outer, 'out');
    expect(await extractZip(zip, out)).toMatchObject({ ok: true });
    expect(await scanned(out)).toEqual(await scanned(cdRoot));
  });

  const refusals: [string, ZipEntrySpec[], ZipErrorCode, ZipLimitsInput?][] = [
    ['a ../ path (zip-slip)', [small('DICOM/IM000001'), small('../evil.txt')], 'unsafe-path'],
    ['a ../ path in the middle', [small('DICOM/../../evil.txt')], 'unsafe-path'],
    // Would land inside the folder, but a `..` in a medium's path is never legitimate.
    ['a ../ path that stays inside', [small('DICOM/../IM000001')], 'unsafe-path'],
    ['a Windows ..\\ path', [small('..\\evil.txt')], 'unsafe-path'],
    ['an absolute path', [small('DICOM/IM000001'), small('/tmp/outside-studies-evil.txt')], 'unsafe-path'],
    ['a drive-letter path', [small('C:/Windows/evil.txt')], 'unsafe-path'],
    ['a control character in a name', [small('DICOM/IM\u0001')], 'unsafe-path'],
    [
      'a symbolic link entry',
      [small('DICOM/IM000001'), { name: 'LINK', data: Buffer.from('/etc/passwd'), unixMode: 0o120777 }],
      'symlink',
    ],
    [
      'an encrypted entry',
      [{ name: 'SECRET', data: Buffer.from('x'.repeat(100)), method: 'deflate', encrypted: true }],
      'encrypted',
    ],
    ['the same name twice', [small('DICOM/IM000001'), small('DICOM/IM000001', 'again')], 'duplicate-entry'],
    // 64 MiB of zeros deflate to ~64 KiB: a ratio of ~1000 against the default limit of 100.
    [
      'a zip bomb',
      [small('README.TXT'), { name: 'DICOM/IM000002', data: Buffer.alloc(64 * 1024 * 1024) }],
      'expansion-ratio',
    ],
    [
      'an entry over the size limit',
      [small('a'), { name: 'big', data: Buffer.alloc(200_000, 7), method: 'store' }],
      'entry-too-large',
      { maxEntryBytes: 100_000 },
    ],
    [
      'entries over the total limit',
      [1, 2, 3, 4].map((index) => ({
        name: `part${index}`,
        data: Buffer.alloc(40_000, index),
        method: 'store' as const,
      })),
      'total-too-large',
      { maxTotalBytes: 100_000 },
    ],
    [
      'too many entries',
      Array.from({ length: 11 }, (_, index) => small(`f${index}`)),
      'too-many-entries',
      { maxEntries: 10 },
    ],
    ['too deep a path', [small(`${'d/'.repeat(40)}f`)], 'unsafe-path'],
  ];

  it.each(refusals)('refuses %s, leaving nothing behind', async (_name, entries, code, limits) => {
    const { outer, zip, out } = await zipOf(entries);
    const result = await extractZip(zip, out, limits);
    expect(result).toMatchObject({ ok: false, error: { code } });
    expect(await readdir(out)).toEqual([]);
    expect(await exists(join(outer, 'work', 'evil.txt'))).toBe(false);
    expect(await exists(join(outer, 'evil.txt'))).toBe(false);
    expect(await exists('/tmp/outside-studies-evil.txt')).toBe(false);
  });

  it('names the offending entry', async () => {
    const { zip, out } = await zipOf([small('ok'), small('../../x')]);
    expect(await extractZip(zip, out)).toMatchObject({
      ok: false,
      error: { code: 'unsafe-path', entry: '../../x', message: expect.stringMatching(/parent-folder component/) },
    });
  });

  it('removes what it already wrote when a later entry lies about its size', async () => {
    const good = syntheticInstance({ rows: 16, columns: 16 });
    const { zip, out } = await zipOf([
      { name: 'DICOM/IM000000', data: good.bytes },
      { name: 'DICOM/IM000001', data: Buffer.alloc(8 * 1024 * 1024), declaredUncompressedSize: 1000 },
    ]);
    const result = await extractZip(zip, out);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-zip' } });
    expect(await readdir(out)).toEqual([]);
  });

  it('refuses a file that is not a zip', async () => {
    const outer = await temp.make();
    const zip = join(outer, 'upload.zip');
    await writeFile(zip, 'this is not a zip archive at all');
    const result = await extractZip(zip, join(outer, 'out'));
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-zip' } });
  });

  it('refuses a destination that is not empty and leaves its content alone', async () => {
    const { zip, out } = await zipOf([small('a')]);
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'keep.txt'), 'mine');
    expect(await extractZip(zip, out)).toMatchObject({ ok: false, error: { code: 'destination-not-empty' } });
    expect(await readdir(out)).toEqual(['keep.txt']);
  });

  it('keeps small, highly compressible files that are under the ratio floor', async () => {
    const { zip, out } = await zipOf([{ name: 'DICOMDIR.TXT', data: Buffer.alloc(512 * 1024, 0x20) }]);
    expect(await extractZip(zip, out)).toMatchObject({ ok: true, extraction: { files: 1, bytes: 512 * 1024 } });
  });
});
