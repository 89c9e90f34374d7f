// The "Routing" page (radiology; admins may watch): deliveries of archived studies to the
// permanent archives, newest first, filtered by state. The job opened (?job=) is shown beside the
// list with its state history; radiology retries a dead or waiting job and cancels one that is
// not verified. Used from the keyboard as the worklist is (routing-queue-keys.ts); outcomes are
// shown and read out through live regions.

import { ListAndDetail } from '../layout/list-and-detail.component.tsx';
import { PageHeader } from '../layout/page-header.component.tsx';
import { useKeyboardCommands } from '../layout/use-keyboard-commands.ts';
import { LiveAnnouncer, type Announcement } from '../layout/live-announcer.component.tsx';
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError, type ApiClient } from '../api/api-client.ts';
import { formatDateTime, fullStop, plural } from '../format/format.ts';
import type { FilterField } from '../hl7/filter-form.component.tsx';
import { stateLabel } from '../hl7/hl7-states.ts';
import { idFromQuery } from '../hl7/use-detail.ts';
import { hrefOf, navigate, ROUTES, useQueryParameter } from '../routing/router.ts';
import { effectiveSelection, moveSelection } from '../worklist/worklist-keys.ts';
import {
  cancelRouteJob,
  EMPTY_ROUTING_QUEUE_FILTER,
  retryRouteJob,
  ROUTE_JOB_STATES,
  type RouteJob,
  type RoutingQueueFilter,
} from './archive.resource.ts';
import { canRetry, cancelledMessage, jobLabel, retriedMessage } from './route-job-format.ts';
import { RouteJobPanel } from './route-job-panel.component.tsx';
import { queueCommandForKey, type QueueCommand } from './routing-queue-keys.ts';
import { RoutingQueueTable } from './routing-queue-table.component.tsx';
import { useRoutingQueue, type RoutingQueue } from './use-routing-queue.ts';

const FILTER_FIELDS: readonly FilterField<RoutingQueueFilter>[] = [
  {
    kind: 'select',
    key: 'state',
    label: 'State',
    idSuffix: 'state',
    anyLabel: 'Any state',
    options: ROUTE_JOB_STATES,
    optionLabel: stateLabel,
  },
];

type Notice = { kind: 'success' | 'error'; text: string };

export function RoutingQueuePage({ api, canAct }: { api: ApiClient; canAct: boolean }) {
  const list = useRoutingQueue(api, EMPTY_ROUTING_QUEUE_FILTER);
  const { replace } = list;
  const openedText = useQueryParameter('job');
  const opened = idFromQuery(openedText);
  const [chosen, setChosen] = useState<number | undefined>(undefined);
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [announcement, setAnnouncement] = useState<Announcement>({ id: 0, text: '', urgent: false });
  const [focusRequest, setFocusRequest] = useState(0);
  const [refreshToken, setRefreshToken] = useState(0);
  const tableRef = useRef<HTMLDivElement>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);

  const jobs = list.shown?.jobs ?? [];
  const ids = jobs.map((job) => job.id);
  const selected = effectiveSelection(ids, chosen ?? opened);
  /** The open job as its panel last loaded it (it need not be in the list: a link, a filter). */
  const [panelJob, setPanelJob] = useState<RouteJob | undefined>(undefined);
  const openJob = panelJob !== undefined && panelJob.id === opened ? panelJob : undefined;

  const announce = (text: string, urgent = false): void =>
    setAnnouncement((current) => ({ id: current.id + 1, text, urgent }));

  const open = (jobId: number): void => {
    setChosen(jobId);
    navigate(hrefOf(ROUTES.routingQueue, { job: jobId }), { replace: true });
    const job = jobs.find((row) => row.id === jobId);
    if (job !== undefined) announce(`Opened ${jobLabel(job)}, ${stateLabel(job.state)}.`);
  };
  const close = (): void => {
    navigate(ROUTES.routingQueue, { replace: true });
    setFocusRequest((value) => value + 1);
  };

  /** Runs Retry or Cancel: one action at a time, its outcome shown, read out and in the row. */
  const act = async (
    what: string,
    send: () => Promise<RouteJob>,
    done: (after: RouteJob) => string,
  ): Promise<boolean> => {
    if (busy !== undefined) {
      announce(`Still sending: ${busy}.`);
      return false;
    }
    setBusy(what);
    setNotice(undefined);
    try {
      const after = await send();
      replace(after);
      setPanelJob((current) => (current?.id === after.id ? after : current));
      setRefreshToken((value) => value + 1);
      const text = done(after);
      setNotice({ kind: 'success', text });
      announce(text);
      return true;
    } catch (error) {
      const text = `Could not ${what}: ${fullStop(describeError(error))}`;
      setNotice({ kind: 'error', text });
      announce(text, true);
      return false;
    } finally {
      setBusy(undefined);
    }
  };
  const retry = (job: RouteJob): Promise<boolean> =>
    act(`retry ${jobLabel(job).toLowerCase()}`, () => retryRouteJob(api, job.id), retriedMessage);
  const cancel = (job: RouteJob): Promise<boolean> =>
    act(`cancel ${jobLabel(job).toLowerCase()}`, () => cancelRouteJob(api, job.id), cancelledMessage);

  // A failed action leaves the buttons where they were; a successful one may disable them, so
  // the outcome takes the focus when nothing in the list has it.
  useEffect(() => {
    if (notice !== undefined && !(tableRef.current?.contains(document.activeElement) ?? false)) {
      noticeRef.current?.focus();
    }
  }, [notice]);

  const runCommand = (command: QueueCommand): void => {
    switch (command) {
      case 'next':
      case 'previous':
      case 'first':
      case 'last': {
        // Nothing chosen yet: j and k start at the top row rather than move away from it.
        const next = moveSelection(ids, chosen ?? opened, command);
        if (next === undefined) return;
        setChosen(next);
        setFocusRequest((value) => value + 1);
        return;
      }
      case 'open':
        if (selected !== undefined) open(selected);
        return;
      case 'close':
        if (opened !== undefined) close();
        return;
      case 'retry':
        if (!canAct) announce('Retrying is for radiology.');
        else if (openJob === undefined) announce('Open a job first: select it and press Enter.');
        else if (!canRetry(openJob.state)) {
          announce(`${jobLabel(openJob)} is ${stateLabel(openJob.state)}: only dead or waiting jobs are retried.`);
        } else void retry(openJob);
        return;
    }
  };

  useKeyboardCommands(queueCommandForKey, runCommand, tableRef);

  const onJob = useCallback(
    (job: RouteJob) => {
      replace(job);
      setPanelJob(job);
    },
    [replace],
  );
  const loading = list.state.status === 'loading';
  return (
    <div className="stack">
      <PageHeader
        title="Routing queue"
        subtitle="Deliveries of archived studies to the permanent archives, one per study and destination, newest first."
        loading={loading}
        onRefresh={list.refresh}
        filter={{
          label: 'Filter the routing queue',
          fields: FILTER_FIELDS,
          value: list.filter,
          empty: EMPTY_ROUTING_QUEUE_FILTER,
          onSearch: list.search,
        }}
      />
      <LiveAnnouncer announcement={announcement} testId="routing-announcer" />
      {notice !== undefined && (
        <p className={`notice notice--${notice.kind}`} ref={noticeRef} tabIndex={-1} data-testid="routing-notice">
          {notice.text}
        </p>
      )}
      <ListAndDetail
        layout="split"
        listTitle="Deliveries"
        status={<QueueStatus list={list} />}
        keys={
          <>
            Keys: <kbd className="kbd">j</kbd> / <kbd className="kbd">k</kbd> or <kbd className="kbd">↓</kbd> /{' '}
            <kbd className="kbd">↑</kbd> move, <kbd className="kbd">Enter</kbd> opens,{' '}
            {canAct && (
              <>
                <kbd className="kbd">r</kbd> retries the open job,{' '}
              </>
            )}
            <kbd className="kbd">Esc</kbd> closes it.
          </>
        }
        detailLabel="Open job"
        detail={
          opened === undefined ? undefined : (
            <RouteJobPanel
              key={opened}
              api={api}
              jobId={opened}
              canAct={canAct}
              busy={busy}
              refreshToken={refreshToken}
              onRetry={retry}
              onCancel={cancel}
              onJob={onJob}
              onClose={close}
            />
          )
        }
        empty={{
          title: 'No job open',
          text: `Open a job in the list (click it, or move with j / k and press Enter) to see every state it went through and why${canAct ? ', and to retry or cancel it' : ''}.`,
        }}
      >
        {jobs.length > 0 && (
          <RoutingQueueTable
            jobs={jobs}
            selected={selected}
            opened={opened}
            now={list.shown?.loadedAt ?? new Date(0)}
            focusRequest={focusRequest}
            onSelect={setChosen}
            onOpen={open}
            tableRef={tableRef}
          />
        )}
        {list.canShowMore && (
          <div className="button-row button-row--center">
            <button type="button" className="button" onClick={list.showMore}>
              Show more
            </button>
          </div>
        )}
      </ListAndDetail>
    </div>
  );
}

function QueueStatus({ list }: { list: RoutingQueue }) {
  const { state, shown, filtered } = list;
  if (state.status === 'error') {
    return (
      <p className="notice notice--error" role="alert">
        The routing queue cannot be loaded: {fullStop(state.message)}
      </p>
    );
  }
  if (shown === undefined) return <p className="muted">Loading…</p>;
  const updated = `Updated ${formatDateTime(shown.loadedAt.toISOString())}.`;
  const count = shown.jobs.length;
  const what =
    count === 0
      ? filtered
        ? 'No delivery matches the filter.'
        : 'No delivery yet.'
      : `${count >= shown.limit ? 'The newest ' : ''}${plural(count, 'delivery', 'deliveries')}${filtered ? ' matching the filter' : ''}, newest first.`;
  return (
    <p className="muted" role="status" data-testid="routing-status">
      {what} {updated}
    </p>
  );
}
