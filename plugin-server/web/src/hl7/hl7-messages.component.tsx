// The "HL7 messages" page (radiology): every message received over MLLP, newest first, filtered
// by state, type and control id; ?id= opens one (hl7-message-detail.component.tsx).

import { useCallback } from 'react';
import type { ApiClient } from '../api/api-client.ts';
import { formatDateTime } from '../format/format.ts';
import { hrefOf, ROUTES } from '../routing/router.ts';
import type { Column } from './data-table.component.tsx';
import type { FilterField } from './filter-form.component.tsx';
import { formatPair, orDash } from './hl7-format.ts';
import { Hl7MessageDetail } from './hl7-message-detail.component.tsx';
import { EMPTY_MESSAGE_FILTER, listMessages, type InboxMessage, type MessageFilter } from './hl7-messages.resource.ts';
import { INBOX_STATES, stateLabel } from './hl7-states.ts';
import type { PageRequest } from './keyset-paging.ts';
import { KeysetListPage } from './keyset-list-page.component.tsx';
import { PageLink } from './page-link.component.tsx';
import { StateBadge } from './state-badge.component.tsx';
import { useKeysetList } from './use-keyset-list.ts';

const FILTER_FIELDS: readonly FilterField<MessageFilter>[] = [
  {
    kind: 'select',
    key: 'state',
    label: 'State',
    idSuffix: 'state',
    anyLabel: 'Any state',
    options: INBOX_STATES,
    optionLabel: stateLabel,
  },
  { kind: 'text', key: 'messageType', label: 'Message type', idSuffix: 'type', placeholder: 'ORM^O01' },
  { kind: 'text', key: 'controlId', label: 'Control ID', idSuffix: 'control', placeholder: 'MSH-10' },
];

const COLUMNS: readonly Column<InboxMessage>[] = [
  { header: 'Received', className: 'nowrap', cell: (message) => formatDateTime(message.received_at) },
  { header: 'Type', className: 'code', cell: (message) => orDash(message.message_type) },
  {
    header: 'Control ID',
    className: 'code',
    cell: (message) => (
      <PageLink href={hrefOf(ROUTES.hl7Messages, { id: message.id })} data-open-id={message.id}>
        {message.control_id === null || message.control_id === '' ? `#${message.id}` : message.control_id}
      </PageLink>
    ),
  },
  { header: 'Sender', cell: (message) => formatPair(message.sending_application, message.sending_facility) },
  { header: 'State', cell: (message) => <StateBadge state={message.state} /> },
  { header: 'ACK', className: 'code', cell: (message) => orDash(message.ack_code) },
  {
    header: 'Error',
    className: 'text-break',
    cell: (message) =>
      message.error_code === null ? (
        <span className="muted">–</span>
      ) : (
        <>
          <span className="code">{message.error_code}</span>
          {message.error_detail !== null && message.error_detail !== '' && <> · {message.error_detail}</>}
        </>
      ),
  },
];

export function Hl7MessagesPage({ api }: { api: ApiClient }) {
  const load = useCallback(
    (filter: MessageFilter, page: PageRequest, signal: AbortSignal) => listMessages(api, filter, page, signal),
    [api],
  );
  const list = useKeysetList(load, EMPTY_MESSAGE_FILTER);
  return (
    <KeysetListPage
      route={ROUTES.hl7Messages}
      title="HL7 messages"
      list={list}
      filter={{ label: 'Filter messages', fields: FILTER_FIELDS, empty: EMPTY_MESSAGE_FILTER }}
      noun={['message', 'messages']}
      pagesLabel="Message pages"
      table={{
        testId: 'hl7-messages',
        caption: 'Received HL7 messages, newest first',
        rowTestId: 'hl7-message-row',
        columns: COLUMNS,
      }}
      detail={{
        what: 'message',
        backLabel: 'All messages',
        render: (id) => <Hl7MessageDetail key={id} api={api} id={id} onChanged={list.refresh} />,
      }}
    />
  );
}
