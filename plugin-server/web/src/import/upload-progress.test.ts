import { describe, expect, it } from 'vitest';
import { UploadProgress } from './upload-progress.ts';

describe('UploadProgress', () => {
  it('adds up the batches in flight, counts files when the server answers, and reaches 100 %', () => {
    const progress = new UploadProgress(1000, 4, 0);
    expect(progress.snapshot(0)).toMatchObject({ bytesSent: 0, fraction: 0, filesDone: 0, bytesPerSecond: undefined });
    progress.batchSent(0, 200, 1000);
    progress.batchSent(1, 300, 1000);
    expect(progress.snapshot(1000)).toMatchObject({ bytesSent: 500, fraction: 0.5, filesDone: 0 });
    // 500 bytes in one second: 500 B/s, 500 bytes left, one second to go.
    expect(progress.snapshot(1000).bytesPerSecond).toBeCloseTo(500);
    expect(progress.snapshot(1000).secondsLeft).toBeCloseTo(1);
    progress.batchDone(0, 500, 2, 1500);
    progress.batchDone(1, 500, 2, 2000);
    expect(progress.snapshot(2000)).toMatchObject({ bytesSent: 1000, fraction: 1, filesDone: 4, secondsLeft: 0 });
  });

  it('measures the rate over the last few seconds only', () => {
    const progress = new UploadProgress(100_000, 1, 0);
    // Fast at first (10 kB/s for 5 s), then slow (1 kB/s for 10 s).
    for (let second = 1; second <= 5; second += 1) progress.batchSent(0, second * 10_000, second * 1000);
    for (let second = 6; second <= 15; second += 1) progress.batchSent(0, 50_000 + (second - 5) * 1000, second * 1000);
    const rate = progress.snapshot(15_000).bytesPerSecond ?? 0;
    expect(rate).toBeGreaterThan(900);
    expect(rate).toBeLessThan(1500);
  });

  it('is complete for an empty upload once the server has answered', () => {
    const progress = new UploadProgress(0, 1, 0);
    expect(progress.snapshot(0).fraction).toBe(0);
    progress.batchDone(0, 0, 1, 10);
    expect(progress.snapshot(10).fraction).toBe(1);
  });

  it('never reports more bytes than the total', () => {
    const progress = new UploadProgress(100, 1, 0);
    progress.batchSent(0, 150, 10);
    expect(progress.snapshot(10).bytesSent).toBe(100);
  });
});
