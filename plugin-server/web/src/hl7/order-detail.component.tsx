// One order from the EMR: what it asks for, for whom, and every change with the message that
// made it. Patient data is rendered as text.

import { useCallback } from 'react';
import type { ApiClient } from '../api/api-client.ts';
import { formatDateTime } from '../format/format.ts';
import { ROUTES } from '../routing/router.ts';
import { DataTable } from './data-table.component.tsx';
import { DetailCard, DetailFrame } from './detail-frame.component.tsx';
import { formatPair, orderLabel, orderPatientName, orDash } from './hl7-format.ts';
import { stateLabel } from './hl7-states.ts';
import { historyColumns } from './history-columns.component.tsx';
import { getOrder, type Order, type OrderEvent } from './orders.resource.ts';
import { StateBadge } from './state-badge.component.tsx';
import { useDetail } from './use-detail.ts';

export function OrderDetailView({ api, id }: { api: ApiClient; id: number }) {
  const load = useCallback((signal: AbortSignal) => getOrder(api, id, signal), [api, id]);
  const detail = useDetail(load);
  const order = detail.data?.order;
  return (
    <DetailFrame
      back={{ href: ROUTES.orders, label: 'All orders' }}
      title={order === undefined ? 'Order' : `Order ${orderLabel(order)}`}
      what="order"
      detail={detail}
    >
      {(data) => (
        <>
          <DetailCard id="order-summary" title="Order">
            <OrderFacts order={data.order} />
          </DetailCard>
          <DetailCard id="order-history" title="History">
            <OrderHistory events={data.events} />
          </DetailCard>
        </>
      )}
    </DetailFrame>
  );
}

function OrderFacts({ order }: { order: Order }) {
  const procedure = [order.procedure_code, order.procedure_text].filter((part) => part !== null && part !== '');
  return (
    <dl className="meta-list">
      <div>
        <dt>Status</dt>
        <dd>
          <StateBadge state={order.status} />
        </dd>
      </div>
      <div>
        <dt>Last order control (ORC-1 / ORC-5)</dt>
        <dd>{formatPair(order.order_control, order.order_status_code)}</dd>
      </div>
      <div>
        <dt>Placer number</dt>
        <dd>{formatPair(order.placer_order_number, order.placer_application)}</dd>
      </div>
      <div>
        <dt>Filler number</dt>
        <dd>{formatPair(order.filler_order_number, order.filler_application)}</dd>
      </div>
      <div>
        <dt>Patient</dt>
        <dd data-testid="order-patient-name">{orderPatientName(order)}</dd>
      </div>
      <div>
        <dt>MRN (issuer)</dt>
        <dd>
          {order.mrn} <span className="muted">({order.mrn_issuer})</span>
        </dd>
      </div>
      <div>
        <dt>Birth date · sex</dt>
        <dd>
          {orDash(order.patient_birth_date)} · {orDash(order.patient_sex)}
        </dd>
      </div>
      <div>
        <dt>Accession number</dt>
        <dd>{orDash(order.accession_number)}</dd>
      </div>
      <div className="meta-list__wide">
        <dt>Procedure</dt>
        <dd>
          {procedure.length === 0 ? '–' : procedure.join(' · ')}
          {order.procedure_coding_system !== null && order.procedure_coding_system !== '' && (
            <span className="muted"> ({order.procedure_coding_system})</span>
          )}
        </dd>
      </div>
      <div>
        <dt>Modality</dt>
        <dd>{orDash(order.modality)}</dd>
      </div>
      <div>
        <dt>Department</dt>
        <dd>{orDash(order.department)}</dd>
      </div>
      <div>
        <dt>Requested procedure ID</dt>
        <dd>{orDash(order.requested_procedure_id)}</dd>
      </div>
      <div>
        <dt>Scheduled step ID</dt>
        <dd>{orDash(order.scheduled_procedure_step_id)}</dd>
      </div>
      <div>
        <dt>Ordered</dt>
        <dd>{formatDateTime(order.ordered_at)}</dd>
      </div>
      <div>
        <dt>Scheduled</dt>
        <dd>{formatDateTime(order.scheduled_at)}</dd>
      </div>
      <div className="meta-list__wide">
        <dt>Ordering provider</dt>
        <dd>{formatPair(order.ordering_provider_name, order.ordering_provider_id)}</dd>
      </div>
      <div className="meta-list__wide">
        <dt>Reason for study</dt>
        <dd>{orDash(order.reason_for_study)}</dd>
      </div>
      <div className="meta-list__wide">
        <dt>Study Instance UID</dt>
        <dd className="code">{orDash(order.study_instance_uid)}</dd>
      </div>
      <div>
        <dt>Received</dt>
        <dd>{formatDateTime(order.created_at)}</dd>
      </div>
      <div>
        <dt>Updated</dt>
        <dd>{formatDateTime(order.updated_at)}</dd>
      </div>
    </dl>
  );
}

const HISTORY_COLUMNS = historyColumns<OrderEvent>([
  { header: 'Order control', className: 'code', cell: (event) => orDash(event.order_control) },
  {
    header: 'Status',
    cell: (event) =>
      event.status_before === null || event.status_before === event.status_after
        ? stateLabel(event.status_after)
        : `${stateLabel(event.status_before)} → ${stateLabel(event.status_after)}`,
  },
]);

function OrderHistory({ events }: { events: readonly OrderEvent[] }) {
  if (events.length === 0) return <p className="muted">No changes recorded.</p>;
  return <DataTable className="table table--compact" testId="order-events" columns={HISTORY_COLUMNS} rows={events} />;
}
