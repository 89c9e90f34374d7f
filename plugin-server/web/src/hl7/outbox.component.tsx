// The "Outbox" page (radiology): messages we send to the EMR (order requests, application ACKs)
// with their delivery state, and sending a dead one again.

import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { describeError, type ApiClient } from '../api/api-client.ts';
import { formatDateTime, fullStop } from '../format/format.ts';
import { hrefOf, ROUTES } from '../routing/router.ts';
import { orDash } from './hl7-format.ts';
import { OUTBOX_STATES, stateLabel } from './hl7-states.ts';
import type { PageRequest } from './keyset-paging.ts';
import { ListStatus } from './list-status.component.tsx';
import {
  EMPTY_OUTBOX_FILTER,
  listOutbox,
  retryOutboxMessage,
  type OutboxFilter,
  type OutboxMessage,
} from './outbox.resource.ts';
import { Hl7SectionNav } from './hl7-section-nav.component.tsx';
import { PageLink } from './page-link.component.tsx';
import { PagingControls } from './paging-controls.component.tsx';
import { StateBadge } from './state-badge.component.tsx';
import { useKeysetList } from './use-keyset-list.ts';

const KIND_LABELS: Readonly<Record<OutboxMessage['kind'], string>> = {
  order_request: 'Order request',
  application_ack: 'Application ACK',
};

type RetryResult = { id: number; label: string } & ({ ok: true } | { ok: false; message: string });

export function OutboxPage({ api }: { api: ApiClient }) {
  return (
    <div className="stack">
      <Hl7SectionNav current={ROUTES.outbox} />
      <OutboxView api={api} />
    </div>
  );
}

function OutboxView({ api }: { api: ApiClient }) {
  const load = useCallback(
    (filter: OutboxFilter, page: PageRequest, signal: AbortSignal) => listOutbox(api, filter, page, signal),
    [api],
  );
  const list = useKeysetList(load, EMPTY_OUTBOX_FILTER);
  const [retrying, setRetrying] = useState<number | undefined>(undefined);
  const [result, setResult] = useState<RetryResult | undefined>(undefined);
  // The Retry button goes away with the dead state: keyboard users continue at the outcome.
  const resultRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (result !== undefined) resultRef.current?.focus();
  }, [result]);

  const retry = (message: OutboxMessage): void => {
    setRetrying(message.id);
    setResult(undefined);
    retryOutboxMessage(api, message.id).then(
      () => {
        setRetrying(undefined);
        setResult({ id: message.id, label: message.control_id, ok: true });
        list.refresh();
      },
      (error: unknown) => {
        setRetrying(undefined);
        setResult({ id: message.id, label: message.control_id, ok: false, message: describeError(error) });
      },
    );
  };

  return (
    <div className="stack">
      <header className="page-header">
        <div>
          <h1>Outbox</h1>
          <p className="hint page-header__subtitle">
            Order requests and application acknowledgements sent to the EMR over MLLP.
          </p>
        </div>
        <button type="button" className="button" onClick={list.refresh} disabled={list.state.status === 'loading'}>
          {list.state.status === 'loading' ? 'Refreshing…' : 'Refresh'}
        </button>
      </header>
      <OutboxFilterForm filter={list.filter} onSearch={list.search} />
      {result !== undefined &&
        (result.ok ? (
          <p className="notice notice--success" role="status" ref={resultRef} tabIndex={-1}>
            Message {result.label} was queued to be sent again; its state below shows the outcome.
          </p>
        ) : (
          <p className="notice notice--error" role="alert" ref={resultRef} tabIndex={-1}>
            Message {result.label} cannot be sent again: {fullStop(result.message)}
          </p>
        ))}
      <ListStatus state={list.state} shown={list.shown} noun={['message', 'messages']} filtered={list.filtered} />
      {list.shown !== undefined && list.shown.rows.length > 0 && (
        <OutboxTable messages={list.shown.rows} retrying={retrying} onRetry={retry} />
      )}
      <PagingControls label="Outbox pages" pageNumber={list.pageNumber} newer={list.newer} older={list.older} />
    </div>
  );
}

function OutboxFilterForm({ filter, onSearch }: { filter: OutboxFilter; onSearch: (filter: OutboxFilter) => void }) {
  const id = useId();
  const [draft, setDraft] = useState(filter);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    onSearch(draft);
  };
  const clear = (): void => {
    setDraft(EMPTY_OUTBOX_FILTER);
    onSearch(EMPTY_OUTBOX_FILTER);
  };
  return (
    <form className="filter-bar" role="search" aria-label="Filter the outbox" onSubmit={submit}>
      <div className="field">
        <label htmlFor={`${id}-state`}>State</label>
        <select
          id={`${id}-state`}
          value={draft.state}
          onChange={(event) => setDraft({ state: OUTBOX_STATES.find((state) => state === event.target.value) ?? '' })}
        >
          <option value="">Any state</option>
          {OUTBOX_STATES.map((state) => (
            <option key={state} value={state}>
              {stateLabel(state)}
            </option>
          ))}
        </select>
      </div>
      <div className="filter-bar__actions">
        <button type="submit" className="button button--primary">
          Search
        </button>
        <button type="button" className="button button--quiet" onClick={clear}>
          Clear
        </button>
      </div>
    </form>
  );
}

function OutboxTable({
  messages,
  retrying,
  onRetry,
}: {
  messages: readonly OutboxMessage[];
  retrying: number | undefined;
  onRetry: (message: OutboxMessage) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="table table--rows" data-testid="outbox">
        <caption className="visually-hidden">Messages to the EMR, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Created</th>
            <th scope="col">Kind</th>
            <th scope="col">Control ID</th>
            <th scope="col">State</th>
            <th scope="col" className="numeric">
              Attempts
            </th>
            <th scope="col">ACK</th>
            <th scope="col">Last error</th>
            <th scope="col">Next attempt</th>
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {messages.map((message) => (
            <tr key={message.id} data-testid="outbox-row">
              <td className="nowrap">{formatDateTime(message.created_at)}</td>
              <td>
                {KIND_LABELS[message.kind]}
                <span className="cell-secondary code">{message.message_type}</span>
                {message.placer_order_number !== null && (
                  <span className="cell-secondary">Placer {message.placer_order_number}</span>
                )}
                {message.inbox_message_id !== null && (
                  <span className="cell-secondary">
                    For{' '}
                    <PageLink href={hrefOf(ROUTES.hl7Messages, { id: message.inbox_message_id })}>
                      message #{message.inbox_message_id}
                    </PageLink>
                  </span>
                )}
              </td>
              <td className="code">{message.control_id}</td>
              <td>
                <StateBadge state={message.state} />
              </td>
              <td className="numeric">{message.attempts}</td>
              <td className="code">{orDash(message.ack_code)}</td>
              <td className="text-break">{orDash(message.last_error)}</td>
              <td className="nowrap">
                {message.state === 'sent' ? (
                  <span className="muted">sent {formatDateTime(message.sent_at)}</span>
                ) : (
                  formatDateTime(message.next_attempt_at)
                )}
              </td>
              <td>
                {message.state === 'dead' && (
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() => onRetry(message)}
                    disabled={retrying !== undefined}
                    aria-label={`Retry message ${message.control_id}`}
                  >
                    {retrying === message.id ? 'Retrying…' : 'Retry'}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
