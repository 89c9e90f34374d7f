/**
 * Runs `task` over every item of `source` with at most `limit` tasks in flight, pulling items
 * only as workers free up (the source is never drained ahead of the work). Results come back in
 * completion order. The first failure, of the source or of a task, rejects the whole run.
 */
export async function mapConcurrent<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const iterator: AsyncIterator<T> | Iterator<T> =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  const results: R[] = [];
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed) {
      const next = await iterator.next();
      if (next.done === true) return;
      results.push(await task(next.value));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  } catch (error) {
    failed = true;
    await iterator.return?.();
    throw error;
  }
  return results;
}
