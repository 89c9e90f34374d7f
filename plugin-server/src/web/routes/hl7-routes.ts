import {
  getInboxMessageDetail,
  getOrder,
  getPatient,
  INBOX_STATES,
  listInboxMessages,
  listOrders,
  listOutbox,
  listPatients,
  ORDER_STATUSES,
  orderRequestInputSchema,
  OUTBOX_STATES,
} from '@outside/hl7-bridge';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.ts';
import { bridgeCall, requestOrder } from '../../orders/request-order.ts';
import type { SidecarServices } from '../../services.ts';
import { defineRoute, sessionOnly } from '../route-registry.ts';

// HL7 messages, orders and patients carry patient data: radiology (the back office) reads them,
// every read is audited, and raw messages go out as JSON strings for the UI to show as text.

const BACK_OFFICE = sessionOnly(['radiology']);
const ORDER_REQUESTERS = sessionOnly(['physician', 'radiology']);
const numericId = z.object({ id: z.coerce.number().int().positive() });
const paging = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().positive().optional(),
};
const row = z.looseObject({ id: z.number() });

function bridgeOf(services: SidecarServices) {
  if (services.hl7 === undefined)
    throw new DomainError('not_ready', 'the HL7 bridge is turned off in the configuration');
  return services.hl7;
}

export function hl7Routes(services: SidecarServices) {
  const { db, audit } = services;
  return [
    defineRoute({
      method: 'get',
      path: '/api/hl7/messages',
      summary: 'Received HL7 messages, newest first (without their raw text).',
      tag: 'hl7',
      access: BACK_OFFICE,
      query: z.object({
        ...paging,
        state: z.enum(INBOX_STATES).optional(),
        messageType: z.string().optional(),
        controlId: z.string().optional(),
      }),
      response: z.object({ messages: z.array(row) }),
      async handler({ query, actor }) {
        const messages = await listInboxMessages(db, {
          limit: query.limit,
          ...(query.before === undefined ? {} : { beforeId: query.before }),
          ...(query.state === undefined ? {} : { state: query.state }),
          ...(query.messageType === undefined ? {} : { messageType: query.messageType }),
          ...(query.controlId === undefined ? {} : { controlId: query.controlId }),
        });
        await audit.record({
          type: 'query',
          actor,
          object: { type: 'hl7-messages', id: 'list' },
          details: { returned: messages.length },
        });
        return { messages };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/hl7/messages/:id',
      summary: 'One received message with its raw text and the ACK sent.',
      tag: 'hl7',
      access: BACK_OFFICE,
      params: numericId,
      response: z.object({ message: row, rawText: z.string(), ackText: z.string() }),
      async handler({ params, actor }) {
        const detail = await getInboxMessageDetail(db, params.id);
        if (detail === undefined) throw new DomainError('not_found', `no HL7 message ${params.id}`);
        await audit.record({
          type: 'patientRecordRead',
          actor,
          object: { type: 'hl7-message', id: String(params.id) },
        });
        return { message: detail.message, rawText: detail.rawText ?? '', ackText: detail.ackText ?? '' };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/hl7/messages/:id/reprocess',
      summary: 'Process a failed message again.',
      tag: 'hl7',
      access: BACK_OFFICE,
      params: numericId,
      response: z.object({ ok: z.literal(true) }),
      async handler({ params, actor }) {
        await bridgeCall(() => bridgeOf(services).reprocess(params.id));
        await audit.record({
          type: 'orderRecord',
          actor,
          object: { type: 'hl7-message', id: String(params.id) },
          details: { action: 'reprocess' },
        });
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/orders',
      summary: 'Orders received from the EMR, newest first.',
      tag: 'hl7',
      access: BACK_OFFICE,
      query: z.object({
        ...paging,
        mrn: z.string().optional(),
        accessionNumber: z.string().optional(),
        studyInstanceUid: z.string().optional(),
        status: z.enum(ORDER_STATUSES).optional(),
      }),
      response: z.object({ orders: z.array(row) }),
      async handler({ query, actor }) {
        const orders = await listOrders(db, {
          limit: query.limit,
          ...(query.before === undefined ? {} : { beforeId: query.before }),
          ...(query.mrn === undefined ? {} : { mrn: query.mrn }),
          ...(query.accessionNumber === undefined ? {} : { accessionNumber: query.accessionNumber }),
          ...(query.studyInstanceUid === undefined ? {} : { studyInstanceUid: query.studyInstanceUid }),
          ...(query.status === undefined ? {} : { status: query.status }),
        });
        await audit.record({
          type: 'query',
          actor,
          object: { type: 'orders', id: 'list' },
          details: { returned: orders.length, orderIds: orders.map((order) => order.id) },
        });
        return { orders };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/orders/:id',
      summary: 'One order with its history (each change names the message that made it).',
      tag: 'hl7',
      access: BACK_OFFICE,
      params: numericId,
      response: z.object({ order: row, events: z.array(row) }),
      async handler({ params, actor }) {
        const order = await getOrder(db, params.id);
        if (order === undefined) throw new DomainError('not_found', `no order ${params.id}`);
        await audit.record({
          type: 'orderRecord',
          actor,
          object: { type: 'order', id: String(params.id) },
          details: { action: 'read' },
        });
        return order;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/patients',
      summary: 'Patients known from ADT and order messages.',
      tag: 'hl7',
      access: BACK_OFFICE,
      query: z.object({
        ...paging,
        mrn: z.string().optional(),
        familyNamePrefix: z.string().min(1).optional(),
        birthDate: z.string().optional(),
      }),
      response: z.object({ patients: z.array(row) }),
      async handler({ query, actor }) {
        const patients = await listPatients(db, {
          limit: query.limit,
          ...(query.before === undefined ? {} : { beforeId: query.before }),
          ...(query.mrn === undefined ? {} : { mrn: query.mrn }),
          ...(query.familyNamePrefix === undefined ? {} : { familyNamePrefix: query.familyNamePrefix }),
          ...(query.birthDate === undefined ? {} : { birthDate: query.birthDate }),
        });
        await audit.record({
          type: 'query',
          actor,
          object: { type: 'patients', id: 'list' },
          details: { returned: patients.length, patientIds: patients.map((patient) => patient.id) },
        });
        return { patients };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/patients/:id',
      summary: 'One patient with every identifier and the history of changes.',
      tag: 'hl7',
      access: BACK_OFFICE,
      params: numericId,
      response: z.object({ patient: row, identifiers: z.array(row), events: z.array(row) }),
      async handler({ params, actor }) {
        const patient = await getPatient(db, params.id);
        if (patient === undefined) throw new DomainError('not_found', `no patient ${params.id}`);
        await audit.record({ type: 'patientRecordRead', actor, object: { type: 'patient', id: String(params.id) } });
        return patient;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/hl7/outbox',
      summary: 'Messages we send to the EMR (order requests, application ACKs) and their state.',
      tag: 'hl7',
      access: BACK_OFFICE,
      query: z.object({ ...paging, state: z.enum(OUTBOX_STATES).optional() }),
      response: z.object({ messages: z.array(row) }),
      async handler({ query, actor }) {
        const messages = await listOutbox(db, {
          limit: query.limit,
          ...(query.before === undefined ? {} : { beforeId: query.before }),
          ...(query.state === undefined ? {} : { state: query.state }),
        });
        await audit.record({
          type: 'query',
          actor,
          object: { type: 'hl7-outbox', id: 'list' },
          details: { returned: messages.length },
        });
        return { messages };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/hl7/outbox/:id/retry',
      summary: 'Send a dead outbound message again.',
      tag: 'hl7',
      access: BACK_OFFICE,
      params: numericId,
      response: z.object({ ok: z.literal(true) }),
      async handler({ params, actor }) {
        await bridgeCall(() => bridgeOf(services).retryOutbound(params.id));
        await audit.record({
          type: 'orderRecord',
          actor,
          object: { type: 'hl7-outbox', id: String(params.id) },
          details: { action: 'retry' },
        });
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/order-requests',
      summary: 'Ask the EMR for an order (ORM^O01 NW), e.g. a second read of an outside study.',
      tag: 'hl7',
      access: ORDER_REQUESTERS,
      status: 201,
      body: orderRequestInputSchema.omit({ requestedBy: true }),
      response: z.object({ outboxMessageId: z.number(), controlId: z.string(), placerOrderNumber: z.string() }),
      async handler({ body, actor, session }) {
        const enqueued = await requestOrder(services, {
          ...body,
          requestedBy: { userId: actor.username ?? 'unknown', familyName: session?.user.displayName ?? '' },
        });
        await audit.record({
          type: 'orderRecord',
          actor,
          object: { type: 'hl7-outbox', id: String(enqueued.outboxMessageId) },
          details: { action: 'order request created', placerOrderNumber: enqueued.placerOrderNumber },
        });
        return enqueued;
      },
    }),
  ];
}
