// Sends the outbox to the EMR over MLLP, one message at a time in queue order, on one kept-open
// connection. Each attempt is recorded before it starts (state sending, attempts + 1), so a crash
// mid-send is visible and the message is sent again on restart.
//
// The EMR's answer decides: AA (or CA, an accept acknowledgment in enhanced mode) -> sent.
// AE/AR/CE/CR, no answer, a refused or broken connection -> retry_wait with exponential backoff
// (DESIGN section 7 numbers by default: 30 s doubling to 10 min, 10 attempts), then dead with the
// reason and an alert. An ACK whose MSA-2 names another message means the stream is out of step:
// the connection is dropped and the attempt counts as failed.

import type { Kysely } from 'kysely';
import { readAck } from '../ack/build-ack.ts';
import { backoffDelayMs } from '../backoff.ts';
import { outboundBackoff, type Hl7Config } from '../config/hl7-config.ts';
import type { Hl7Tables, OutboxMessageRow } from '../db/hl7-schema.ts';
import type { Hl7AlertHandler } from '../hl7-alerts.ts';
import { Hl7Error } from '../hl7-errors.ts';
import { describeError, type Hl7Logger } from '../hl7-logger.ts';
import { isMllpError, MllpClient } from '../mllp/index.ts';
import { WakeableTimer } from '../wakeable-timer.ts';
import {
  findNextDueOutbound,
  markSending,
  nextOutboundDueTime,
  recordSendResult,
  requeueDeadOutbound,
  resetInterruptedSends,
} from './outbox-store.ts';

export interface OutboxSenderOptions {
  readonly db: Kysely<Hl7Tables>;
  readonly config: Hl7Config;
  readonly logger: Hl7Logger;
  readonly onAlert: Hl7AlertHandler;
  readonly now?: () => Date;
}

type AttemptResult =
  | { readonly ok: true; readonly ackCode: string; readonly ack: Buffer }
  | { readonly ok: false; readonly error: string; readonly ackCode: string | null; readonly ack: Buffer | null };

const SUCCESS_CODES = new Set(['AA', 'CA']);

export class OutboxSender {
  readonly #options: OutboxSenderOptions;
  readonly #now: () => Date;
  readonly #timer = new WakeableTimer();
  #running = false;
  #stopping = false;
  #loop: Promise<void> | undefined;
  #client: MllpClient | undefined;

  constructor(options: OutboxSenderOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  async start(): Promise<void> {
    if (this.#running) return;
    const reset = await resetInterruptedSends(this.#options.db, this.#now().toISOString());
    if (reset > 0) this.#options.logger.warn({ count: reset }, 'HL7 outbound messages interrupted mid-send; resending');
    this.#running = true;
    this.#stopping = false;
    this.#loop = this.#run();
  }

  /** Stops after the attempt in progress is recorded; an unanswered send is retried later. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#stopping = true;
    this.#timer.wake();
    await this.#client?.close();
    await this.#loop;
    this.#loop = undefined;
  }

  wake(): void {
    this.#timer.wake();
  }

  /** The retry button for a dead message. */
  async retry(outboxMessageId: number): Promise<void> {
    const requeued = await requeueDeadOutbound(this.#options.db, outboxMessageId, this.#now().toISOString());
    if (!requeued)
      throw new Hl7Error('invalid_state', 'only a dead outbound message can be retried', { outboxMessageId });
    this.wake();
  }

  /** Sends the next due message, if any; returns whether one was attempted. */
  async sendNext(): Promise<boolean> {
    const { db, config } = this.#options;
    if (this.#stopping) return false;
    const row = await findNextDueOutbound(db, this.#now().toISOString());
    if (row === undefined || this.#stopping) return false;
    const attempts = row.attempts + 1;
    await markSending(db, row.id, attempts, this.#now().toISOString());
    const result = await this.#attempt(row);
    const now = this.#now();
    const state = result.ok ? 'sent' : attempts >= config.outboundMaxAttempts ? 'dead' : 'retry_wait';
    await recordSendResult(db, row.id, {
      state,
      nextAttemptAt:
        state === 'retry_wait'
          ? new Date(now.getTime() + backoffDelayMs(attempts, outboundBackoff(config))).toISOString()
          : null,
      lastError: result.ok ? null : result.error,
      ackCode: result.ackCode,
      ackMessage: result.ack,
      now: now.toISOString(),
    });
    const log = { outboxMessageId: row.id, controlId: row.control_id, kind: row.kind, attempts };
    if (result.ok) this.#options.logger.info({ ...log, ackCode: result.ackCode }, 'HL7 outbound message sent');
    else this.#options.logger.warn({ ...log, state, reason: result.error }, 'HL7 outbound message not accepted');
    if (state === 'dead' && !result.ok) {
      try {
        this.#options.onAlert({
          type: 'outbound_dead',
          outboxMessageId: row.id,
          controlId: row.control_id,
          kind: row.kind,
          reason: result.error,
        });
      } catch (error) {
        this.#options.logger.error({ outboxMessageId: row.id, ...describeError(error) }, 'HL7 alert handler failed');
      }
    }
    return true;
  }

  async #attempt(row: OutboxMessageRow): Promise<AttemptResult> {
    let client: MllpClient;
    try {
      client = await this.#connection();
    } catch (error) {
      return { ok: false, error: isMllpError(error) ? error.code : 'connect_failed', ackCode: null, ack: null };
    }
    let ack: Buffer;
    try {
      ack = await client.send(row.payload, { timeoutMs: this.#options.config.outboundAckTimeoutMs });
    } catch (error) {
      await this.#dropConnection();
      return { ok: false, error: isMllpError(error) ? error.code : 'send_failed', ackCode: null, ack: null };
    }
    const answer = readAck(ack);
    if (answer === undefined || answer.controlId !== row.control_id) {
      await this.#dropConnection();
      return { ok: false, error: 'ack_mismatch', ackCode: answer?.code ?? null, ack };
    }
    if (SUCCESS_CODES.has(answer.code)) return { ok: true, ackCode: answer.code, ack };
    return { ok: false, error: `answered ${answer.code || 'without MSA-1'}`, ackCode: answer.code, ack };
  }

  async #connection(): Promise<MllpClient> {
    if (this.#client?.isConnected === true) return this.#client;
    await this.#dropConnection();
    const config = this.#options.config;
    const client = new MllpClient({
      host: config.outboundHost,
      port: config.outboundPort,
      connectTimeoutMs: config.outboundConnectTimeoutMs,
      ackTimeoutMs: config.outboundAckTimeoutMs,
      logger: this.#options.logger,
    });
    this.#client = client;
    await client.connect();
    return client;
  }

  async #dropConnection(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.close();
  }

  async #run(): Promise<void> {
    const { config, db, logger } = this.#options;
    while (this.#running) {
      try {
        if (await this.sendNext()) continue;
      } catch (error) {
        logger.error({ ...describeError(error) }, 'HL7 outbox pass failed; retrying after the poll interval');
        await this.#timer.sleep(config.outboundPollIntervalMs);
        continue;
      }
      let waitMs = config.outboundPollIntervalMs;
      try {
        const next = await nextOutboundDueTime(db);
        if (next !== undefined) waitMs = Math.min(waitMs, Date.parse(next) - this.#now().getTime());
      } catch {
        // The next pass reports database problems.
      }
      if (waitMs > 0 && this.#running) await this.#timer.sleep(waitMs);
    }
    await this.#dropConnection();
  }
}
