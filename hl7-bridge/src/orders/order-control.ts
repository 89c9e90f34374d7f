// The order-control state machine (DESIGN section 5): what ORC-1 (order control, HL7 table 0119)
// and ORC-5 (order status, table 0038) do to an order we hold. Pure: no I/O.
//
// NW  new order                 -> create (status from ORC-5 if it says SC/IP/HD, else new)
// XO  change order (placer)     -> update the order's fields
// CA  cancel request, OC order cancelled            -> cancelled
// DC  discontinue request, OD order discontinued    -> discontinued
// SC  status changed, ORC-5 required                -> status per ORC-5 (and fields, if sent)
//
// Decisions where the standard leaves room:
// - A control for an order we do not know (XO/CA/OC/DC/OD/SC before its NW) is retryable: the NW
//   may still be on its way over another connection. The worker retries with backoff, then fails.
// - Cancelled and discontinued are final: NW/XO/SC on them fail (not retried), CA/DC again is a
//   no-op. A cancel after completion is applied: the EMR is the source of truth, and a cancelled
//   order must un-match its study (DESIGN section 6).
// - A repeated NW for an open order updates it (senders resend NW with a new control id).

import type { OrderStatus } from '../db/hl7-schema.ts';
import type { OrderControlCode, OrderStatusCode } from '../mapping/domain-schemas.ts';

/** ORC-5 (table 0038) to our status. A: some results available; RP: order replaced. */
export const STATUS_FOR_ORDER_STATUS_CODE: Readonly<Record<OrderStatusCode, OrderStatus>> = {
  SC: 'scheduled',
  IP: 'in_progress',
  A: 'in_progress',
  HD: 'held',
  CM: 'completed',
  CA: 'cancelled',
  DC: 'discontinued',
  RP: 'discontinued',
};

export const FINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(['cancelled', 'discontinued']);

export type OrderDecision =
  | { readonly action: 'create'; readonly status: OrderStatus }
  | {
      readonly action: 'update';
      readonly status: OrderStatus;
      readonly event: 'updated' | 'status_changed' | 'cancelled' | 'discontinued' | 'no_change';
      /** Whether the order's fields (procedure, accession, patient as sent, ...) are rewritten. */
      readonly updateFields: boolean;
    }
  | {
      readonly action: 'reject';
      readonly reason: 'order_not_found' | 'invalid_transition';
      readonly retryable: boolean;
    };

const notFound: OrderDecision = { action: 'reject', reason: 'order_not_found', retryable: true };
const invalid: OrderDecision = { action: 'reject', reason: 'invalid_transition', retryable: false };

export function decideOrderControl(
  current: OrderStatus | undefined,
  control: OrderControlCode,
  statusCode: OrderStatusCode | null,
  hasOrderDetail: boolean,
): OrderDecision {
  const sent = statusCode === null ? undefined : STATUS_FOR_ORDER_STATUS_CODE[statusCode];
  switch (control) {
    case 'NW': {
      if (current === undefined) {
        const initial = sent === 'scheduled' || sent === 'in_progress' || sent === 'held' ? sent : 'new';
        return { action: 'create', status: initial };
      }
      if (FINAL_STATUSES.has(current)) return invalid;
      return { action: 'update', status: current, event: 'updated', updateFields: true };
    }
    case 'XO': {
      if (current === undefined) return notFound;
      if (FINAL_STATUSES.has(current)) return invalid;
      // ORC-5 may move the status along, but cancelling takes CA/DC, not XO.
      const status = sent !== undefined && !FINAL_STATUSES.has(sent) ? sent : current;
      return { action: 'update', status, event: 'updated', updateFields: true };
    }
    case 'CA':
    case 'OC': {
      if (current === undefined) return notFound;
      if (current === 'cancelled')
        return { action: 'update', status: current, event: 'no_change', updateFields: false };
      return { action: 'update', status: 'cancelled', event: 'cancelled', updateFields: false };
    }
    case 'DC':
    case 'OD': {
      if (current === undefined) return notFound;
      if (FINAL_STATUSES.has(current)) {
        return { action: 'update', status: current, event: 'no_change', updateFields: false };
      }
      return { action: 'update', status: 'discontinued', event: 'discontinued', updateFields: false };
    }
    case 'SC': {
      if (current === undefined) return notFound;
      // The mapping guarantees ORC-5 with SC; without it nothing can change.
      if (sent === undefined) return invalid;
      if (FINAL_STATUSES.has(current)) {
        return sent === current
          ? { action: 'update', status: current, event: 'no_change', updateFields: false }
          : invalid;
      }
      const event =
        sent === 'cancelled'
          ? 'cancelled'
          : sent === 'discontinued'
            ? 'discontinued'
            : sent === current
              ? 'no_change'
              : 'status_changed';
      return { action: 'update', status: sent, event, updateFields: hasOrderDetail && !FINAL_STATUSES.has(sent) };
    }
  }
}
