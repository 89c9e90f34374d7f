// One accepted MLLP connection: decode frames, run the handler for each frame strictly in arrival
// order, write the ACKs in that same order, and close the connection on a violation.
//
// Why strictly one at a time: MLLP has no message ids at the transport level, so a sender that
// pipelines matches ACKs to messages by order alone (and HL7 original-mode acknowledgement expects
// the ACK of one message before the next is processed). Running handlers concurrently could reorder
// the durable commits the ACKs vouch for.

import type { Socket } from 'node:net';
import { MllpError } from './mllp-errors.ts';
import { MllpFrameDecoder, encodeFrame } from './mllp-frame-decoder.ts';
import { describeError, type MllpLogger } from './mllp-logger.ts';

export interface ConnectionInfo {
  /** Random id for logs and audit; the only way logs refer to a connection. */
  readonly connectionId: string;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  /** Present on TLS connections. `authorized` is true when the client certificate verified against `ca`. */
  readonly tls: { readonly authorized: boolean; readonly peerCommonName: string | undefined } | undefined;
}

/**
 * Returns the ACK payload for one frame payload. Resolve with an AE/AR ACK for anything the HL7
 * layer understands as a message-level problem; reject only when no ACK can be given at all (for
 * example the store is down), which closes the connection (see `MllpServerConnection`).
 */
export type MllpHandler = (payload: Buffer, connection: ConnectionInfo) => Promise<Buffer>;

export interface MllpConnectionStats {
  readonly connectionId: string;
  /** Bytes read from the socket so far (after TLS decryption). */
  readonly bytesReceived: number;
  readonly framesReceived: number;
  readonly acksSent: number;
  /** Frames decoded and waiting for the handler, not counting the one being handled. */
  readonly pendingFrames: number;
  /** True while reading is paused because the handler is behind (backpressure). */
  readonly readingPaused: boolean;
}

export interface ConnectionSettings {
  readonly handler: MllpHandler;
  readonly logger: MllpLogger;
  readonly maxFrameBytes: number;
  /** 0 disables the idle timeout. */
  readonly idleTimeoutMs: number;
  readonly maxPendingFrames: number;
}

export class MllpServerConnection {
  readonly info: ConnectionInfo;
  /** Settles once the socket has closed and no handler call is still running. */
  readonly closed: Promise<void>;

  readonly #socket: Socket;
  readonly #settings: ConnectionSettings;
  readonly #decoder: MllpFrameDecoder;
  readonly #queue: Buffer[] = [];
  readonly #idleTimer: NodeJS.Timeout | undefined;
  readonly #resolveClosed: () => void;
  #bytesReceived = 0;
  #framesReceived = 0;
  #acksSent = 0;
  #processing = false;
  #readingPaused = false;
  #peerEnded = false;
  #socketClosed = false;

  constructor(socket: Socket, info: ConnectionInfo, settings: ConnectionSettings) {
    this.#socket = socket;
    this.info = info;
    this.#settings = settings;
    this.#decoder = new MllpFrameDecoder(settings.maxFrameBytes);
    const { promise, resolve } = Promise.withResolvers<undefined>();
    this.closed = promise;
    this.#resolveClosed = () => resolve(undefined);

    if (settings.idleTimeoutMs > 0) {
      this.#idleTimer = setTimeout(() => this.#onIdle(), settings.idleTimeoutMs);
      this.#idleTimer.unref();
    }
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('error', (error) => {
      // ECONNRESET and the like: the 'close' event follows and does the cleanup.
      this.#log('info', { ...describeError(error) }, 'MLLP connection error');
    });
    socket.on('close', () => this.#onClose());
    this.#log('info', { remoteAddress: info.remoteAddress, remotePort: info.remotePort }, 'MLLP connection opened');
  }

  stats(): MllpConnectionStats {
    return {
      connectionId: this.info.connectionId,
      bytesReceived: this.#bytesReceived,
      framesReceived: this.#framesReceived,
      acksSent: this.#acksSent,
      pendingFrames: this.#queue.length,
      readingPaused: this.#readingPaused,
    };
  }

  /**
   * Closes now. Frames not yet handled are dropped and a running handler's ACK is discarded: the
   * sender never got those ACKs, so an MLLP sender resends them, and the store replays the stored
   * ACK for a message it already committed (DESIGN section 5).
   */
  destroy(): void {
    this.#queue.length = 0;
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#bytesReceived += chunk.length;
    this.#idleTimer?.refresh();
    const result = this.#decoder.push(chunk);
    if (result.skippedByteCount > 0) {
      this.#log('warn', { skippedByteCount: result.skippedByteCount }, 'MLLP bytes outside a frame skipped');
    }
    for (const frame of result.frames) {
      this.#framesReceived += 1;
      this.#queue.push(frame);
    }
    if (result.error !== undefined) {
      this.#log(
        'warn',
        { code: result.error.code, maxFrameBytes: this.#settings.maxFrameBytes },
        'MLLP frame too large; closing connection',
      );
      this.destroy();
      return;
    }
    if (!this.#readingPaused && this.#queue.length >= this.#settings.maxPendingFrames) {
      // Stop reading: the kernel's receive window then fills up and TCP slows the sender down.
      this.#readingPaused = true;
      this.#socket.pause();
    }
    void this.#processQueue();
  }

  async #processQueue(): Promise<void> {
    if (this.#processing) return;
    this.#processing = true;
    try {
      for (let payload = this.#queue.shift(); payload !== undefined; payload = this.#queue.shift()) {
        this.#resumeReadingIfDrained();
        const frameSequence = this.#framesReceived - this.#queue.length;
        const ack = await this.#handle(payload, frameSequence);
        if (ack === undefined || this.#socketClosed) break;
        this.#acksSent += 1;
        this.#idleTimer?.refresh();
        if (!this.#socket.write(ack)) await this.#drained();
      }
    } finally {
      this.#processing = false;
      this.#idleTimer?.refresh();
      if (this.#socketClosed) this.#resolveClosed();
      else if (this.#peerEnded && this.#queue.length === 0) this.#socket.end();
    }
  }

  /** Runs the handler; on failure logs ids only, closes the connection and returns undefined. */
  async #handle(payload: Buffer, frameSequence: number): Promise<Buffer | undefined> {
    try {
      const ack: unknown = await this.#settings.handler(payload, this.info);
      if (!Buffer.isBuffer(ack)) {
        throw new MllpError('handler_failed', 'MLLP handler resolved to a value that is not a Buffer');
      }
      return encodeFrame(ack);
    } catch (error) {
      // Skipping this ACK would shift every later ACK onto the wrong message for a pipelining
      // sender, and the transport cannot write an AR itself (it does not parse HL7). Closing makes
      // the sender reconnect and resend, which the store's duplicate check makes safe.
      this.#log(
        'error',
        { code: 'handler_failed', frameSequence, ...describeError(error) },
        'MLLP handler failed; closing connection',
      );
      this.destroy();
      return undefined;
    }
  }

  #resumeReadingIfDrained(): void {
    // Resume at half the limit rather than at limit - 1, so a fast sender does not flip the
    // socket between paused and flowing for every frame.
    if (this.#readingPaused && this.#queue.length <= this.#settings.maxPendingFrames / 2) {
      this.#readingPaused = false;
      this.#socket.resume();
    }
  }

  #drained(): Promise<void> {
    // The client is not reading its ACKs: stop handling until the socket buffer drains, so that
    // unread ACKs do not pile up in memory either.
    return new Promise((resolve) => {
      const done = (): void => {
        this.#socket.off('drain', done);
        this.#socket.off('close', done);
        resolve();
      };
      this.#socket.on('drain', done);
      this.#socket.on('close', done);
    });
  }

  #onEnd(): void {
    // The peer has sent everything (a half-close, as `nc -N` does). The server is created with
    // allowHalfOpen, so the ACKs still owed can be written before our side ends.
    this.#peerEnded = true;
    if (this.#decoder.isInsideFrame) {
      this.#log('warn', { unfinishedFrameBytes: this.#decoder.bufferedByteCount }, 'MLLP peer ended inside a frame');
    }
    if (!this.#processing && this.#queue.length === 0) this.#socket.end();
  }

  #onIdle(): void {
    // A connection waiting for its handler is not idle; the ACK write re-arms the timer.
    if (this.#processing || this.#queue.length > 0 || this.#socketClosed) return;
    this.#log(
      'warn',
      { code: 'idle_timeout', idleTimeoutMs: this.#settings.idleTimeoutMs },
      'MLLP connection idle; closing connection',
    );
    this.destroy();
  }

  #onClose(): void {
    this.#socketClosed = true;
    this.#queue.length = 0;
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#log(
      'info',
      {
        bytesReceived: this.#bytesReceived,
        framesReceived: this.#framesReceived,
        acksSent: this.#acksSent,
        unfinishedFrameBytes: this.#decoder.isInsideFrame ? this.#decoder.bufferedByteCount : 0,
      },
      'MLLP connection closed',
    );
    if (!this.#processing) this.#resolveClosed();
  }

  #log(level: keyof MllpLogger, obj: Record<string, unknown>, msg: string): void {
    this.#settings.logger[level]({ connectionId: this.info.connectionId, ...obj }, msg);
  }
}
