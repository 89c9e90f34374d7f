// The "Outbox" page (radiology): messages we send to the EMR (order requests, application ACKs)
// with their delivery state, and sending a dead one again.

import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError, type ApiClient } from '../api/api-client.ts';
import { formatDateTime, fullStop } from '../format/format.ts';
import { hrefOf, ROUTES } from '../routing/router.ts';
import type { Column } from './data-table.component.tsx';
import type { FilterField } from './filter-form.component.tsx';
import { orDash } from './hl7-format.ts';
import { OUTBOX_STATES, stateLabel } from './hl7-states.ts';
import type { PageRequest } from './keyset-paging.ts';
import { KeysetListPage } from './keyset-list-page.component.tsx';
import {
  EMPTY_OUTBOX_FILTER,
  listOutbox,
  retryOutboxMessage,
  type OutboxFilter,
  type OutboxMessage,
} from './outbox.resource.ts';
import { PageLink } from './page-link.component.tsx';
import { StateBadge } from './state-badge.component.tsx';
import { useKeysetList } from './use-keyset-list.ts';

const KIND_LABELS: Readonly<Record<OutboxMessage['kind'], string>> = {
  order_request: 'Order request',
  application_ack: 'Application ACK',
};

const FILTER_FIELDS: readonly FilterField<OutboxFilter>[] = [
  {
    kind: 'select',
    key: 'state',
    label: 'State',
    idSuffix: 'state',
    anyLabel: 'Any state',
    options: OUTBOX_STATES,
    optionLabel: stateLabel,
  },
];

type RetryResult = { id: number; label: string } & ({ ok: true } | { ok: false; message: string });

function outboxColumns(
  retrying: number | undefined,
  onRetry: (message: OutboxMessage) => void,
): readonly Column<OutboxMessage>[] {
  return [
    { header: 'Created', className: 'nowrap', cell: (message) => formatDateTime(message.created_at) },
    {
      header: 'Kind',
      cell: (message) => (
        <>
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
        </>
      ),
    },
    { header: 'Control ID', className: 'code', cell: (message) => message.control_id },
    { header: 'State', cell: (message) => <StateBadge state={message.state} /> },
    { header: 'Attempts', headerClassName: 'numeric', className: 'numeric', cell: (message) => message.attempts },
    { header: 'ACK', className: 'code', cell: (message) => orDash(message.ack_code) },
    { header: 'Last error', className: 'text-break', cell: (message) => orDash(message.last_error) },
    {
      header: 'Next attempt',
      className: 'nowrap',
      cell: (message) =>
        message.state === 'sent' ? (
          <span className="muted">sent {formatDateTime(message.sent_at)}</span>
        ) : (
          formatDateTime(message.next_attempt_at)
        ),
    },
    {
      header: 'Action',
      hiddenHeader: true,
      cell: (message) =>
        message.state === 'dead' && (
          <button
            type="button"
            className="button button--small"
            onClick={() => onRetry(message)}
            disabled={retrying !== undefined}
            aria-label={`Retry message ${message.control_id}`}
          >
            {retrying === message.id ? 'Retrying…' : 'Retry'}
          </button>
        ),
    },
  ];
}

export function OutboxPage({ api }: { api: ApiClient }) {
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
    <KeysetListPage
      route={ROUTES.outbox}
      title="Outbox"
      subtitle="Order requests and application acknowledgements sent to the EMR over MLLP."
      list={list}
      filter={{ label: 'Filter the outbox', fields: FILTER_FIELDS, empty: EMPTY_OUTBOX_FILTER }}
      noun={['message', 'messages']}
      pagesLabel="Outbox pages"
      table={{
        testId: 'outbox',
        caption: 'Messages to the EMR, newest first',
        rowTestId: 'outbox-row',
        columns: outboxColumns(retrying, retry),
      }}
      notice={
        result !== undefined &&
        (result.ok ? (
          <p className="notice notice--success" role="status" ref={resultRef} tabIndex={-1}>
            Message {result.label} was queued to be sent again; its state below shows the outcome.
          </p>
        ) : (
          <p className="notice notice--error" role="alert" ref={resultRef} tabIndex={-1}>
            Message {result.label} cannot be sent again: {fullStop(result.message)}
          </p>
        ))
      }
    />
  );
}
