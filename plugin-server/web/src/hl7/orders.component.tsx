// The "Orders" page (radiology): orders received from the EMR, newest first, filtered by MRN,
// accession number and status; ?id= opens one with its history (order-detail.component.tsx).

import { useCallback } from 'react';
import type { ApiClient } from '../api/api-client.ts';
import { formatDateTime } from '../format/format.ts';
import { hrefOf, ROUTES } from '../routing/router.ts';
import type { Column } from './data-table.component.tsx';
import type { FilterField } from './filter-form.component.tsx';
import { orderLabel, orderPatientName, orDash } from './hl7-format.ts';
import { ORDER_STATUSES, stateLabel } from './hl7-states.ts';
import type { PageRequest } from './keyset-paging.ts';
import { KeysetListPage } from './keyset-list-page.component.tsx';
import { OrderDetailView } from './order-detail.component.tsx';
import { EMPTY_ORDER_FILTER, listOrders, type Order, type OrderFilter } from './orders.resource.ts';
import { PageLink } from './page-link.component.tsx';
import { StateBadge } from './state-badge.component.tsx';
import { useKeysetList } from './use-keyset-list.ts';

const FILTER_FIELDS: readonly FilterField<OrderFilter>[] = [
  { kind: 'text', key: 'mrn', label: 'MRN', idSuffix: 'mrn' },
  { kind: 'text', key: 'accessionNumber', label: 'Accession number', idSuffix: 'accession' },
  {
    kind: 'select',
    key: 'status',
    label: 'Status',
    idSuffix: 'status',
    anyLabel: 'Any status',
    options: ORDER_STATUSES,
    optionLabel: stateLabel,
  },
];

const COLUMNS: readonly Column<Order>[] = [
  {
    header: 'Placer / filler',
    className: 'code',
    cell: (order) => (
      <>
        <PageLink href={hrefOf(ROUTES.orders, { id: order.id })} data-open-id={order.id}>
          {orderLabel(order)}
        </PageLink>
        {order.placer_order_number !== null && order.filler_order_number !== null && (
          <span className="cell-secondary">filler {order.filler_order_number}</span>
        )}
      </>
    ),
  },
  { header: 'Accession', className: 'code nowrap', cell: (order) => orDash(order.accession_number) },
  { header: 'MRN', className: 'code nowrap', cell: (order) => order.mrn },
  { header: 'Patient', className: 'text-break', cell: orderPatientName },
  {
    header: 'Procedure',
    className: 'text-break',
    cell: (order) => orDash(order.procedure_text ?? order.procedure_code),
  },
  { header: 'Modality', cell: (order) => orDash(order.modality) },
  { header: 'Status', cell: (order) => <StateBadge state={order.status} /> },
  { header: 'Updated', className: 'nowrap', cell: (order) => formatDateTime(order.updated_at) },
];

export function OrdersPage({ api }: { api: ApiClient }) {
  const load = useCallback(
    (filter: OrderFilter, page: PageRequest, signal: AbortSignal) => listOrders(api, filter, page, signal),
    [api],
  );
  const list = useKeysetList(load, EMPTY_ORDER_FILTER);
  return (
    <KeysetListPage
      route={ROUTES.orders}
      title="Orders"
      list={list}
      filter={{ label: 'Filter orders', fields: FILTER_FIELDS, empty: EMPTY_ORDER_FILTER }}
      noun={['order', 'orders']}
      pagesLabel="Order pages"
      table={{
        testId: 'orders',
        caption: 'Orders from the EMR, newest first',
        rowTestId: 'order-row',
        columns: COLUMNS,
      }}
      detail={{
        what: 'order',
        backLabel: 'All orders',
        render: (id) => <OrderDetailView key={id} api={api} id={id} />,
      }}
    />
  );
}
