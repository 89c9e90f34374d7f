// Outbound order requests (DESIGN section 5): an ORM^O01 with ORC-1 NW asking the EMR to create an
// order, e.g. "second read of outside study". Built once when enqueued, with our own placer order
// number (ORC-2, equal to MSH-10) and, when the request concerns a study, its Study Instance UID in
// ZDS-1 (IHE Scheduled Workflow), so the order the EMR creates can be matched back to the study.
//
// Layout (HL7 v2.5 section 4.4.1): MSH, PID (3 MRN, 5 name, 7 birth date, 8 sex), ORC (1 NW,
// 2 placer, 9 transaction time, 10 entered by, 12 ordering provider), OBR (2 placer, 4 procedure,
// 31 reason for study), ZDS.

import type { Kysely } from 'kysely';
import { Message } from 'node-hl7-client';
import { z } from 'zod';
import { newControlId } from '../ack/build-ack.ts';
import type { Hl7Config } from '../config/hl7-config.ts';
import type { Hl7Tables } from '../db/hl7-schema.ts';
import { formatHl7Date, formatHl7DateTime } from '../encoding/hl7-datetime.ts';
import { encodingCharacters, STANDARD_DELIMITERS } from '../encoding/hl7-delimiters.ts';
import { escapeText } from '../encoding/hl7-escape.ts';
import { Hl7Error } from '../hl7-errors.ts';
import { dicomUidSchema } from '../mapping/domain-schemas.ts';
import { insertOutboxMessage } from './outbox-store.ts';

const isoDate = z.string().regex(/^\d{4}(?:-\d{2}(?:-\d{2})?)?$/);

export const orderRequestInputSchema = z.strictObject({
  patient: z.strictObject({
    mrn: z.string().min(1).describe('Local MRN (PID-3.1).'),
    mrnIssuer: z.string().min(1).describe('Its assigning authority (PID-3.4).'),
    familyName: z.string().describe('PID-5.1'),
    givenName: z.string().default('').describe('PID-5.2'),
    middleName: z.string().default('').describe('PID-5.3'),
    birthDate: isoDate.nullable().default(null).describe('PID-7, ISO date.'),
    sex: z.string().max(1).nullable().default(null).describe('PID-8, HL7 table 0001.'),
  }),
  procedure: z.strictObject({
    code: z.string().min(1).describe('OBR-4.1'),
    text: z.string().default('').describe('OBR-4.2'),
    codingSystem: z.string().default('').describe('OBR-4.3'),
  }),
  reason: z.string().default('').describe('OBR-31 reason for study (text).'),
  requestedBy: z.strictObject({
    userId: z.string().min(1).describe('The requesting user (ORC-10 / ORC-12 XCN.1).'),
    familyName: z.string().default(''),
    givenName: z.string().default(''),
  }),
  studyInstanceUid: dicomUidSchema.nullable().default(null).describe('The outside study this request is about.'),
});

export type OrderRequestInput = z.input<typeof orderRequestInputSchema>;
export type OrderRequest = z.infer<typeof orderRequestInputSchema>;

export interface EnqueuedOrderRequest {
  readonly outboxMessageId: number;
  readonly controlId: string;
  readonly placerOrderNumber: string;
}

type OutboundSettings = Pick<
  Hl7Config,
  | 'receivingApplication'
  | 'receivingFacility'
  | 'outboundReceivingApplication'
  | 'outboundReceivingFacility'
  | 'outboundVersion'
  | 'outboundProcessingId'
>;

export function buildOrderRequest(
  request: OrderRequest,
  settings: OutboundSettings,
  controlId: string,
  now: Date,
): Buffer {
  const d = STANDARD_DELIMITERS;
  const e = (value: string) => escapeText(value, d);
  const join = (...parts: string[]) => parts.join(d.component);
  const version = settings.outboundVersion;
  const placer = join(e(controlId), e(settings.receivingApplication));
  const requester = join(
    e(request.requestedBy.userId),
    e(request.requestedBy.familyName),
    e(request.requestedBy.givenName),
  );

  const message = new Message({ text: `MSH${d.field}${encodingCharacters(d)}\r` });
  message.set('MSH.3', e(settings.receivingApplication));
  message.set('MSH.4', e(settings.receivingFacility));
  message.set('MSH.5', e(settings.outboundReceivingApplication));
  message.set('MSH.6', e(settings.outboundReceivingFacility));
  message.set('MSH.7', formatHl7DateTime(now));
  // MSH-9.3 (message structure) exists from v2.3.1 on.
  message.set('MSH.9', version === '2.3' ? join('ORM', 'O01') : join('ORM', 'O01', 'ORM_O01'));
  message.set('MSH.10', e(controlId));
  message.set('MSH.11', settings.outboundProcessingId);
  message.set('MSH.12', version);

  const pid = message.addSegment('PID');
  pid.set('PID.1', '1');
  pid.set('PID.3', join(e(request.patient.mrn), '', '', e(request.patient.mrnIssuer), 'MR'));
  pid.set('PID.5', join(e(request.patient.familyName), e(request.patient.givenName), e(request.patient.middleName)));
  if (request.patient.birthDate !== null) pid.set('PID.7', formatHl7Date(request.patient.birthDate));
  if (request.patient.sex !== null) pid.set('PID.8', e(request.patient.sex));

  const orc = message.addSegment('ORC');
  orc.set('ORC.1', 'NW');
  orc.set('ORC.2', placer);
  orc.set('ORC.9', formatHl7DateTime(now));
  orc.set('ORC.10', requester);
  orc.set('ORC.12', requester);

  const obr = message.addSegment('OBR');
  obr.set('OBR.1', '1');
  obr.set('OBR.2', placer);
  obr.set('OBR.4', join(e(request.procedure.code), e(request.procedure.text), e(request.procedure.codingSystem)));
  if (request.reason !== '') obr.set('OBR.31', join('', e(request.reason)));

  if (request.studyInstanceUid !== null) {
    const zds = message.addSegment('ZDS');
    zds.set('ZDS.1', join(request.studyInstanceUid, e(settings.receivingApplication), 'Application', 'DICOM'));
  }
  return Buffer.from(`${message.toString()}\r`, 'utf8');
}

/** Validates the request, builds the message and stores it in the outbox (state pending). */
export async function enqueueOrderRequest(
  db: Kysely<Hl7Tables>,
  settings: OutboundSettings,
  input: OrderRequestInput,
  now: Date = new Date(),
): Promise<EnqueuedOrderRequest> {
  const parsed = orderRequestInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new Hl7Error('invalid_input', 'order request is invalid', {
      issues: parsed.error.issues.map((problem) => ({ path: problem.path.join('.'), code: problem.code })),
    });
  }
  const request = parsed.data;
  const controlId = newControlId('Q', now);
  const nowText = now.toISOString();
  const outboxMessageId = await insertOutboxMessage(db, {
    kind: 'order_request',
    state: 'pending',
    control_id: controlId,
    message_type: 'ORM^O01',
    payload: buildOrderRequest(request, settings, controlId, now),
    request: JSON.stringify(request),
    study_instance_uid: request.studyInstanceUid,
    placer_order_number: controlId,
    requested_by: request.requestedBy.userId,
    inbox_message_id: null,
    attempts: 0,
    next_attempt_at: nowText,
    last_error: null,
    ack_code: null,
    ack_message: null,
    created_at: nowText,
    updated_at: nowText,
    sent_at: null,
  });
  return { outboxMessageId, controlId, placerOrderNumber: controlId };
}
