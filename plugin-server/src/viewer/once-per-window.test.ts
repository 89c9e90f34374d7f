import { describe, expect, it } from 'vitest';
import { OncePerWindow } from './once-per-window.ts';

function harness(maxEntries = 100) {
  let now = 0;
  const recorded: string[] = [];
  const dedupe = new OncePerWindow({ windowMs: 600_000, maxEntries, now: () => now });
  return {
    dedupe,
    recorded,
    advance(ms: number) {
      now += ms;
    },
    open(key: string) {
      return dedupe.once(key, async () => {
        recorded.push(key);
      });
    },
  };
}

describe('OncePerWindow', () => {
  it('records once per key and window', async () => {
    const h = harness();
    await h.open('user:a|s1');
    await h.open('user:a|s1');
    await h.open('user:b|s1');
    await h.open('user:a|s2');
    h.advance(599_999);
    await h.open('user:a|s1');
    expect(h.recorded).toEqual(['user:a|s1', 'user:b|s1', 'user:a|s2']);
    h.advance(1);
    await h.open('user:a|s1');
    expect(h.recorded).toEqual(['user:a|s1', 'user:b|s1', 'user:a|s2', 'user:a|s1']);
  });

  it('lets racing requests wait for the one write', async () => {
    const h = harness();
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let writes = 0;
    const record = async () => {
      writes++;
      await gate;
    };
    let settled = 0;
    const all = Promise.all([1, 2, 3].map(() => h.dedupe.once('k', record).then(() => settled++)));
    await Promise.resolve();
    expect(settled).toBe(0);
    release();
    await all;
    expect({ writes, settled }).toEqual({ writes: 1, settled: 3 });
  });

  it('fails every waiter when the write fails, and tries again on the next request', async () => {
    const h = harness();
    const failing = async () => {
      throw new Error('database is locked');
    };
    await expect(Promise.all([h.dedupe.once('k', failing), h.dedupe.once('k', failing)])).rejects.toThrow(
      'database is locked',
    );
    await h.open('k');
    expect(h.recorded).toEqual(['k']);
  });

  it('stays bounded, forgetting the oldest', async () => {
    const h = harness(3);
    for (const key of ['a', 'b', 'c', 'd']) await h.open(key);
    expect(h.dedupe.size).toBe(3);
    await h.open('a');
    await h.open('d');
    expect(h.recorded).toEqual(['a', 'b', 'c', 'd', 'a']);
  });
});
