// The reconciliation detail of the study open on the worklist (GET /api/reconciliation/:id),
// reloadable. The answer is kept with the study it belongs to, so the detail of the study opened
// before is never shown for the one opened now.

import { useCallback, useEffect, useState } from 'react';
import { describeError, type ApiClient } from '../api/api-client.ts';
import { getReconciliation, type ReconciliationDetail } from './worklist.resource.ts';

export type ReconciliationState =
  | { status: 'idle' }
  | { status: 'loading'; previous?: ReconciliationDetail }
  | { status: 'loaded'; data: ReconciliationDetail }
  | { status: 'error'; message: string };

export type Reconciliation = {
  state: ReconciliationState;
  /** The loaded detail, or the last one of the same study while it reloads. */
  data: ReconciliationDetail | undefined;
  reload(): void;
};

/** `studyId` '' means no study is open. */
export function useReconciliation(api: ApiClient, studyId: string): Reconciliation {
  const [state, setState] = useState<{ studyId: string; value: ReconciliationState }>({
    studyId: '',
    value: { status: 'idle' },
  });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (studyId === '') return;
    const controller = new AbortController();
    setState((current) => ({
      studyId,
      value:
        current.studyId === studyId && current.value.status === 'loaded'
          ? { status: 'loading', previous: current.value.data }
          : { status: 'loading' },
    }));
    getReconciliation(api, studyId, controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ studyId, value: { status: 'loaded', data } });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) {
          setState({ studyId, value: { status: 'error', message: describeError(error) } });
        }
      },
    );
    return () => controller.abort();
  }, [api, studyId, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const value: ReconciliationState =
    studyId === '' ? { status: 'idle' } : state.studyId === studyId ? state.value : { status: 'loading' };
  const data = value.status === 'loaded' ? value.data : value.status === 'loading' ? value.previous : undefined;
  return { state: value, data, reload };
}
