// Processing after the ACK (DESIGN section 5): a worker takes stored messages in arrival order,
// maps them again from their raw bytes (so a fixed mapping or setting applies on reprocess), and
// applies them to orders and patients.
//
// - Up to `batchSize` messages share one transaction (one durable commit), each under its own
//   savepoint: a message is applied entirely or rolled back entirely, and its state changes in
//   the same commit as its effects, so a crash never leaves a message half applied or applied
//   but still pending.
// - Retryable problems (an order control for an order not known yet, an unexpected error) go to
//   retry_wait with exponential backoff; later messages are not held up. After maxAttempts, or at
//   once for problems a retry cannot fix (an invalid transition, a message that no longer maps),
//   the message is failed with its reason, an alert is raised, and reprocess(id) queues it again.

import type { ControlledTransaction, Kysely } from 'kysely';
import { issue, type Hl7Issue } from '../ack/ack-codes.ts';
import { backoffDelayMs } from '../backoff.ts';
import { processingBackoff, type Hl7Config } from '../config/hl7-config.ts';
import type { Hl7Tables, InboxMessageRow } from '../db/hl7-schema.ts';
import type { Hl7AlertHandler } from '../hl7-alerts.ts';
import { Hl7Error } from '../hl7-errors.ts';
import { describeError, type Hl7Logger } from '../hl7-logger.ts';
import type { MappedMessage } from '../mapping/domain-schemas.ts';
import { applyOrderMessage } from '../orders/apply-order-message.ts';
import { enqueueApplicationAck, needsApplicationAck } from '../outbox/application-ack.ts';
import { applyMergeMessage, applyPatientMessage, type ApplyContext } from '../patients/apply-patient-message.ts';
import { WakeableTimer } from '../wakeable-timer.ts';
import { assessMessage, type AssessedMessage } from './assess-message.ts';
import { findDueMessages, getInboxMessage, nextDueTime, recordOutcome, requeueFailed } from './inbox-store.ts';

export interface ProcessorOptions {
  readonly db: Kysely<Hl7Tables>;
  readonly config: Hl7Config;
  readonly logger: Hl7Logger;
  readonly onAlert: Hl7AlertHandler;
  /** Called after a commit that queued outbound messages (application ACKs). */
  readonly onOutboundQueued?: () => void;
  /** Called after a commit that applied messages (orders, patients changed). */
  readonly onApplied?: () => void;
  readonly now?: () => Date;
}

const MAX_REMEMBERED = 10_000;

type Outcome =
  | { readonly kind: 'processed' }
  | { readonly kind: 'retry' | 'failed'; readonly code: string; readonly detail: string };

interface Decided {
  readonly row: InboxMessageRow;
  readonly assessed: AssessedMessage;
  readonly outcome: Outcome;
  readonly state: 'processed' | 'retry_wait' | 'failed';
  readonly attempts: number;
}

async function apply(db: Kysely<Hl7Tables>, mapped: MappedMessage, context: ApplyContext): Promise<Outcome> {
  switch (mapped.kind) {
    case 'order': {
      const result = await applyOrderMessage(db, mapped, context);
      if (result.ok) return { kind: 'processed' };
      return { kind: result.retryable ? 'retry' : 'failed', code: result.reason, detail: result.detail };
    }
    case 'patient':
      await applyPatientMessage(db, mapped, context);
      return { kind: 'processed' };
    case 'merge':
      await applyMergeMessage(db, mapped, context);
      return { kind: 'processed' };
  }
}

export class InboxProcessor {
  readonly #options: ProcessorOptions;
  readonly #now: () => Date;
  readonly #timer = new WakeableTimer();
  #running = false;
  #loop: Promise<void> | undefined;
  #passes: Promise<void> = Promise.resolve();
  /** Assessments the receiver made of messages not processed yet, by inbox id (bounded). */
  readonly #assessed = new Map<number, AssessedMessage>();

  constructor(options: ProcessorOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Finishes the batch in progress (its commit included) and stops. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#timer.wake();
    await this.#loop;
    this.#loop = undefined;
  }

  /** New messages were stored: process them without waiting for the poll interval. */
  wake(): void {
    this.#timer.wake();
  }

  /** New messages were stored; their assessment saves parsing them again. */
  stored(messages: readonly { inboxMessageId: number; assessed: AssessedMessage }[]): void {
    for (const { inboxMessageId, assessed } of messages) this.#assessed.set(inboxMessageId, assessed);
    while (this.#assessed.size > MAX_REMEMBERED) {
      const oldest = this.#assessed.keys().next();
      if (oldest.done === true) break;
      this.#assessed.delete(oldest.value);
    }
    this.wake();
  }

  /** Queues a failed message again (fresh attempts); the next pass maps and applies it anew. */
  async reprocess(inboxMessageId: number): Promise<void> {
    this.#assessed.delete(inboxMessageId);
    const requeued = await requeueFailed(this.#options.db, inboxMessageId, this.#now().toISOString());
    if (!requeued) {
      const row = await getInboxMessage(this.#options.db, inboxMessageId);
      if (row === undefined) throw new Hl7Error('not_found', 'no such inbox message', { inboxMessageId });
      throw new Hl7Error('invalid_state', 'only a failed message can be reprocessed', {
        inboxMessageId,
        state: row.state,
      });
    }
    this.#options.logger.info({ inboxMessageId }, 'HL7 message queued for reprocessing');
    this.wake();
  }

  /** One pass over the due messages (at most one batch); returns how many were handled. */
  processDue(): Promise<number> {
    // One pass at a time in this process (the loop and processDueNow() may overlap), so a message
    // is never picked by two passes. One bridge per database is assumed.
    const pass = this.#passes.then(() => this.#processDue());
    this.#passes = pass.then(
      () => undefined,
      () => undefined,
    );
    return pass;
  }

  async #processDue(): Promise<number> {
    const { db, config } = this.#options;
    const now = this.#now();
    const nowText = now.toISOString();
    let queuedOutbound = false;
    const decided: Decided[] = [];

    const trx = await db.startTransaction().execute();
    let rows: InboxMessageRow[];
    try {
      rows = await findDueMessages(trx, nowText, config.processingBatchSize);
      for (const row of rows) {
        // Mapped again from the raw bytes unless the receiver's assessment is at hand: the same
        // bytes and settings give the same result, and a reprocessed message is always re-read.
        const assessed = this.#assessed.get(row.id) ?? assessMessage(row.raw_message, config);
        this.#assessed.delete(row.id);
        const outcome = await this.#applyOne(trx, row, assessed, nowText);
        const attempts = row.attempts + 1;
        const state =
          outcome.kind === 'processed'
            ? 'processed'
            : outcome.kind === 'retry' && attempts < config.processingMaxAttempts
              ? 'retry_wait'
              : 'failed';
        await recordOutcome(trx, row.id, {
          state,
          attempts,
          nextAttemptAt:
            state === 'retry_wait'
              ? new Date(now.getTime() + backoffDelayMs(attempts, processingBackoff(config))).toISOString()
              : null,
          errorCode: outcome.kind === 'processed' ? null : outcome.code,
          errorDetail: outcome.kind === 'processed' ? null : outcome.detail,
          now: nowText,
        });
        if (state !== 'retry_wait' && needsApplicationAck(row.application_ack_type, state === 'processed')) {
          queuedOutbound = (await this.#queueApplicationAck(trx, row, assessed, outcome, now)) || queuedOutbound;
        }
        decided.push({ row, assessed, outcome, state, attempts });
      }
      await trx.commit().execute();
    } catch (error) {
      await trx.rollback().execute();
      throw error;
    }

    if (rows.length === 0) return 0;
    for (const { row, outcome, state, attempts } of decided) this.#report(row, outcome, state, attempts);
    if (queuedOutbound) this.#options.onOutboundQueued?.();
    if (decided.some(({ state }) => state === 'processed')) this.#options.onApplied?.();
    return rows.length;
  }

  async #applyOne(
    trx: ControlledTransaction<Hl7Tables>,
    row: InboxMessageRow,
    assessed: AssessedMessage,
    now: string,
  ): Promise<Outcome> {
    if (assessed.verdict.code !== 'AA') {
      const first = assessed.verdict.issues[0];
      return { kind: 'failed', code: 'mapping_failed', detail: first?.message ?? 'the message no longer maps' };
    }
    const savepoint = await trx.savepoint('message').execute();
    let outcome: Outcome;
    try {
      outcome = await apply(savepoint, assessed.verdict.mapped, {
        inboxMessageId: row.id,
        messageType: row.message_type ?? '',
        now,
      });
    } catch (error) {
      this.#options.logger.error({ inboxMessageId: row.id, ...describeError(error) }, 'HL7 message apply failed');
      outcome = { kind: 'retry', code: 'internal_error', detail: error instanceof Error ? error.name : 'error' };
    }
    if (outcome.kind !== 'processed') await savepoint.rollbackToSavepoint('message').execute();
    await savepoint.releaseSavepoint('message').execute();
    return outcome;
  }

  async #queueApplicationAck(
    trx: Kysely<Hl7Tables>,
    row: InboxMessageRow,
    assessed: AssessedMessage,
    outcome: Outcome,
    now: Date,
  ): Promise<boolean> {
    if (!this.#options.config.outboundEnabled) {
      this.#options.logger.warn(
        { inboxMessageId: row.id, controlId: row.control_id },
        'HL7 application ACK requested (MSH-16) but the outbound sender is disabled',
      );
      return false;
    }
    const issues: Hl7Issue[] =
      outcome.kind === 'processed' ? [] : [issue(207, undefined, `${outcome.code}: ${outcome.detail}`)];
    await enqueueApplicationAck(
      trx,
      this.#options.config,
      {
        inboxMessageId: row.id,
        header: assessed.header,
        charset: assessed.charset,
        code: outcome.kind === 'processed' ? 'AA' : 'AE',
        issues,
      },
      now,
    );
    return true;
  }

  #report(row: InboxMessageRow, outcome: Outcome, state: Decided['state'], attempts: number): void {
    const log = { inboxMessageId: row.id, controlId: row.control_id, messageType: row.message_type, attempts };
    if (outcome.kind === 'processed') {
      this.#options.logger.info(log, 'HL7 message processed');
      return;
    }
    this.#options.logger.warn({ ...log, state, reason: outcome.code }, 'HL7 message not processed');
    if (state === 'failed') {
      try {
        this.#options.onAlert({
          type: 'processing_failed',
          inboxMessageId: row.id,
          controlId: row.control_id,
          messageType: row.message_type,
          reason: outcome.code,
        });
      } catch (error) {
        this.#options.logger.error({ inboxMessageId: row.id, ...describeError(error) }, 'HL7 alert handler failed');
      }
    }
  }

  async #run(): Promise<void> {
    const { config, db, logger } = this.#options;
    while (this.#running) {
      let handled: number;
      try {
        handled = await this.processDue();
      } catch (error) {
        logger.error({ ...describeError(error) }, 'HL7 inbox pass failed; retrying after the poll interval');
        await this.#timer.sleep(config.processingPollIntervalMs);
        continue;
      }
      if (!this.#running) break;
      if (handled === config.processingBatchSize) continue;
      let waitMs = config.processingPollIntervalMs;
      try {
        const next = await nextDueTime(db);
        if (next !== undefined) waitMs = Math.min(waitMs, Date.parse(next) - this.#now().getTime());
      } catch {
        // The next pass reports database problems.
      }
      if (waitMs > 0 && (await this.#timer.sleep(waitMs)) === 'woken' && config.processingCoalesceMs > 0) {
        // Let messages arriving right behind this one join the same transaction. Not cut short by
        // further signals (that is the point); stop() waits for it, at most coalesceMs.
        await new Promise((resolve) => setTimeout(resolve, config.processingCoalesceMs));
      }
    }
  }
}
