// Receiving (DESIGN section 5): the MLLP handler. Each frame is assessed (assess-message.ts), then
// stored, raw bytes and the ACK together, in one transaction that commits durably before the ACK
// is returned to the transport. The unique key is (MSH-3, MSH-4, MSH-10):
//
// - the same message again (a resend after a lost ACK) gets the stored ACK back byte for byte and
//   is not stored or processed again;
// - a different message under a key already accepted gets AR (table 0357 code 205, duplicate key
//   identifier) and an alert, and is kept as rejected for inspection;
// - a key only used by messages we rejected may be reused: nothing was applied under it.
//
// Rejected messages (AE/AR) are stored too (state rejected), so what the sender sent can be
// inspected. If the store cannot be written, the answer is AR 207 and nothing is kept: HL7 v2.5
// section 2.9.2.2 uses AR for "system down", and the sender will resend. (On PostgreSQL, two
// connections racing with the same new key make the loser's commit fail on the unique dedup_key;
// it gets that AR, resends, and is answered with the winner's stored ACK.)
//
// Enhanced mode (MSH-15/MSH-16 valued, section 2.9.3): the answer here is the accept (commit)
// acknowledgment CA/CE/CR. Content errors found on receipt are answered CE (the message is kept
// but will not be processed); header rejections CR. The application acknowledgment follows after
// processing, through the outbox, when MSH-16 asks for it (process-inbox.ts). MSH-15 NE/ER/SU are
// not honoured by staying silent: the MLLP transport answers every frame, because a sender waiting
// for a reply would otherwise stall (MLLP Release 2 pairs every block with a reply).

import type { Kysely } from 'kysely';
import { COMMIT_CODE_FOR, issue, describeLocation, type AckCode, type Hl7Issue } from '../ack/ack-codes.ts';
import { buildAck, newControlId } from '../ack/build-ack.ts';
import { buildBatchAck } from '../ack/build-batch-ack.ts';
import type { Hl7Config } from '../config/hl7-config.ts';
import type { Hl7Tables } from '../db/hl7-schema.ts';
import { DEFAULT_CHARSET } from '../encoding/decode-charset.ts';
import type { Hl7AlertEvent, Hl7AlertHandler } from '../hl7-alerts.ts';
import { describeError, type Hl7Logger } from '../hl7-logger.ts';
import type { ConnectionInfo, MllpHandler } from '../mllp/index.ts';
import { isEnhancedMode } from '../parse/read-header.ts';
import { isBatch, splitBatch } from '../parse/split-batch.ts';
import { assessMessage, type AssessedMessage } from './assess-message.ts';
import { findByKey, getStoredAck, insertInboxMessage } from './inbox-store.ts';

export interface ReceiverOptions {
  readonly db: Kysely<Hl7Tables>;
  readonly config: Hl7Config;
  readonly logger: Hl7Logger;
  readonly onAlert: Hl7AlertHandler;
  /**
   * Called after a commit that stored messages to process, with what assessing them found, so the
   * worker need not parse them again.
   */
  readonly onStored: (stored: readonly StoredMessage[]) => void;
  readonly now?: () => Date;
}

export interface StoredMessage {
  readonly inboxMessageId: number;
  readonly assessed: AssessedMessage;
}

type StoreOutcome = 'stored' | 'rejected' | 'duplicate' | 'conflict';

interface StoredAnswer {
  readonly ack: Buffer;
  readonly outcome: StoreOutcome;
  readonly inboxMessageId: number;
}

interface Entry {
  readonly payload: Buffer;
  readonly assessed: AssessedMessage;
  readonly batchControlId: string | null;
}

export class MessageReceiver {
  readonly #options: ReceiverOptions;
  readonly #now: () => Date;

  constructor(options: ReceiverOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  /** The function to give MllpServer. It never rejects: every failure becomes an AR. */
  readonly handler: MllpHandler = (payload, connection) => this.receive(payload, connection);

  async receive(payload: Buffer, connection: ConnectionInfo): Promise<Buffer> {
    if (isBatch(payload)) return this.#receiveBatch(payload, connection);
    const assessed = assessMessage(payload, this.#options.config);
    const [answer] = await this.#store([{ payload, assessed, batchControlId: null }], connection);
    return answer?.ack ?? this.#storeFailedAck(assessed);
  }

  async #receiveBatch(payload: Buffer, connection: ConnectionInfo): Promise<Buffer> {
    const batch = splitBatch(payload);
    const batchControlId = batch.batchHeader?.split(batch.delimiters?.field ?? '|')[10] ?? null;
    const entries = batch.messages.map((message) => ({
      payload: message,
      assessed: assessMessage(message, this.#options.config),
      batchControlId,
    }));
    const answers = await this.#store(entries, connection);
    const acks = entries.map((entry, index) => answers[index]?.ack ?? this.#storeFailedAck(entry.assessed));
    const now = this.#now();
    this.#options.logger.info(
      { connectionId: connection.connectionId, messageCount: entries.length },
      'HL7 batch received',
    );
    return buildBatchAck({
      batch,
      acks,
      charset: entries[0]?.assessed.charset ?? DEFAULT_CHARSET,
      controlId: newControlId('B', now),
      now,
      receivingApplication: this.#options.config.receivingApplication,
      receivingFacility: this.#options.config.receivingFacility,
    });
  }

  /** Stores every entry in one durable transaction; [] when the store failed. */
  async #store(entries: readonly Entry[], connection: ConnectionInfo): Promise<StoredAnswer[]> {
    const alerts: Hl7AlertEvent[] = [];
    let answers: StoredAnswer[];
    try {
      answers = await this.#options.db.transaction().execute(async (trx) => {
        const results: StoredAnswer[] = [];
        for (const entry of entries) results.push(await this.#storeOne(trx, entry, connection, alerts));
        return results;
      });
    } catch (error) {
      this.#options.logger.error(
        { connectionId: connection.connectionId, messageCount: entries.length, ...describeError(error) },
        'HL7 inbox store failed; answering AR',
      );
      for (const entry of entries) {
        this.#alert({
          type: 'store_failed',
          controlId: entry.assessed.header.fields.controlId || undefined,
          errorName: error instanceof Error ? error.name : typeof error,
        });
      }
      return [];
    }
    for (const alert of alerts) this.#alert(alert);
    entries.forEach((entry, index) => {
      const answer = answers[index];
      if (answer !== undefined) this.#logAnswer(entry, answer, connection);
    });
    const stored = entries.flatMap((entry, index) => {
      const answer = answers[index];
      return answer?.outcome === 'stored' ? [{ inboxMessageId: answer.inboxMessageId, assessed: entry.assessed }] : [];
    });
    if (stored.length > 0) this.#options.onStored(stored);
    return answers;
  }

  async #storeOne(
    trx: Kysely<Hl7Tables>,
    entry: Entry,
    connection: ConnectionInfo,
    alerts: Hl7AlertEvent[],
  ): Promise<StoredAnswer> {
    const { assessed } = entry;
    const fields = assessed.header.fields;
    const hasKey = assessed.header.delimiters !== undefined && fields.controlId !== '';
    let verdict = assessed.verdict;
    let conflictWith: number | undefined;
    if (hasKey) {
      const rows = await findByKey(trx, fields.sendingApplicationRaw, fields.sendingFacilityRaw, fields.controlId);
      const accepted = rows.find((row) => row.dedup_key !== null);
      const same = (accepted === undefined ? rows : [accepted]).find(
        (row) => row.content_hash === assessed.contentHash,
      );
      if (same !== undefined) {
        return { ack: await getStoredAck(trx, same.id), outcome: 'duplicate', inboxMessageId: same.id };
      }
      if (accepted !== undefined) {
        conflictWith = accepted.id;
        verdict = {
          code: 'AR',
          issues: [
            issue(205, { segment: 'MSH', sequence: 1, field: 10 }, 'MSH-10 was already used for a different message'),
          ],
        };
      }
    }

    const now = this.#now();
    const nowText = now.toISOString();
    const accepted = verdict.code === 'AA';
    const issues: readonly Hl7Issue[] = verdict.code === 'AA' ? [] : verdict.issues;
    const code: AckCode = isEnhancedMode(fields) ? COMMIT_CODE_FOR[verdict.code] : verdict.code;
    const ack = buildAck({
      code,
      header: assessed.header,
      charset: assessed.charset,
      issues,
      controlId: newControlId('A', now),
      now,
      receivingApplication: this.#options.config.receivingApplication,
      receivingFacility: this.#options.config.receivingFacility,
    });
    const id = await insertInboxMessage(trx, {
      received_at: nowText,
      connection_id: connection.connectionId,
      remote_address: connection.remoteAddress ?? null,
      sending_application: hasKey ? fields.sendingApplicationRaw : null,
      sending_facility: hasKey ? fields.sendingFacilityRaw : null,
      control_id: hasKey ? fields.controlId : null,
      dedup_key: accepted
        ? JSON.stringify([fields.sendingApplicationRaw, fields.sendingFacilityRaw, fields.controlId])
        : null,
      message_type: assessed.messageType,
      version: fields.version === '' ? null : fields.version,
      charset: assessed.header.delimiters === undefined ? null : fields.charsetName,
      application_ack_type: fields.applicationAckType,
      batch_control_id: entry.batchControlId,
      raw_message: entry.payload,
      content_hash: assessed.contentHash,
      ack_message: ack,
      ack_code: code,
      state: accepted ? 'pending' : 'rejected',
      error_code: issues[0] === undefined ? null : String(issues[0].code),
      error_detail:
        issues.length === 0
          ? null
          : issues.map((problem) => `${describeLocation(problem.location)}: ${problem.message}`).join('; '),
      attempts: 0,
      next_attempt_at: accepted ? nowText : null,
      processed_at: null,
      updated_at: nowText,
    });
    if (conflictWith !== undefined) {
      alerts.push({
        type: 'duplicate_key_conflict',
        inboxMessageId: id,
        originalInboxMessageId: conflictWith,
        sendingApplication: fields.sendingApplicationRaw,
        sendingFacility: fields.sendingFacilityRaw,
        controlId: fields.controlId,
      });
    }
    return {
      ack,
      outcome: conflictWith !== undefined ? 'conflict' : accepted ? 'stored' : 'rejected',
      inboxMessageId: id,
    };
  }

  #storeFailedAck(assessed: AssessedMessage): Buffer {
    const now = this.#now();
    const code: AckCode = isEnhancedMode(assessed.header.fields) ? 'CR' : 'AR';
    return buildAck({
      code,
      header: assessed.header,
      charset: assessed.charset,
      issues: [issue(207, undefined, 'the message could not be stored; send it again later')],
      controlId: newControlId('A', now),
      now,
      receivingApplication: this.#options.config.receivingApplication,
      receivingFacility: this.#options.config.receivingFacility,
    });
  }

  #logAnswer(entry: Entry, answer: StoredAnswer, connection: ConnectionInfo): void {
    const { assessed } = entry;
    const log = {
      connectionId: connection.connectionId,
      inboxMessageId: answer.inboxMessageId,
      controlId: assessed.header.fields.controlId || undefined,
      messageType: assessed.messageType ?? undefined,
      outcome: answer.outcome,
      errorCode: assessed.verdict.code === 'AA' ? undefined : assessed.verdict.issues[0]?.code,
    };
    if (answer.outcome === 'stored' || answer.outcome === 'duplicate') {
      this.#options.logger.info(log, 'HL7 message acknowledged');
    } else {
      this.#options.logger.warn(log, 'HL7 message rejected');
    }
  }

  #alert(event: Hl7AlertEvent): void {
    try {
      this.#options.onAlert(event);
    } catch (error) {
      this.#options.logger.error({ alertType: event.type, ...describeError(error) }, 'HL7 alert handler failed');
    }
  }
}
