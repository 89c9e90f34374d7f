// Enhanced-mode application acknowledgment (HL7 v2.5 section 2.9.3): when a message's MSH-16 asks
// for it, the result of processing (AA processed, AE failed) is sent back as its own ACK message
// through the outbox, after the commit acknowledgment the listener already returned. MSH-16 AL:
// always, ER: only on failure, SU: only on success, NE or empty: never (table 0155).

import type { Kysely } from 'kysely';
import type { Hl7Issue } from '../ack/ack-codes.ts';
import { buildAck, newControlId } from '../ack/build-ack.ts';
import type { Hl7Config } from '../config/hl7-config.ts';
import type { Hl7Tables } from '../db/hl7-schema.ts';
import type { Hl7Charset } from '../encoding/decode-charset.ts';
import type { ParsedHeader } from '../parse/read-header.ts';
import { insertOutboxMessage } from './outbox-store.ts';

export function needsApplicationAck(applicationAckType: string | null, succeeded: boolean): boolean {
  switch (applicationAckType) {
    case 'AL':
      return true;
    case 'ER':
      return !succeeded;
    case 'SU':
      return succeeded;
    default:
      return false;
  }
}

export async function enqueueApplicationAck(
  db: Kysely<Hl7Tables>,
  settings: Pick<Hl7Config, 'receivingApplication' | 'receivingFacility'>,
  acknowledged: {
    readonly inboxMessageId: number;
    readonly header: ParsedHeader;
    readonly charset: Hl7Charset;
    readonly code: 'AA' | 'AE';
    readonly issues: readonly Hl7Issue[];
  },
  now: Date,
): Promise<number> {
  const controlId = newControlId('P', now);
  const nowText = now.toISOString();
  return insertOutboxMessage(db, {
    kind: 'application_ack',
    state: 'pending',
    control_id: controlId,
    message_type: 'ACK',
    payload: buildAck({
      code: acknowledged.code,
      header: acknowledged.header,
      charset: acknowledged.charset,
      issues: acknowledged.issues,
      controlId,
      now,
      receivingApplication: settings.receivingApplication,
      receivingFacility: settings.receivingFacility,
      // Ask for an accept acknowledgment of our ACK, so the sender can confirm delivery.
      acknowledgmentRequest: { accept: 'AL', application: 'NE' },
    }),
    request: null,
    study_instance_uid: null,
    placer_order_number: null,
    requested_by: null,
    inbox_message_id: acknowledged.inboxMessageId,
    attempts: 0,
    next_attempt_at: nowText,
    last_error: null,
    ack_code: null,
    ack_message: null,
    created_at: nowText,
    updated_at: nowText,
    sent_at: null,
  });
}
