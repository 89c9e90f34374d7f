import { describe, expect, it } from 'vitest';
import { uploadPathComponents } from './upload-paths.ts';

describe('uploadPathComponents', () => {
  it.each([
    ['CD/DICOM/IM000001', ['CD', 'DICOM', 'IM000001']],
    ['CD\\DICOM\\IM1', ['CD', 'DICOM', 'IM1']],
    ['./a//b', ['a', 'b']],
  ])('accepts %s', (path, components) => {
    expect(uploadPathComponents(path)).toEqual(components);
  });

  it.each(['../etc/passwd', 'a/../../b', '/etc/passwd', 'C:\\Windows\\x', '', 'a/\u0000b', '.'])(
    'refuses %j',
    (path) => {
      expect(() => uploadPathComponents(path)).toThrow();
    },
  );
});
