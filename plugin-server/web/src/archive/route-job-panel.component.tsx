// One route job beside the routing queue: where it goes, how far it got, every state change with
// why (GET /api/routing/jobs/:id/events), and radiology's Retry and Cancel. While the outbox still
// works on the job the panel asks again every few seconds (that route is not audited, the list's
// is), and hands each fresher job to the list.

import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { ApiClient } from '../api/api-client.ts';
import { formatDateTime, fullStop } from '../format/format.ts';
import { DataTable, type Column } from '../hl7/data-table.component.tsx';
import { DetailCard } from '../hl7/detail-frame.component.tsx';
import { orDash } from '../hl7/hl7-format.ts';
import { StateBadge } from '../hl7/state-badge.component.tsx';
import { useDetail } from '../hl7/use-detail.ts';
import { getRouteJobHistory, type RouteJob, type RouteJobEvent } from './archive.resource.ts';
import { canCancel, canRetry, instancesText, isOpen, jobLabel, nextTryText } from './route-job-format.ts';
import { QUEUE_SHORTCUTS } from './routing-queue-keys.ts';

/** How often an open job is asked for again. */
export const OPEN_JOB_REFRESH_MS = 3000;

type EventRow = RouteJobEvent & { id: number };

const EVENT_COLUMNS: readonly Column<EventRow>[] = [
  { header: 'When', cell: (event) => formatDateTime(event.occurredAt) },
  { header: 'From', cell: (event) => (event.fromState === null ? '–' : <StateBadge state={event.fromState} />) },
  { header: 'To', cell: (event) => <StateBadge state={event.toState} /> },
  { header: 'Why', className: 'job-history__why', cell: (event) => orDash(event.detail) },
];

export function RouteJobPanel({
  api,
  jobId,
  canAct,
  busy,
  refreshToken,
  onRetry,
  onCancel,
  onJob,
  onClose,
}: {
  api: ApiClient;
  jobId: number;
  /** Radiology: may retry and cancel. */
  canAct: boolean;
  /** What is being sent right now, if anything. */
  busy: string | undefined;
  /** Changes when the job should be loaded again (after an action). */
  refreshToken: number;
  onRetry: (job: RouteJob) => Promise<boolean>;
  onCancel: (job: RouteJob) => Promise<boolean>;
  /** Every job this panel loads, for the list's row. */
  onJob: (job: RouteJob) => void;
  onClose: () => void;
}) {
  const id = useId();
  const load = useCallback((signal: AbortSignal) => getRouteJobHistory(api, jobId, signal), [api, jobId]);
  const detail = useDetail(load);
  const { state, data, reload } = detail;
  const loading = state.status === 'loading';
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);

  const token = useRef(refreshToken);
  useEffect(() => {
    if (token.current === refreshToken) return;
    token.current = refreshToken;
    reload();
  }, [refreshToken, reload]);

  useEffect(() => {
    if (data !== undefined) onJob(data.job);
  }, [data, onJob]);

  const job = data?.job;
  const stillOpen = state.status === 'loaded' && job !== undefined && isOpen(job.state);
  useEffect(() => {
    if (!stillOpen) return;
    const timer = window.setTimeout(reload, OPEN_JOB_REFRESH_MS);
    return () => window.clearTimeout(timer);
  }, [stillOpen, state, reload]);

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const sending = busy !== undefined;
  const events: EventRow[] = (data?.events ?? []).map((event, index) => ({ ...event, id: index }));
  return (
    <div className="detail-panel" data-testid="route-job-detail" aria-busy={loading}>
      <header className="detail-panel__header">
        <h2 id={`${id}-title`} className="detail-panel__title">
          {job === undefined ? `Job ${jobId}` : jobLabel(job)}
        </h2>
        <div className="button-row">
          <button type="button" className="button button--small" onClick={reload} disabled={loading}>
            {loading && data !== undefined ? 'Refreshing…' : 'Refresh'}
          </button>
          <button
            type="button"
            className="button button--small button--quiet"
            onClick={onClose}
            aria-keyshortcuts={QUEUE_SHORTCUTS.close}
          >
            Close
          </button>
        </div>
      </header>
      {state.status === 'error' && (
        <p className="notice notice--error" role="alert">
          The job cannot be loaded: {fullStop(state.message)}
        </p>
      )}
      {job === undefined && loading && <p className="muted">Loading…</p>}
      {job !== undefined && (
        <div className="stack stack--tight">
          <dl className="meta-list meta-list--three" data-testid="route-job-facts">
            <div className="meta-list__wide">
              <dt>Study Instance UID</dt>
              <dd className="code">{job.StudyInstanceUID}</dd>
            </div>
            <div>
              <dt>State</dt>
              <dd data-testid="route-job-state">
                <StateBadge state={job.state} />
              </dd>
            </div>
            <div>
              <dt>Destination</dt>
              <dd>{job.destination}</dd>
            </div>
            <div>
              <dt>Attempts</dt>
              <dd>{job.attempts}</dd>
            </div>
            <div>
              <dt>Instances</dt>
              <dd>{instancesText(job)}</dd>
            </div>
            <div>
              <dt>Next try</dt>
              <dd>{nextTryText(job, new Date())}</dd>
            </div>
            <div>
              <dt>Queued</dt>
              <dd>{formatDateTime(job.createdAt)}</dd>
            </div>
            <div>
              <dt>Last change</dt>
              <dd>{formatDateTime(job.updatedAt)}</dd>
            </div>
            <div className="meta-list__wide">
              <dt>Last error</dt>
              <dd>{orDash(job.lastError)}</dd>
            </div>
          </dl>
          {canAct ? (
            <div className="button-row action-bar" role="group" aria-label="Delivery actions">
              <button
                type="button"
                className="button button--primary"
                disabled={sending || !canRetry(job.state)}
                aria-keyshortcuts={QUEUE_SHORTCUTS.retry}
                onClick={() => void onRetry(job)}
              >
                Retry now <kbd className="kbd">r</kbd>
              </button>
              <button
                type="button"
                className="button"
                disabled={sending || !canCancel(job.state)}
                aria-expanded={confirming}
                onClick={() => setConfirming(!confirming)}
              >
                Cancel delivery…
              </button>
              {busy !== undefined && <span className="muted">Sending: {busy}…</span>}
            </div>
          ) : (
            <p className="hint">Retry and cancel are for radiology; this page is read-only for you.</p>
          )}
          {canAct && confirming && canCancel(job.state) && (
            <div className="action-form" role="group" aria-labelledby={`${id}-cancel`} data-testid="cancel-form">
              <h3 id={`${id}-cancel`} className="action-form__title">
                Cancel the delivery to {job.destination}?
              </h3>
              <p className="hint">
                Nothing more of this study is sent to {job.destination}. A cancelled job cannot be retried.
              </p>
              <div className="button-row">
                <button
                  type="button"
                  className="button button--primary"
                  ref={confirmRef}
                  disabled={sending}
                  onClick={() => {
                    void onCancel(job).then((ok) => {
                      if (ok) setConfirming(false);
                    });
                  }}
                >
                  Yes, cancel delivery
                </button>
                <button type="button" className="button button--quiet" onClick={() => setConfirming(false)}>
                  Keep it
                </button>
              </div>
            </div>
          )}
          <DetailCard id={`${id}-history`} title="State history" level={3} testId="route-job-history">
            {events.length === 0 ? (
              <p className="muted">No state change recorded.</p>
            ) : (
              <DataTable
                className="table table--compact"
                testId="route-job-events"
                caption="State changes, oldest first"
                rowTestId="route-job-event"
                columns={EVENT_COLUMNS}
                rows={events}
              />
            )}
            {stillOpen && (
              <p className="hint">The outbox is still working on this job; this view updates every few seconds.</p>
            )}
          </DetailCard>
        </div>
      )}
    </div>
  );
}
