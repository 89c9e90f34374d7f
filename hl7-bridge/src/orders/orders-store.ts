// Data access for orders (hl7_orders) and their history (hl7_order_events).

import type { Kysely } from 'kysely';
import type { Hl7Tables, NewOrder, OrderEventType, OrderRow, OrderStatus } from '../db/hl7-schema.ts';
import type { MappedOrder, MappedPatient } from '../mapping/domain-schemas.ts';

/** The order an ORC refers to: by placer number (EI.1 + EI.2), else by filler number. */
export async function findOrder(db: Kysely<Hl7Tables>, order: MappedOrder): Promise<OrderRow | undefined> {
  if (order.placerOrderNumber !== null) {
    const byPlacer = await db
      .selectFrom('hl7_orders')
      .selectAll()
      .where('placer_order_number', '=', order.placerOrderNumber)
      .where('placer_application', '=', order.placerApplication)
      .executeTakeFirst();
    if (byPlacer !== undefined) return byPlacer;
  }
  if (order.fillerOrderNumber !== null) {
    return db
      .selectFrom('hl7_orders')
      .selectAll()
      .where('filler_order_number', '=', order.fillerOrderNumber)
      .where('filler_application', '=', order.fillerApplication)
      .executeTakeFirst();
  }
  return undefined;
}

export function orderKey(order: MappedOrder): string {
  return order.placerOrderNumber !== null
    ? `P|${order.placerApplication}|${order.placerOrderNumber}`
    : `F|${order.fillerApplication}|${order.fillerOrderNumber ?? ''}`;
}

/** The columns an order message sets (patient as sent with the order, and the order detail). */
export function orderDetailColumns(order: MappedOrder, patient: MappedPatient) {
  return {
    mrn: patient.mrn,
    mrn_issuer: patient.mrnIssuer,
    patient_family_name: patient.name.familyName,
    patient_given_name: patient.name.givenName,
    patient_middle_name: patient.name.middleName,
    patient_name_suffix: patient.name.suffix,
    patient_name_prefix: patient.name.prefix,
    patient_birth_date: patient.birthDate,
    patient_sex: patient.sex,
    placer_order_number: order.placerOrderNumber,
    filler_order_number: order.fillerOrderNumber,
    accession_number: order.accessionNumber,
    requested_procedure_id: order.requestedProcedureId,
    scheduled_procedure_step_id: order.scheduledProcedureStepId,
    procedure_code: order.procedureCode,
    procedure_coding_system: order.procedureCodingSystem,
    procedure_text: order.procedureText,
    modality: order.modality,
    study_instance_uid: order.studyInstanceUid,
    ordered_at: order.orderedAt,
    scheduled_at: order.scheduledAt,
    department: order.department,
    ordering_provider_id: order.orderingProviderId,
    ordering_provider_name: order.orderingProviderName,
    reason_for_study: order.reasonForStudy,
  };
}

export type OrderDetailColumns = ReturnType<typeof orderDetailColumns>;

/**
 * The columns an update changes. A value the message did not carry (null) keeps the stored one:
 * a cancel or status message often omits the detail, and must not erase it.
 */
export function changedOrderColumns(current: OrderRow, next: OrderDetailColumns): Partial<OrderDetailColumns> {
  const changes: Partial<OrderDetailColumns> = {};
  for (const column of Object.keys(next) as (keyof OrderDetailColumns)[]) {
    const value = next[column];
    if (value !== null && value !== current[column]) Object.assign(changes, { [column]: value });
  }
  return changes;
}

export async function insertOrder(db: Kysely<Hl7Tables>, row: NewOrder): Promise<number> {
  const inserted = await db.insertInto('hl7_orders').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

export async function updateOrder(
  db: Kysely<Hl7Tables>,
  id: number,
  update: Partial<OrderDetailColumns> & {
    status: OrderStatus;
    order_control: string;
    order_status_code: string | null;
    filler_application?: string;
    last_message_id: number;
    updated_at: string;
  },
): Promise<void> {
  await db.updateTable('hl7_orders').set(update).where('id', '=', id).execute();
}

export async function recordOrderEvent(
  db: Kysely<Hl7Tables>,
  event: {
    orderId: number;
    inboxMessageId: number;
    event: OrderEventType;
    orderControl: string | null;
    statusBefore: OrderStatus | null;
    statusAfter: OrderStatus;
    details: Record<string, unknown>;
    now: string;
  },
): Promise<void> {
  await db
    .insertInto('hl7_order_events')
    .values({
      order_id: event.orderId,
      inbox_message_id: event.inboxMessageId,
      event: event.event,
      order_control: event.orderControl,
      status_before: event.statusBefore,
      status_after: event.statusAfter,
      details: JSON.stringify(event.details),
      occurred_at: event.now,
    })
    .execute();
}

/** A40: moves every order of a retired MRN to the surviving one, recording each. */
export async function rekeyOrders(
  db: Kysely<Hl7Tables>,
  merge: {
    from: { mrn: string; issuer: string };
    to: { mrn: string; issuer: string };
    inboxMessageId: number;
    now: string;
  },
): Promise<number> {
  const orders = await db
    .selectFrom('hl7_orders')
    .select(['id', 'status'])
    .where('mrn', '=', merge.from.mrn)
    .where('mrn_issuer', '=', merge.from.issuer)
    .execute();
  for (const order of orders) {
    await db
      .updateTable('hl7_orders')
      .set({
        mrn: merge.to.mrn,
        mrn_issuer: merge.to.issuer,
        last_message_id: merge.inboxMessageId,
        updated_at: merge.now,
      })
      .where('id', '=', order.id)
      .execute();
    await recordOrderEvent(db, {
      orderId: order.id,
      inboxMessageId: merge.inboxMessageId,
      event: 'patient_merged',
      orderControl: null,
      statusBefore: order.status,
      statusAfter: order.status,
      details: { priorMrn: merge.from.mrn, priorMrnIssuer: merge.from.issuer },
      now: merge.now,
    });
  }
  return orders.length;
}
