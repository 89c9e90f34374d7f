// The HL7 bridge as one long-running piece with an explicit lifecycle: the MLLP listener with the
// durable inbox behind it, the worker that processes the inbox, and (when enabled) the sender of
// outbound order requests. The sidecar constructs it with its database, its `hl7` config section,
// its logger and an alert callback, and calls start() / stop().

import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { Hl7Config } from '../config/hl7-config.ts';
import type { Hl7Tables } from '../db/hl7-schema.ts';
import type { Hl7AlertHandler } from '../hl7-alerts.ts';
import { Hl7Error } from '../hl7-errors.ts';
import { silentLogger, type Hl7Logger } from '../hl7-logger.ts';
import { InboxProcessor } from '../inbox/process-inbox.ts';
import { MessageReceiver } from '../inbox/receive-message.ts';
import { MllpServer, type MllpServerTlsOptions } from '../mllp/index.ts';
import {
  enqueueOrderRequest,
  type EnqueuedOrderRequest,
  type OrderRequestInput,
} from '../outbox/order-request-outbox.ts';
import { OutboxSender } from '../outbox/outbox-sender.ts';

export interface Hl7BridgeOptions {
  /**
   * The sidecar's database; its schema must include the bridge's tables (migration '0003-hl7').
   * A Kysely<Database & Hl7Tables> is assignable as is.
   */
  readonly db: Kysely<Hl7Tables>;
  /** Parsed with hl7ConfigSchema (defaults filled in). */
  readonly config: Hl7Config;
  readonly logger?: Hl7Logger;
  /** Alerts (duplicate key conflicts, failures); the sidecar records them as audit events. */
  readonly onAlert?: Hl7AlertHandler;
  /** Called when received messages were applied (the sidecar's matcher wakes up). */
  readonly onApplied?: () => void;
  /** Clock, for tests. */
  readonly now?: () => Date;
}

type BridgeState = 'stopped' | 'starting' | 'running' | 'stopping';

export class Hl7Bridge {
  readonly #db: Kysely<Hl7Tables>;
  readonly #config: Hl7Config;
  readonly #logger: Hl7Logger;
  readonly #now: () => Date;
  readonly #processor: InboxProcessor;
  readonly #sender: OutboxSender;
  readonly #receiver: MessageReceiver;
  #server: MllpServer | undefined;
  #state: BridgeState = 'stopped';
  #address: { host: string; port: number } | undefined;

  constructor(options: Hl7BridgeOptions) {
    this.#db = options.db;
    this.#config = options.config;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? (() => new Date());
    const onAlert = options.onAlert ?? (() => undefined);
    const shared = { db: this.#db, config: this.#config, logger: this.#logger, onAlert, now: this.#now };
    this.#sender = new OutboxSender(shared);
    this.#processor = new InboxProcessor({
      ...shared,
      onOutboundQueued: () => this.#sender.wake(),
      ...(options.onApplied === undefined ? {} : { onApplied: options.onApplied }),
    });
    this.#receiver = new MessageReceiver({ ...shared, onStored: (stored) => this.#processor.stored(stored) });
  }

  /** Where the listener listens once started (port 0 in the config resolves to a real port). */
  get address(): { host: string; port: number } | undefined {
    return this.#address;
  }

  /** Starts the worker, the sender (if enabled) and then the listener. */
  async start(): Promise<{ host: string; port: number }> {
    if (this.#state !== 'stopped') throw new Hl7Error('invalid_state', `HL7 bridge cannot start while ${this.#state}`);
    this.#state = 'starting';
    const config = this.#config;
    try {
      this.#processor.start();
      if (config.outboundEnabled) await this.#sender.start();
      const server = new MllpServer({
        handler: this.#receiver.handler,
        host: config.host,
        port: config.port,
        maxFrameBytes: config.maxFrameBytes,
        idleTimeoutMs: config.idleTimeoutMs,
        tls: loadTls(config),
        logger: this.#logger,
      });
      this.#address = await server.start();
      this.#server = server;
    } catch (error) {
      await this.#processor.stop();
      await this.#sender.stop();
      this.#state = 'stopped';
      throw error;
    }
    this.#state = 'running';
    this.#logger.info({ ...this.#address, outbound: config.outboundEnabled }, 'HL7 bridge started');
    return this.#address;
  }

  /**
   * Stops taking messages first (every ACK already sent was committed before it went out), then
   * lets the worker and the sender finish what they are doing. The database stays open.
   */
  async stop(): Promise<void> {
    if (this.#state !== 'running') return;
    this.#state = 'stopping';
    await this.#server?.stop();
    this.#server = undefined;
    await this.#processor.stop();
    await this.#sender.stop();
    this.#state = 'stopped';
    this.#logger.info({}, 'HL7 bridge stopped');
  }

  /** Queues a failed inbox message to be mapped and applied again. */
  reprocess(inboxMessageId: number): Promise<void> {
    return this.#processor.reprocess(inboxMessageId);
  }

  /** Stores an ORM^O01 NW order request for the EMR; the sender delivers it (if enabled). */
  async enqueueOrderRequest(input: OrderRequestInput): Promise<EnqueuedOrderRequest> {
    const enqueued = await enqueueOrderRequest(this.#db, this.#config, input, this.#now());
    this.#logger.info(
      { outboxMessageId: enqueued.outboxMessageId, controlId: enqueued.controlId },
      'HL7 order request queued',
    );
    this.#sender.wake();
    return enqueued;
  }

  /** Gives a dead outbound message a fresh set of attempts. */
  retryOutbound(outboxMessageId: number): Promise<void> {
    return this.#sender.retry(outboxMessageId);
  }

  /** Processes what is due now, without waiting for the worker (tests, admin tools). */
  processDueNow(): Promise<number> {
    return this.#processor.processDue();
  }
}

function loadTls(config: Hl7Config): MllpServerTlsOptions | undefined {
  if (config.tlsKeyFile === undefined && config.tlsCertFile === undefined) return undefined;
  if (config.tlsKeyFile === undefined || config.tlsCertFile === undefined) {
    throw new Hl7Error('invalid_input', 'TLS needs both tlsKeyFile and tlsCertFile');
  }
  return {
    key: readFileSync(config.tlsKeyFile),
    cert: readFileSync(config.tlsCertFile),
    ca: config.tlsCaFile === undefined ? undefined : readFileSync(config.tlsCaFile),
    requestCert: config.tlsRequestCert,
    rejectUnauthorized: true,
  };
}
