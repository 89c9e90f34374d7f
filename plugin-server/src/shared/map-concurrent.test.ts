import { describe, expect, it } from 'vitest';
import { mapConcurrent } from './map-concurrent.ts';

async function* numbers(count: number, onPull?: (index: number) => void): AsyncGenerator<number> {
  for (let index = 0; index < count; index += 1) {
    onPull?.(index);
    yield index;
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('mapConcurrent', () => {
  it('runs every item once with no more than the limit in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapConcurrent(numbers(50), 4, async (value) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await tick();
      inFlight -= 1;
      return value * 2;
    });
    expect(results.sort((left, right) => left - right)).toEqual(Array.from({ length: 50 }, (_, index) => index * 2));
    expect(peak).toBe(4);
  });

  it('pulls from the source only as workers free up', async () => {
    let pulled = 0;
    let pulledWhenFirstTaskRan = -1;
    await mapConcurrent(
      numbers(20, () => (pulled += 1)),
      3,
      async () => {
        if (pulledWhenFirstTaskRan < 0) pulledWhenFirstTaskRan = pulled;
        await tick();
      },
    );
    expect(pulledWhenFirstTaskRan).toBeLessThanOrEqual(3);
    expect(pulled).toBe(20);
  });

  it('rejects with the source’s error', async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error('walk failed');
    }
    await expect(mapConcurrent(failing(), 2, async (value) => value)).rejects.toThrow('walk failed');
  });

  it('rejects with a task’s error', async () => {
    await expect(
      mapConcurrent(numbers(5), 2, async (value) => {
        if (value === 3) throw new Error('task failed');
        return value;
      }),
    ).rejects.toThrow('task failed');
  });
});
