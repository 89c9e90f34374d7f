// Data access for the durable inbox (hl7_inbox). Functions take a Kysely handle, so callers can
// pass a transaction and make several of them one commit.

import type { Kysely } from 'kysely';
import type { Hl7Tables, InboxMessageRow, InboxState, NewInboxMessage } from '../db/hl7-schema.ts';

export type InboxKeyRow = Pick<InboxMessageRow, 'id' | 'dedup_key' | 'content_hash' | 'state'>;

/** Every stored message under a (MSH-3, MSH-4, MSH-10) key, oldest first. */
export async function findByKey(
  db: Kysely<Hl7Tables>,
  sendingApplication: string,
  sendingFacility: string,
  controlId: string,
): Promise<InboxKeyRow[]> {
  return db
    .selectFrom('hl7_inbox')
    .select(['id', 'dedup_key', 'content_hash', 'state'])
    .where('sending_application', '=', sendingApplication)
    .where('sending_facility', '=', sendingFacility)
    .where('control_id', '=', controlId)
    .orderBy('id')
    .execute();
}

/** The ACK stored with a message, to answer a resend byte for byte. */
export async function getStoredAck(db: Kysely<Hl7Tables>, id: number): Promise<Buffer> {
  const row = await db.selectFrom('hl7_inbox').select('ack_message').where('id', '=', id).executeTakeFirstOrThrow();
  return row.ack_message;
}

export async function insertInboxMessage(db: Kysely<Hl7Tables>, row: NewInboxMessage): Promise<number> {
  const inserted = await db.insertInto('hl7_inbox').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

/** Messages waiting for processing whose time has come, in arrival order. */
export async function findDueMessages(db: Kysely<Hl7Tables>, now: string, limit: number): Promise<InboxMessageRow[]> {
  return db
    .selectFrom('hl7_inbox')
    .selectAll()
    .where('state', 'in', ['pending', 'retry_wait'])
    .where('next_attempt_at', '<=', now)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** When the next waiting message becomes due, if any. */
export async function nextDueTime(db: Kysely<Hl7Tables>): Promise<string | undefined> {
  const row = await db
    .selectFrom('hl7_inbox')
    .select((eb) => eb.fn.min('next_attempt_at').as('next'))
    .where('state', 'in', ['pending', 'retry_wait'])
    .executeTakeFirst();
  return row?.next ?? undefined;
}

export async function getInboxMessage(db: Kysely<Hl7Tables>, id: number): Promise<InboxMessageRow | undefined> {
  return db.selectFrom('hl7_inbox').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface InboxOutcome {
  readonly state: Extract<InboxState, 'processed' | 'retry_wait' | 'failed'>;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly errorCode: string | null;
  readonly errorDetail: string | null;
  readonly now: string;
}

export async function recordOutcome(db: Kysely<Hl7Tables>, id: number, outcome: InboxOutcome): Promise<void> {
  await db
    .updateTable('hl7_inbox')
    .set({
      state: outcome.state,
      attempts: outcome.attempts,
      next_attempt_at: outcome.nextAttemptAt,
      error_code: outcome.errorCode,
      error_detail: outcome.errorDetail,
      processed_at: outcome.state === 'processed' ? outcome.now : null,
      updated_at: outcome.now,
    })
    .where('id', '=', id)
    .execute();
}

/** Puts a failed message back in the queue; returns false when it is not in state failed. */
export async function requeueFailed(db: Kysely<Hl7Tables>, id: number, now: string): Promise<boolean> {
  const result = await db
    .updateTable('hl7_inbox')
    .set({ state: 'pending', attempts: 0, next_attempt_at: now, updated_at: now })
    .where('id', '=', id)
    .where('state', '=', 'failed')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
