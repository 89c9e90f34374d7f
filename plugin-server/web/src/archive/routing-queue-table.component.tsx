// The routing queue itself: one row per route job, newest first. As in the worklist
// (worklist-table.component.tsx), one row is selected (moved with j/k or the arrows) and only its
// link is in the tab order, so Tab leaves the list in one step; the link opens the job beside the
// list.

import { useEffect, useRef, type MouseEvent, type RefObject } from 'react';
import { formatDateTime } from '../format/format.ts';
import { StateBadge } from '../hl7/state-badge.component.tsx';
import { hrefOf, ROUTES } from '../routing/router.ts';
import type { RouteJob } from './archive.resource.ts';
import { briefError, nextTryText, shortUid } from './route-job-format.ts';

export function RoutingQueueTable({
  jobs,
  selected,
  opened,
  now,
  focusRequest,
  onSelect,
  onOpen,
  tableRef,
}: {
  jobs: readonly RouteJob[];
  selected: number | undefined;
  opened: number | undefined;
  /** "Now" for the next try: when the list was loaded. */
  now: Date;
  /** Changes when the selected row's link should take the focus. */
  focusRequest: number;
  onSelect: (id: number) => void;
  onOpen: (id: number) => void;
  tableRef: RefObject<HTMLDivElement | null>;
}) {
  const handled = useRef(0);
  useEffect(() => {
    if (focusRequest === handled.current || selected === undefined) return;
    handled.current = focusRequest;
    tableRef.current?.querySelector<HTMLElement>(`a[data-job-id="${selected}"]`)?.focus();
  }, [focusRequest, selected, tableRef]);

  const open = (id: number) => (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    onOpen(id);
  };
  const rowClick = (id: number) => (event: MouseEvent<HTMLTableRowElement>) => {
    if (event.target instanceof Element && event.target.closest('a, button, input, label') !== null) return;
    onOpen(id);
  };

  return (
    <div className="table-wrap" ref={tableRef}>
      <table className="table table--rows queue-table" data-testid="routing-queue">
        <caption className="visually-hidden">Deliveries to the permanent archives, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Study</th>
            <th scope="col">Destination</th>
            <th scope="col">State</th>
            <th scope="col" className="numeric">
              Attempts
            </th>
            <th scope="col">Last error</th>
            <th scope="col">Next try</th>
            <th scope="col" className="numeric">
              Sent / verified
            </th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => {
            const isSelected = job.id === selected;
            const isOpen = job.id === opened;
            const classes = ['queue-row', isSelected ? 'is-selected' : '', isOpen ? 'is-open' : '']
              .filter((name) => name !== '')
              .join(' ');
            return (
              <tr
                key={job.id}
                className={classes}
                data-testid="routing-queue-row"
                data-job-id={job.id}
                onClick={rowClick(job.id)}
              >
                <td>
                  <a
                    href={hrefOf(ROUTES.routingQueue, { job: job.id })}
                    className="queue-row__link code nowrap"
                    data-job-id={job.id}
                    tabIndex={isSelected ? 0 : -1}
                    aria-current={isOpen ? 'true' : undefined}
                    aria-label={`Job ${job.id}: study ${job.StudyInstanceUID} to ${job.destination}`}
                    onClick={open(job.id)}
                    onFocus={() => onSelect(job.id)}
                  >
                    {shortUid(job.StudyInstanceUID)}
                  </a>
                  <span className="cell-secondary">
                    Job {job.id} · {formatDateTime(job.createdAt)}
                  </span>
                </td>
                <td data-testid="job-destination">{job.destination}</td>
                <td data-testid="job-state">
                  <StateBadge state={job.state} />
                </td>
                <td className="numeric">{job.attempts}</td>
                <td className="queue-table__error" title={job.lastError ?? undefined}>
                  {briefError(job.lastError)}
                </td>
                <td>{nextTryText(job, now)}</td>
                {/* "4 / 4" on screen, "4 sent / 4 verified" for screen readers (and in textContent). */}
                <td className="numeric nowrap" data-testid="job-instances">
                  {job.instancesSent}
                  <span className="visually-hidden"> sent</span> / {job.instancesVerified}
                  <span className="visually-hidden"> verified</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
