// One order from the EMR: what it asks for, for whom, and every change with the message that
// made it. Patient data is rendered as text.

import { useCallback } from 'react';
import type { ApiClient } from '../api/api-client.ts';
import { formatDateTime, fullStop } from '../format/format.ts';
import { hrefOf, ROUTES } from '../routing/router.ts';
import { describeEventDetails, formatPair, orderLabel, orderPatientName, orDash } from './hl7-format.ts';
import { stateLabel } from './hl7-states.ts';
import { getOrder, type Order, type OrderEvent } from './orders.resource.ts';
import { PageLink } from './page-link.component.tsx';
import { StateBadge } from './state-badge.component.tsx';
import { useDetail } from './use-detail.ts';
import { useHeadingFocus } from './use-detail-focus.ts';

export function OrderDetailView({ api, id }: { api: ApiClient; id: number }) {
  const load = useCallback((signal: AbortSignal) => getOrder(api, id, signal), [api, id]);
  const detail = useDetail(load);
  const headingRef = useHeadingFocus(detail.data !== undefined);
  const order = detail.data?.order;
  return (
    <div className="stack">
      <PageLink href={ROUTES.orders} className="back-link">
        ← All orders
      </PageLink>
      <header className="page-header">
        <h1 ref={headingRef} tabIndex={-1}>
          {order === undefined ? 'Order' : `Order ${orderLabel(order)}`}
        </h1>
        <button type="button" className="button" onClick={detail.reload} disabled={detail.state.status === 'loading'}>
          {detail.state.status === 'loading' && detail.data !== undefined ? 'Refreshing…' : 'Refresh'}
        </button>
      </header>
      {detail.state.status === 'error' && (
        <p className="notice notice--error" role="alert">
          The order cannot be loaded: {fullStop(detail.state.message)}
        </p>
      )}
      {detail.data === undefined && detail.state.status === 'loading' && <p className="muted">Loading…</p>}
      {order !== undefined && detail.data !== undefined && (
        <>
          <section className="card" aria-labelledby="order-summary">
            <h2 id="order-summary" className="card__title">
              Order
            </h2>
            <OrderFacts order={order} />
          </section>
          <section className="card" aria-labelledby="order-history">
            <h2 id="order-history" className="card__title">
              History
            </h2>
            <OrderHistory events={detail.data.events} />
          </section>
        </>
      )}
    </div>
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

function OrderHistory({ events }: { events: readonly OrderEvent[] }) {
  if (events.length === 0) return <p className="muted">No changes recorded.</p>;
  return (
    <div className="table-wrap">
      <table className="table table--compact" data-testid="order-events">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Event</th>
            <th scope="col">Order control</th>
            <th scope="col">Status</th>
            <th scope="col">Details</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <td className="nowrap">{formatDateTime(event.occurred_at)}</td>
              <td>{stateLabel(event.event)}</td>
              <td className="code">{orDash(event.order_control)}</td>
              <td>
                {event.status_before === null || event.status_before === event.status_after
                  ? stateLabel(event.status_after)
                  : `${stateLabel(event.status_before)} → ${stateLabel(event.status_after)}`}
              </td>
              <td className="text-break">{orDash(describeEventDetails(event.details))}</td>
              <td>
                <PageLink href={hrefOf(ROUTES.hl7Messages, { id: event.inbox_message_id })}>
                  #{event.inbox_message_id}
                </PageLink>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
