// One HL7 detail view's data (a message, an order, a patient), reloadable; the last answer stays
// on screen while a reload runs.

import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../api/api-client.ts';

export type DetailState<T> =
  { status: 'loading'; previous?: T } | { status: 'loaded'; data: T } | { status: 'error'; message: string };

/** `load` must keep its identity (useCallback): a new function loads again. */
export function useDetail<T>(load: (signal: AbortSignal) => Promise<T>): {
  state: DetailState<T>;
  data: T | undefined;
  reload(): void;
} {
  const [state, setState] = useState<DetailState<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setState((current) =>
      current.status === 'loaded' ? { status: 'loading', previous: current.data } : { status: 'loading' },
    );
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'loaded', data });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', message: describeError(error) });
      },
    );
    return () => controller.abort();
  }, [load, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const data = state.status === 'loaded' ? state.data : state.status === 'loading' ? state.previous : undefined;
  return { state, data, reload };
}

/** A positive whole number from the address (`?id=`), or undefined. */
export function idFromQuery(value: string): number | undefined {
  if (!/^[1-9]\d{0,15}$/.test(value)) return undefined;
  const id = Number(value);
  return Number.isSafeInteger(id) ? id : undefined;
}
