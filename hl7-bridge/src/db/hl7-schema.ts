import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

// Tables owned by the HL7 bridge (migration ./hl7-migration.ts). Like the sidecar's schema:
// timestamps are ISO-8601 UTC text and JSON columns are text, so the schema runs on SQLite and
// PostgreSQL; raw HL7 is kept as bytes (BLOB / bytea) exactly as received.

/** Inbox message states: pending -> processed | retry_wait -> ... | failed; rejected never runs. */
export const INBOX_STATES = ['pending', 'retry_wait', 'processed', 'failed', 'rejected'] as const;
export type InboxState = (typeof INBOX_STATES)[number];

/** Every message received over MLLP, accepted or not, with the ACK it was answered with. */
export interface Hl7InboxTable {
  id: Generated<number>;
  received_at: string;
  connection_id: string | null;
  remote_address: string | null;
  /** MSH-3 / MSH-4 as sent (raw field text) and MSH-10: the message's unique key. */
  sending_application: string | null;
  sending_facility: string | null;
  control_id: string | null;
  /**
   * JSON [MSH-3, MSH-4, MSH-10] for accepted messages (unique), null for rejected ones, so a
   * corrected message may reuse the key of one we refused, and a conflict can still be kept.
   */
  dedup_key: string | null;
  /** 'ORM^O01' style. */
  message_type: string | null;
  version: string | null;
  /** MSH-18 as sent, '' for the default. */
  charset: string | null;
  /** MSH-16 application acknowledgment condition (table 0155), '' in original mode. */
  application_ack_type: string | null;
  /** BHS-11 when the message arrived inside a batch. */
  batch_control_id: string | null;
  raw_message: Buffer;
  /** SHA-256 of the raw bytes with line breaks normalised (resend detection). */
  content_hash: string;
  ack_message: Buffer;
  /** MSA-1 of the ACK we sent: AA/AE/AR, or CA/CE/CR in enhanced mode. */
  ack_code: string;
  state: InboxState;
  /** Why rejected (table 0357 code) or failed (processing reason code). */
  error_code: string | null;
  /** Field-level text without patient data, e.g. "PID-3: ...". */
  error_detail: string | null;
  attempts: number;
  next_attempt_at: string | null;
  processed_at: string | null;
  updated_at: string;
}

export const ORDER_STATUSES = [
  'new',
  'scheduled',
  'in_progress',
  'held',
  'completed',
  'cancelled',
  'discontinued',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Orders from ORM^O01 / OMI^O23, shaped for reconciliation (DESIGN section 6). */
export interface Hl7OrdersTable {
  id: Generated<number>;
  /** 'P|<placer application>|<placer number>' or 'F|...' when only a filler number is known. */
  order_key: string;
  placer_order_number: string | null;
  placer_application: string;
  filler_order_number: string | null;
  filler_application: string;
  status: OrderStatus;
  /** Last ORC-1 applied and last ORC-5 sent. */
  order_control: string;
  order_status_code: string | null;
  mrn: string;
  mrn_issuer: string;
  /** Patient demographics as sent with the order (PID-5, PID-7, PID-8). */
  patient_family_name: string;
  patient_given_name: string;
  patient_middle_name: string;
  patient_name_suffix: string;
  patient_name_prefix: string;
  patient_birth_date: string | null;
  patient_sex: string | null;
  accession_number: string | null;
  requested_procedure_id: string | null;
  scheduled_procedure_step_id: string | null;
  procedure_code: string | null;
  procedure_coding_system: string | null;
  procedure_text: string | null;
  modality: string | null;
  study_instance_uid: string | null;
  ordered_at: string | null;
  scheduled_at: string | null;
  department: string | null;
  ordering_provider_id: string | null;
  ordering_provider_name: string | null;
  reason_for_study: string | null;
  /** hl7_inbox.id of the message that created, and of the one that last changed, the order. */
  created_by_message_id: number;
  last_message_id: number;
  created_at: string;
  updated_at: string;
}

export const ORDER_EVENTS = [
  'created',
  'updated',
  'status_changed',
  'cancelled',
  'discontinued',
  'no_change',
  'patient_merged',
] as const;
export type OrderEventType = (typeof ORDER_EVENTS)[number];

/** Every change to an order, with the message that caused it. */
export interface Hl7OrderEventsTable {
  id: Generated<number>;
  order_id: number;
  inbox_message_id: number;
  event: OrderEventType;
  order_control: string | null;
  status_before: string | null;
  status_after: string;
  /** JSON: names of the fields changed, prior MRN of a merge; never free text from the message. */
  details: string;
  occurred_at: string;
}

/** Patients known from HL7 (ADT, and orders for patients no ADT announced). */
export interface Hl7PatientsTable {
  id: Generated<number>;
  mrn: string;
  mrn_issuer: string;
  family_name: string;
  given_name: string;
  middle_name: string;
  name_suffix: string;
  name_prefix: string;
  birth_date: string | null;
  sex: string | null;
  /** 'active', or 'merged' once an A40 retired this MRN into merged_into_patient_id. */
  status: 'active' | 'merged';
  merged_into_patient_id: number | null;
  last_message_id: number;
  created_at: string;
  updated_at: string;
}

/** Every PID-3 repetition of a patient, replaced as a whole on each update. */
export interface Hl7PatientIdentifiersTable {
  id: Generated<number>;
  patient_id: number;
  identifier: string;
  assigning_authority: string;
  assigning_authority_universal_id: string;
  assigning_authority_universal_id_type: string;
  identifier_type: string;
  assigning_facility: string;
}

export const PATIENT_EVENTS = ['created', 'updated', 'no_change', 'merged_into', 'merged_from'] as const;
export type PatientEventType = (typeof PATIENT_EVENTS)[number];

export interface Hl7PatientEventsTable {
  id: Generated<number>;
  patient_id: number;
  inbox_message_id: number;
  event: PatientEventType;
  /** 'ADT^A08', 'ORM^O01', ... */
  message_type: string;
  /** JSON: names of the fields changed, the other patient id of a merge. */
  details: string;
  occurred_at: string;
}

export const OUTBOX_STATES = ['pending', 'sending', 'sent', 'retry_wait', 'dead'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export const OUTBOX_KINDS = ['order_request', 'application_ack'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/** Messages we send to the EMR; the payload is built once, so every attempt sends the same bytes. */
export interface Hl7OutboxTable {
  id: Generated<number>;
  kind: OutboxKind;
  state: OutboxState;
  control_id: string;
  message_type: string;
  payload: Buffer;
  /** JSON of the validated order request input (kind order_request). */
  request: string | null;
  study_instance_uid: string | null;
  placer_order_number: string | null;
  requested_by: string | null;
  /** The inbox message an application ACK answers. */
  inbox_message_id: number | null;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  /** MSA-1 of the EMR's answer to the last attempt. */
  ack_code: string | null;
  ack_message: Buffer | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

export interface Hl7Tables {
  hl7_inbox: Hl7InboxTable;
  hl7_orders: Hl7OrdersTable;
  hl7_order_events: Hl7OrderEventsTable;
  hl7_patients: Hl7PatientsTable;
  hl7_patient_identifiers: Hl7PatientIdentifiersTable;
  hl7_patient_events: Hl7PatientEventsTable;
  hl7_outbox: Hl7OutboxTable;
}

export type InboxMessageRow = Selectable<Hl7InboxTable>;
export type NewInboxMessage = Insertable<Hl7InboxTable>;
export type OrderRow = Selectable<Hl7OrdersTable>;
export type NewOrder = Insertable<Hl7OrdersTable>;
export type OrderUpdate = Updateable<Hl7OrdersTable>;
export type OrderEventRow = Selectable<Hl7OrderEventsTable>;
export type PatientRow = Selectable<Hl7PatientsTable>;
export type PatientIdentifierRow = Selectable<Hl7PatientIdentifiersTable>;
export type PatientEventRow = Selectable<Hl7PatientEventsTable>;
export type OutboxMessageRow = Selectable<Hl7OutboxTable>;
