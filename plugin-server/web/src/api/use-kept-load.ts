// A list's answer kept on screen while the next one loads, so the page does not jump: loading,
// loaded, or failed, each of the first and last with the answer before. A newer request cancels
// the one under way.

import { useEffect, useState, type Dispatch, type SetStateAction } from 'react';
import { describeError } from './api-client.ts';

export type KeptLoad<T> =
  | { status: 'loading'; previous?: T }
  | { status: 'loaded'; page: T }
  | { status: 'error'; message: string; previous?: T };

/** The answer to show: the current one, or the one before while loading or after an error. */
export function shownOf<T>(state: KeptLoad<T>): T | undefined {
  return state.status === 'loaded' ? state.page : state.previous;
}

/**
 * Runs `load` whenever it changes (make it with useCallback over what it reads), keeping the last
 * answer meanwhile. The setter lets the caller change the shown answer in place (an edited row).
 */
export function useKeptLoad<T>(
  load: (signal: AbortSignal) => Promise<T>,
): [KeptLoad<T>, Dispatch<SetStateAction<KeptLoad<T>>>] {
  const [state, setState] = useState<KeptLoad<T>>({ status: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    setState((current) => {
      const previous = shownOf(current);
      return previous === undefined ? { status: 'loading' } : { status: 'loading', previous };
    });
    load(controller.signal).then(
      (page) => {
        if (!controller.signal.aborted) setState({ status: 'loaded', page });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState((current) => {
          const previous = shownOf(current);
          const message = describeError(error);
          return previous === undefined ? { status: 'error', message } : { status: 'error', message, previous };
        });
      },
    );
    return () => controller.abort();
  }, [load]);
  return [state, setState];
}
