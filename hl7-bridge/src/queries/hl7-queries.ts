// Read-only queries for the sidecar's API and UI (issue 4 item 5): messages, orders, patients and
// the outbox. They return patient data: the caller audits every read (DESIGN section 9).

import { sql, type Kysely } from 'kysely';
import type {
  Hl7Tables,
  InboxMessageRow,
  InboxState,
  OrderEventRow,
  OrderRow,
  OrderStatus,
  OutboxKind,
  OutboxMessageRow,
  OutboxState,
  PatientEventRow,
  PatientIdentifierRow,
  PatientRow,
} from '../db/hl7-schema.ts';
import { charsetFor, DEFAULT_CHARSET, decodeText } from '../encoding/decode-charset.ts';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

function limitOf(limit: number | undefined): number {
  return Math.min(Math.max(1, Math.trunc(limit ?? DEFAULT_LIMIT)), MAX_LIMIT);
}

/** Keyset paging: newest first, `beforeId` continues after the last row of the previous page. */
export interface Page {
  readonly limit?: number;
  readonly beforeId?: number;
}

export type InboxMessageSummary = Omit<InboxMessageRow, 'raw_message' | 'ack_message'>;

export interface InboxListQuery extends Page {
  readonly state?: InboxState;
  readonly messageType?: string;
  readonly controlId?: string;
  readonly sendingApplication?: string;
}

export async function listInboxMessages(
  db: Kysely<Hl7Tables>,
  query: InboxListQuery = {},
): Promise<InboxMessageSummary[]> {
  let select = db
    .selectFrom('hl7_inbox')
    .select([
      'id',
      'received_at',
      'connection_id',
      'remote_address',
      'sending_application',
      'sending_facility',
      'control_id',
      'dedup_key',
      'message_type',
      'version',
      'charset',
      'application_ack_type',
      'batch_control_id',
      'content_hash',
      'ack_code',
      'state',
      'error_code',
      'error_detail',
      'attempts',
      'next_attempt_at',
      'processed_at',
      'updated_at',
    ])
    .orderBy('id', 'desc')
    .limit(limitOf(query.limit));
  if (query.state !== undefined) select = select.where('state', '=', query.state);
  if (query.messageType !== undefined) select = select.where('message_type', '=', query.messageType);
  if (query.controlId !== undefined) select = select.where('control_id', '=', query.controlId);
  if (query.sendingApplication !== undefined)
    select = select.where('sending_application', '=', query.sendingApplication);
  if (query.beforeId !== undefined) select = select.where('id', '<', query.beforeId);
  return select.execute();
}

export interface InboxMessageDetail {
  readonly message: InboxMessageSummary;
  /**
   * The raw message and our ACK as text, decoded per the message's MSH-18 (Latin-1 when that is
   * unknown or the bytes do not decode), segments on separate lines. Plain text for display:
   * render it as text, never as HTML.
   */
  readonly rawText: string;
  readonly ackText: string;
}

function displayText(bytes: Buffer, charsetName: string | null): string {
  const charset = charsetFor(charsetName ?? '') ?? DEFAULT_CHARSET;
  const text = decodeText(bytes, charset) ?? bytes.toString('latin1');
  return text.replace(/\r\n|\r/g, '\n');
}

export async function getInboxMessageDetail(
  db: Kysely<Hl7Tables>,
  id: number,
): Promise<InboxMessageDetail | undefined> {
  const row = await db.selectFrom('hl7_inbox').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) return undefined;
  const { raw_message: raw, ack_message: ack, ...message } = row;
  return { message, rawText: displayText(raw, row.charset), ackText: displayText(ack, row.charset) };
}

export interface OrderListQuery extends Page {
  readonly mrn?: string;
  readonly mrnIssuer?: string;
  readonly accessionNumber?: string;
  readonly studyInstanceUid?: string;
  readonly placerOrderNumber?: string;
  readonly status?: OrderStatus | readonly OrderStatus[];
}

export async function listOrders(db: Kysely<Hl7Tables>, query: OrderListQuery = {}): Promise<OrderRow[]> {
  let select = db.selectFrom('hl7_orders').selectAll().orderBy('id', 'desc').limit(limitOf(query.limit));
  if (query.mrn !== undefined) select = select.where('mrn', '=', query.mrn);
  if (query.mrnIssuer !== undefined) select = select.where('mrn_issuer', '=', query.mrnIssuer);
  if (query.accessionNumber !== undefined) select = select.where('accession_number', '=', query.accessionNumber);
  if (query.studyInstanceUid !== undefined) select = select.where('study_instance_uid', '=', query.studyInstanceUid);
  if (query.placerOrderNumber !== undefined) select = select.where('placer_order_number', '=', query.placerOrderNumber);
  if (query.status !== undefined) {
    const statuses: readonly OrderStatus[] = typeof query.status === 'string' ? [query.status] : query.status;
    select = select.where('status', 'in', statuses);
  }
  if (query.beforeId !== undefined) select = select.where('id', '<', query.beforeId);
  return select.execute();
}

export async function getOrder(
  db: Kysely<Hl7Tables>,
  id: number,
): Promise<{ order: OrderRow; events: OrderEventRow[] } | undefined> {
  const order = await db.selectFrom('hl7_orders').selectAll().where('id', '=', id).executeTakeFirst();
  if (order === undefined) return undefined;
  const events = await db.selectFrom('hl7_order_events').selectAll().where('order_id', '=', id).orderBy('id').execute();
  return { order, events };
}

export interface PatientListQuery extends Page {
  readonly mrn?: string;
  readonly mrnIssuer?: string;
  /** Matches the start of the family name (SQL LIKE: case-insensitive for ASCII on SQLite only). */
  readonly familyNamePrefix?: string;
  readonly birthDate?: string;
}

export async function listPatients(db: Kysely<Hl7Tables>, query: PatientListQuery = {}): Promise<PatientRow[]> {
  let select = db.selectFrom('hl7_patients').selectAll().orderBy('id', 'desc').limit(limitOf(query.limit));
  if (query.mrn !== undefined) select = select.where('mrn', '=', query.mrn);
  if (query.mrnIssuer !== undefined) select = select.where('mrn_issuer', '=', query.mrnIssuer);
  if (query.familyNamePrefix !== undefined) {
    const escaped = query.familyNamePrefix.replace(/[\\%_]/g, (character) => `\\${character}`);
    select = select.where(sql<boolean>`family_name like ${`${escaped}%`} escape '\\'`);
  }
  if (query.birthDate !== undefined) select = select.where('birth_date', '=', query.birthDate);
  if (query.beforeId !== undefined) select = select.where('id', '<', query.beforeId);
  return select.execute();
}

export async function getPatient(
  db: Kysely<Hl7Tables>,
  id: number,
): Promise<{ patient: PatientRow; identifiers: PatientIdentifierRow[]; events: PatientEventRow[] } | undefined> {
  const patient = await db.selectFrom('hl7_patients').selectAll().where('id', '=', id).executeTakeFirst();
  if (patient === undefined) return undefined;
  const identifiers = await db
    .selectFrom('hl7_patient_identifiers')
    .selectAll()
    .where('patient_id', '=', id)
    .orderBy('id')
    .execute();
  const events = await db
    .selectFrom('hl7_patient_events')
    .selectAll()
    .where('patient_id', '=', id)
    .orderBy('id')
    .execute();
  return { patient, identifiers, events };
}

export type OutboxMessageSummary = Omit<OutboxMessageRow, 'payload' | 'ack_message'>;

export interface OutboxListQuery extends Page {
  readonly state?: OutboxState;
  readonly kind?: OutboxKind;
  readonly studyInstanceUid?: string;
}

export async function listOutbox(db: Kysely<Hl7Tables>, query: OutboxListQuery = {}): Promise<OutboxMessageSummary[]> {
  let select = db
    .selectFrom('hl7_outbox')
    .select([
      'id',
      'kind',
      'state',
      'control_id',
      'message_type',
      'request',
      'study_instance_uid',
      'placer_order_number',
      'requested_by',
      'inbox_message_id',
      'attempts',
      'next_attempt_at',
      'last_error',
      'ack_code',
      'created_at',
      'updated_at',
      'sent_at',
    ])
    .orderBy('id', 'desc')
    .limit(limitOf(query.limit));
  if (query.state !== undefined) select = select.where('state', '=', query.state);
  if (query.kind !== undefined) select = select.where('kind', '=', query.kind);
  if (query.studyInstanceUid !== undefined) select = select.where('study_instance_uid', '=', query.studyInstanceUid);
  if (query.beforeId !== undefined) select = select.where('id', '<', query.beforeId);
  return select.execute();
}
