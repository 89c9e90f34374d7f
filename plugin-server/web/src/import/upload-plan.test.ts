import { describe, expect, it } from 'vitest';
import type { MediaFile } from './imports.resource.ts';
import { planBatches } from './upload-plan.ts';

function files(...sizes: number[]): MediaFile[] {
  return sizes.map((size, index) => ({ path: `CD/IM${index}`, file: new File([new Uint8Array(size)], `IM${index}`) }));
}

describe('planBatches', () => {
  it.each([
    { name: 'nothing', sizes: [], limits: { maxFiles: 2, maxBytes: 100 }, expected: [] },
    { name: 'by file count', sizes: [1, 1, 1, 1, 1], limits: { maxFiles: 2, maxBytes: 100 }, expected: [2, 2, 1] },
    { name: 'by bytes', sizes: [40, 40, 40, 10], limits: { maxFiles: 10, maxBytes: 100 }, expected: [2, 2] },
    {
      name: 'a file larger than the byte limit alone',
      sizes: [10, 500, 10],
      limits: { maxFiles: 10, maxBytes: 100 },
      expected: [1, 1, 1],
    },
    {
      name: 'exactly at the byte limit',
      sizes: [50, 50, 1],
      limits: { maxFiles: 10, maxBytes: 100 },
      expected: [2, 1],
    },
  ])('splits $name', ({ sizes, limits, expected }) => {
    const batches = planBatches(files(...sizes), limits);
    expect(batches.map((batch) => batch.files.length)).toEqual(expected);
    expect(batches.map((batch) => batch.index)).toEqual(expected.map((_, index) => index));
    expect(batches.flatMap((batch) => batch.files.map((file) => file.path))).toEqual(
      files(...sizes).map((f) => f.path),
    );
    for (const batch of batches) {
      expect(batch.bytes).toBe(batch.files.reduce((sum, { file }) => sum + file.size, 0));
    }
  });
});
