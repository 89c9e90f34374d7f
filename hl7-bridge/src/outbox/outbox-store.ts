// Data access for the outbound queue (hl7_outbox): pending -> sending -> sent, with retry_wait
// between attempts and dead after the last one (the same states as the routing outbox, DESIGN
// section 7).

import type { Insertable, Kysely } from 'kysely';
import type { Hl7OutboxTable, Hl7Tables, OutboxMessageRow } from '../db/hl7-schema.ts';

export async function insertOutboxMessage(db: Kysely<Hl7Tables>, row: Insertable<Hl7OutboxTable>): Promise<number> {
  const inserted = await db.insertInto('hl7_outbox').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

export async function findNextDueOutbound(db: Kysely<Hl7Tables>, now: string): Promise<OutboxMessageRow | undefined> {
  return db
    .selectFrom('hl7_outbox')
    .selectAll()
    .where('state', 'in', ['pending', 'retry_wait'])
    .where('next_attempt_at', '<=', now)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

export async function nextOutboundDueTime(db: Kysely<Hl7Tables>): Promise<string | undefined> {
  const row = await db
    .selectFrom('hl7_outbox')
    .select((eb) => eb.fn.min('next_attempt_at').as('next'))
    .where('state', 'in', ['pending', 'retry_wait'])
    .executeTakeFirst();
  return row?.next ?? undefined;
}

export async function markSending(db: Kysely<Hl7Tables>, id: number, attempts: number, now: string): Promise<void> {
  await db
    .updateTable('hl7_outbox')
    .set({ state: 'sending', attempts, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function recordSendResult(
  db: Kysely<Hl7Tables>,
  id: number,
  result: {
    state: 'sent' | 'retry_wait' | 'dead';
    nextAttemptAt: string | null;
    lastError: string | null;
    ackCode: string | null;
    ackMessage: Buffer | null;
    now: string;
  },
): Promise<void> {
  await db
    .updateTable('hl7_outbox')
    .set({
      state: result.state,
      next_attempt_at: result.nextAttemptAt,
      last_error: result.lastError,
      ack_code: result.ackCode,
      ack_message: result.ackMessage,
      sent_at: result.state === 'sent' ? result.now : null,
      updated_at: result.now,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * After a crash, a message left in `sending` may or may not have reached the EMR; it is sent again
 * (at-least-once; the EMR recognises the resend by its unchanged MSH-10).
 */
export async function resetInterruptedSends(db: Kysely<Hl7Tables>, now: string): Promise<number> {
  const result = await db
    .updateTable('hl7_outbox')
    .set({ state: 'retry_wait', next_attempt_at: now, last_error: 'interrupted', updated_at: now })
    .where('state', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The retry button: a dead message gets a fresh set of attempts. False when it is not dead. */
export async function requeueDeadOutbound(db: Kysely<Hl7Tables>, id: number, now: string): Promise<boolean> {
  const result = await db
    .updateTable('hl7_outbox')
    .set({ state: 'pending', attempts: 0, next_attempt_at: now, updated_at: now })
    .where('id', '=', id)
    .where('state', '=', 'dead')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
