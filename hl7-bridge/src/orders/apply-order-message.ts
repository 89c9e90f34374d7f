// Applies a mapped ORM^O01 / OMI^O23 to the orders table, one order group at a time, following
// order-control.ts. Runs inside the worker's transaction (under a savepoint): when it returns a
// rejection the caller rolls the whole message back, so a message is applied entirely or not at all.

import type { Kysely } from 'kysely';
import type { Hl7Tables } from '../db/hl7-schema.ts';
import type { MappedOrderMessage } from '../mapping/domain-schemas.ts';
import { upsertPatient, type ApplyContext } from '../patients/apply-patient-message.ts';
import { decideOrderControl } from './order-control.ts';
import {
  changedOrderColumns,
  findOrder,
  insertOrder,
  orderDetailColumns,
  orderKey,
  recordOrderEvent,
  updateOrder,
} from './orders-store.ts';

export type OrderApplyResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'order_not_found' | 'invalid_transition';
      readonly retryable: boolean;
      /** Which order group (1-based ORC occurrence) and control, for error_detail. */
      readonly detail: string;
    };

export async function applyOrderMessage(
  db: Kysely<Hl7Tables>,
  message: MappedOrderMessage,
  context: ApplyContext,
): Promise<OrderApplyResult> {
  // Orders name their patient; one that no ADT announced yet joins the cache (never overwriting
  // what ADT said), so demographic matching (DESIGN section 6) can find it.
  await upsertPatient(db, message.patient, context, 'create-only');

  for (const [index, order] of message.orders.entries()) {
    const current = await findOrder(db, order);
    const decision = decideOrderControl(
      current?.status,
      order.orderControl,
      order.orderStatusCode,
      order.hasOrderDetail,
    );
    const columns = orderDetailColumns(order, message.patient);
    const base = { inboxMessageId: context.inboxMessageId, orderControl: order.orderControl, now: context.now };

    if (decision.action === 'reject') {
      return {
        ok: false,
        reason: decision.reason,
        retryable: decision.retryable,
        detail: `ORC ${index + 1} (${order.orderControl}): ${decision.reason}`,
      };
    }
    if (decision.action === 'create' || current === undefined) {
      const status = decision.status;
      const orderId = await insertOrder(db, {
        order_key: orderKey(order),
        ...columns,
        placer_application: order.placerApplication,
        filler_application: order.fillerApplication,
        status,
        order_control: order.orderControl,
        order_status_code: order.orderStatusCode,
        created_by_message_id: context.inboxMessageId,
        last_message_id: context.inboxMessageId,
        created_at: context.now,
        updated_at: context.now,
      });
      await recordOrderEvent(db, {
        ...base,
        orderId,
        event: 'created',
        statusBefore: null,
        statusAfter: status,
        details: {},
      });
      continue;
    }

    const changes = decision.updateFields ? changedOrderColumns(current, columns) : {};
    // A filler number learnt later (the RIS answered) is recorded with its namespace.
    const fillerApplication =
      'filler_order_number' in changes && current.filler_order_number === null ? order.fillerApplication : undefined;
    const changedNames = Object.keys(changes);
    const event = decision.event === 'no_change' && changedNames.length > 0 ? 'updated' : decision.event;
    await updateOrder(db, current.id, {
      ...changes,
      ...(fillerApplication === undefined ? {} : { filler_application: fillerApplication }),
      status: decision.status,
      order_control: order.orderControl,
      order_status_code: order.orderStatusCode ?? current.order_status_code,
      last_message_id: context.inboxMessageId,
      updated_at: context.now,
    });
    await recordOrderEvent(db, {
      ...base,
      orderId: current.id,
      event,
      statusBefore: current.status,
      statusAfter: decision.status,
      details: { changed: changedNames },
    });
  }
  return { ok: true };
}
