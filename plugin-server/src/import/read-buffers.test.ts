import { describe, expect, it } from 'vitest';
import { ReadBuffers } from './read-buffers.ts';

describe('ReadBuffers', () => {
  it('gives a buffer of at least the size asked, rounded up so the next file of a series fits it', () => {
    const buffers = new ReadBuffers(2);
    const first = buffers.acquire(600_000);
    expect(first.length).toBe(1024 * 1024);
    buffers.release(first.subarray(0, 600_000));
    const second = buffers.acquire(700_000);
    expect(second.buffer).toBe(first.buffer);
    expect(second.length).toBe(1024 * 1024);
  });

  it('never hands one buffer to two readers', () => {
    const buffers = new ReadBuffers(4);
    const a = buffers.acquire(1000);
    const b = buffers.acquire(1000);
    expect(b.buffer).not.toBe(a.buffer);
    buffers.release(a);
    buffers.release(a);
    const c = buffers.acquire(1000);
    const d = buffers.acquire(1000);
    expect(d.buffer).not.toBe(c.buffer);
  });

  it('keeps a bounded number of idle buffers, and none of the large ones', () => {
    const buffers = new ReadBuffers(1);
    const a = buffers.acquire(1000);
    const b = buffers.acquire(1000);
    buffers.release(a);
    buffers.release(b);
    expect(buffers.acquire(1000).buffer).toBe(a.buffer);
    expect(buffers.acquire(1000).buffer).not.toBe(b.buffer);

    const large = buffers.acquire(10 * 1024 * 1024);
    expect(large.length).toBe(10 * 1024 * 1024);
    buffers.release(large);
    expect(buffers.acquire(10 * 1024 * 1024).buffer).not.toBe(large.buffer);
  });

  it('never gives out a slice of a buffer shared with other code', () => {
    const buffers = new ReadBuffers(1);
    const small = buffers.acquire(10);
    expect(small.byteOffset).toBe(0);
    expect(small.buffer.byteLength).toBe(small.length);
  });
});
