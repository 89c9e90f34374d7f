// The "HL7 messages" page (radiology): every message received over MLLP, newest first, filtered
// by state, type and control id; ?id= opens one (hl7-message-detail.component.tsx).

import { useCallback, useId, useState, type FormEvent } from 'react';
import type { ApiClient } from '../api/api-client.ts';
import { formatDateTime } from '../format/format.ts';
import { hrefOf, ROUTES, useQueryParameter } from '../routing/router.ts';
import { formatPair, orDash } from './hl7-format.ts';
import { Hl7MessageDetail } from './hl7-message-detail.component.tsx';
import { EMPTY_MESSAGE_FILTER, listMessages, type InboxMessage, type MessageFilter } from './hl7-messages.resource.ts';
import { INBOX_STATES, stateLabel } from './hl7-states.ts';
import { ListStatus } from './list-status.component.tsx';
import { NotFound } from './not-found.component.tsx';
import { Hl7SectionNav } from './hl7-section-nav.component.tsx';
import { PageLink } from './page-link.component.tsx';
import { PagingControls } from './paging-controls.component.tsx';
import { StateBadge } from './state-badge.component.tsx';
import { idFromQuery } from './use-detail.ts';
import { useReturnFocus } from './use-detail-focus.ts';
import type { PageRequest } from './keyset-paging.ts';
import { useKeysetList } from './use-keyset-list.ts';

export function Hl7MessagesPage({ api }: { api: ApiClient }) {
  return (
    <div className="stack">
      <Hl7SectionNav current={ROUTES.hl7Messages} />
      <MessagesView api={api} />
    </div>
  );
}

function MessagesView({ api }: { api: ApiClient }) {
  const opened = useQueryParameter('id');
  const load = useCallback(
    (filter: MessageFilter, page: PageRequest, signal: AbortSignal) => listMessages(api, filter, page, signal),
    [api],
  );
  const list = useKeysetList(load, EMPTY_MESSAGE_FILTER);
  const listRef = useReturnFocus(opened);

  if (opened !== '') {
    const id = idFromQuery(opened);
    return id === undefined ? (
      <NotFound what="message" back={{ href: ROUTES.hl7Messages, label: 'All messages' }} />
    ) : (
      <Hl7MessageDetail key={id} api={api} id={id} onChanged={list.refresh} />
    );
  }
  return (
    <div className="stack" ref={listRef}>
      <header className="page-header">
        <h1>HL7 messages</h1>
        <button type="button" className="button" onClick={list.refresh} disabled={list.state.status === 'loading'}>
          {list.state.status === 'loading' ? 'Refreshing…' : 'Refresh'}
        </button>
      </header>
      <MessageFilterForm filter={list.filter} onSearch={list.search} />
      <ListStatus state={list.state} shown={list.shown} noun={['message', 'messages']} filtered={list.filtered} />
      {list.shown !== undefined && list.shown.rows.length > 0 && <MessageTable messages={list.shown.rows} />}
      <PagingControls label="Message pages" pageNumber={list.pageNumber} newer={list.newer} older={list.older} />
    </div>
  );
}

function MessageFilterForm({ filter, onSearch }: { filter: MessageFilter; onSearch: (filter: MessageFilter) => void }) {
  const id = useId();
  const [draft, setDraft] = useState(filter);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    onSearch({ ...draft, messageType: draft.messageType.trim(), controlId: draft.controlId.trim() });
  };
  const clear = (): void => {
    setDraft(EMPTY_MESSAGE_FILTER);
    onSearch(EMPTY_MESSAGE_FILTER);
  };
  return (
    <form className="filter-bar" role="search" aria-label="Filter messages" onSubmit={submit}>
      <div className="field">
        <label htmlFor={`${id}-state`}>State</label>
        <select
          id={`${id}-state`}
          value={draft.state}
          onChange={(event) => setDraft({ ...draft, state: INBOX_STATES.find((s) => s === event.target.value) ?? '' })}
        >
          <option value="">Any state</option>
          {INBOX_STATES.map((state) => (
            <option key={state} value={state}>
              {stateLabel(state)}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--grow">
        <label htmlFor={`${id}-type`}>Message type</label>
        <input
          id={`${id}-type`}
          type="text"
          placeholder="ORM^O01"
          autoComplete="off"
          spellCheck={false}
          value={draft.messageType}
          onChange={(event) => setDraft({ ...draft, messageType: event.target.value })}
        />
      </div>
      <div className="field field--grow">
        <label htmlFor={`${id}-control`}>Control ID</label>
        <input
          id={`${id}-control`}
          type="text"
          placeholder="MSH-10"
          autoComplete="off"
          spellCheck={false}
          value={draft.controlId}
          onChange={(event) => setDraft({ ...draft, controlId: event.target.value })}
        />
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

function MessageTable({ messages }: { messages: readonly InboxMessage[] }) {
  return (
    <div className="table-wrap">
      <table className="table table--rows" data-testid="hl7-messages">
        <caption className="visually-hidden">Received HL7 messages, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Received</th>
            <th scope="col">Type</th>
            <th scope="col">Control ID</th>
            <th scope="col">Sender</th>
            <th scope="col">State</th>
            <th scope="col">ACK</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {messages.map((message) => (
            <tr key={message.id} data-testid="hl7-message-row">
              <td className="nowrap">{formatDateTime(message.received_at)}</td>
              <td className="code">{orDash(message.message_type)}</td>
              <td className="code">
                <PageLink href={hrefOf(ROUTES.hl7Messages, { id: message.id })} data-open-id={message.id}>
                  {message.control_id === null || message.control_id === '' ? `#${message.id}` : message.control_id}
                </PageLink>
              </td>
              <td>{formatPair(message.sending_application, message.sending_facility)}</td>
              <td>
                <StateBadge state={message.state} />
              </td>
              <td className="code">{orDash(message.ack_code)}</td>
              <td className="text-break">
                {message.error_code === null ? (
                  <span className="muted">–</span>
                ) : (
                  <>
                    <span className="code">{message.error_code}</span>
                    {message.error_detail !== null && message.error_detail !== '' && <> · {message.error_detail}</>}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
