// The "Orders" page (radiology): orders received from the EMR, newest first, filtered by MRN,
// accession number and status; ?id= opens one with its history (order-detail.component.tsx).

import { useCallback, useId, useState, type FormEvent } from 'react';
import type { ApiClient } from '../api/api-client.ts';
import { formatDateTime } from '../format/format.ts';
import { hrefOf, ROUTES, useQueryParameter } from '../routing/router.ts';
import { orderLabel, orderPatientName, orDash } from './hl7-format.ts';
import { ORDER_STATUSES, stateLabel } from './hl7-states.ts';
import type { PageRequest } from './keyset-paging.ts';
import { ListStatus } from './list-status.component.tsx';
import { NotFound } from './not-found.component.tsx';
import { OrderDetailView } from './order-detail.component.tsx';
import { EMPTY_ORDER_FILTER, listOrders, type Order, type OrderFilter } from './orders.resource.ts';
import { Hl7SectionNav } from './hl7-section-nav.component.tsx';
import { PageLink } from './page-link.component.tsx';
import { PagingControls } from './paging-controls.component.tsx';
import { StateBadge } from './state-badge.component.tsx';
import { idFromQuery } from './use-detail.ts';
import { useReturnFocus } from './use-detail-focus.ts';
import { useKeysetList } from './use-keyset-list.ts';

export function OrdersPage({ api }: { api: ApiClient }) {
  return (
    <div className="stack">
      <Hl7SectionNav current={ROUTES.orders} />
      <OrdersView api={api} />
    </div>
  );
}

function OrdersView({ api }: { api: ApiClient }) {
  const opened = useQueryParameter('id');
  const load = useCallback(
    (filter: OrderFilter, page: PageRequest, signal: AbortSignal) => listOrders(api, filter, page, signal),
    [api],
  );
  const list = useKeysetList(load, EMPTY_ORDER_FILTER);
  const listRef = useReturnFocus(opened);

  if (opened !== '') {
    const id = idFromQuery(opened);
    return id === undefined ? (
      <NotFound what="order" back={{ href: ROUTES.orders, label: 'All orders' }} />
    ) : (
      <OrderDetailView key={id} api={api} id={id} />
    );
  }
  return (
    <div className="stack" ref={listRef}>
      <header className="page-header">
        <h1>Orders</h1>
        <button type="button" className="button" onClick={list.refresh} disabled={list.state.status === 'loading'}>
          {list.state.status === 'loading' ? 'Refreshing…' : 'Refresh'}
        </button>
      </header>
      <OrderFilterForm filter={list.filter} onSearch={list.search} />
      <ListStatus state={list.state} shown={list.shown} noun={['order', 'orders']} filtered={list.filtered} />
      {list.shown !== undefined && list.shown.rows.length > 0 && <OrderTable orders={list.shown.rows} />}
      <PagingControls label="Order pages" pageNumber={list.pageNumber} newer={list.newer} older={list.older} />
    </div>
  );
}

function OrderFilterForm({ filter, onSearch }: { filter: OrderFilter; onSearch: (filter: OrderFilter) => void }) {
  const id = useId();
  const [draft, setDraft] = useState(filter);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    onSearch({ ...draft, mrn: draft.mrn.trim(), accessionNumber: draft.accessionNumber.trim() });
  };
  const clear = (): void => {
    setDraft(EMPTY_ORDER_FILTER);
    onSearch(EMPTY_ORDER_FILTER);
  };
  return (
    <form className="filter-bar" role="search" aria-label="Filter orders" onSubmit={submit}>
      <div className="field field--grow">
        <label htmlFor={`${id}-mrn`}>MRN</label>
        <input
          id={`${id}-mrn`}
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={draft.mrn}
          onChange={(event) => setDraft({ ...draft, mrn: event.target.value })}
        />
      </div>
      <div className="field field--grow">
        <label htmlFor={`${id}-accession`}>Accession number</label>
        <input
          id={`${id}-accession`}
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={draft.accessionNumber}
          onChange={(event) => setDraft({ ...draft, accessionNumber: event.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select
          id={`${id}-status`}
          value={draft.status}
          onChange={(event) =>
            setDraft({ ...draft, status: ORDER_STATUSES.find((status) => status === event.target.value) ?? '' })
          }
        >
          <option value="">Any status</option>
          {ORDER_STATUSES.map((status) => (
            <option key={status} value={status}>
              {stateLabel(status)}
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

function OrderTable({ orders }: { orders: readonly Order[] }) {
  return (
    <div className="table-wrap">
      <table className="table table--rows" data-testid="orders">
        <caption className="visually-hidden">Orders from the EMR, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Placer / filler</th>
            <th scope="col">Accession</th>
            <th scope="col">MRN</th>
            <th scope="col">Patient</th>
            <th scope="col">Procedure</th>
            <th scope="col">Modality</th>
            <th scope="col">Status</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {orders.map((order) => (
            <tr key={order.id} data-testid="order-row">
              <td className="code">
                <PageLink href={hrefOf(ROUTES.orders, { id: order.id })} data-open-id={order.id}>
                  {orderLabel(order)}
                </PageLink>
                {order.placer_order_number !== null && order.filler_order_number !== null && (
                  <span className="cell-secondary">filler {order.filler_order_number}</span>
                )}
              </td>
              <td className="code nowrap">{orDash(order.accession_number)}</td>
              <td className="code nowrap">{order.mrn}</td>
              <td className="text-break">{orderPatientName(order)}</td>
              <td className="text-break">{orDash(order.procedure_text ?? order.procedure_code)}</td>
              <td>{orDash(order.modality)}</td>
              <td>
                <StateBadge state={order.status} />
              </td>
              <td className="nowrap">{formatDateTime(order.updated_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
