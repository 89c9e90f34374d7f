import { describe, expect, it } from 'vitest';
import { folderOf, mediaPathKey, resolveReferencedFileId } from './dicomdir-paths.ts';

describe('resolveReferencedFileId', () => {
  it.each([
    ['DICOM\\PA000000\\ST000000\\SE000000\\IM000000', '', 'DICOM/PA000000/ST000000/SE000000/IM000000'],
    ['77654033\\CR1\\6154', '', '77654033/CR1/6154'],
    ['PT000000\\ST000000\\SE000000\\IM00000J', 'TINY_ALPHA', 'TINY_ALPHA/PT000000/ST000000/SE000000/IM00000J'],
    ['IMAGES\\IM1 ', 'DISC 1/CONTENT', 'DISC 1/CONTENT/IMAGES/IM1'], // CS padding trimmed
    ['.\\IMAGES\\IM2', '', 'IMAGES/IM2'],
    ['IMAGES/IM3', '', 'IMAGES/IM3'], // non-conformant `/`, still inside the medium
  ])('resolves %j in folder %j to %j', (raw, folder, path) => {
    expect(resolveReferencedFileId(raw, folder)).toMatchObject({ ok: true, path });
  });

  it.each([
    ['..\\..\\etc\\passwd', 'escapes-media-root'],
    ['DICOM\\..\\..\\secret', 'escapes-media-root'],
    ['DICOM/../../secret', 'escapes-media-root'],
    ['DICOM\\..', 'escapes-media-root'],
    ['\\etc\\passwd', 'absolute-path'],
    ['/etc/passwd', 'absolute-path'],
    ['C:\\Windows\\win.ini', 'absolute-path'],
    ['DICOM\\C:\\x', 'invalid-component'],
    ['DICOM\\\\IM1', 'invalid-component'],
    ['DICOM\\IM\u00001', 'invalid-component'],
    ['', 'invalid-component'],
    ['   ', 'invalid-component'],
    ['.', 'invalid-component'],
  ])('refuses %j as %s', (raw, reason) => {
    expect(resolveReferencedFileId(raw, '')).toMatchObject({ ok: false, reason });
  });
});

describe('mediaPathKey', () => {
  it.each([
    ['DICOM/PA000000/IM000001', 'dicom/pa000000/im000001'],
    ['dicom/pa000000/im000001', 'dicom/pa000000/im000001'],
    ['DICOM/PA000000/IM000001.;1', 'dicom/pa000000/im000001'], // ISO 9660 without extensions
    ['DICOM/PA000000/IM000001;1', 'dicom/pa000000/im000001'],
    ['DICOM/PA000000/IM000001.', 'dicom/pa000000/im000001'],
  ])('folds %j to %j', (path, key) => {
    expect(mediaPathKey(path)).toBe(key);
  });

  it('keeps different names apart', () => {
    expect(mediaPathKey('DICOM/IM000001')).not.toBe(mediaPathKey('DICOM/IM000010'));
    expect(mediaPathKey('A/B.DCM')).not.toBe(mediaPathKey('A/B'));
  });
});

describe('folderOf', () => {
  it.each([
    ['DICOMDIR', ''],
    ['TINY_ALPHA/DICOMDIR', 'TINY_ALPHA'],
    ['a/b/DICOMDIR', 'a/b'],
  ])('%j is in %j', (path, folder) => {
    expect(folderOf(path)).toBe(folder);
  });
});
