// MLLP sender: one instance is one TCP or TLS connection. send() may be called again before an
// earlier send's ACK has arrived (pipelining); ACKs are matched to sends by order, which is the
// only correlation MLLP offers at the transport level.
//
// Because matching is by order, anything that can desynchronise the ACK stream ends the
// connection: an ACK timeout (a late ACK would otherwise be taken for the next message's), an
// ACK nobody waits for, an oversized frame. Every send still waiting then rejects, and the
// caller reconnects with a new client and resends, as MLLP senders do.

import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { MllpError } from './mllp-errors.ts';
import { MllpFrameDecoder, encodeFrame } from './mllp-frame-decoder.ts';
import { silentLogger, type MllpLogger } from './mllp-logger.ts';

export interface MllpClientTlsOptions {
  /** CA(s) the server certificate must chain to; without it Node's default root store is used. */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Client certificate and key, for servers that require one. */
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  /** Name to verify the server certificate against (and send as SNI); default: host, if not an IP. */
  readonly servername?: string;
}

export interface MllpClientOptions {
  readonly host: string;
  readonly port: number;
  readonly tls?: MllpClientTlsOptions;
  /** Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Default for send()'s timeoutMs. Default 30 s. */
  readonly ackTimeoutMs?: number;
  /** Largest ACK payload accepted. Default 1 MiB. */
  readonly maxFrameBytes?: number;
  readonly logger?: MllpLogger;
}

export const MLLP_CLIENT_DEFAULTS = {
  connectTimeoutMs: 10_000,
  ackTimeoutMs: 30_000,
  maxFrameBytes: 1024 * 1024,
} as const;

interface PendingSend {
  readonly resolve: (ack: Buffer) => void;
  readonly reject: (error: MllpError) => void;
  readonly timer: NodeJS.Timeout;
}

type ClientState = 'new' | 'connecting' | 'connected' | 'closed';

export class MllpClient {
  readonly #options: MllpClientOptions;
  readonly #logger: MllpLogger;
  readonly #pending: PendingSend[] = [];
  #state: ClientState = 'new';
  #socket: Socket | undefined;
  /** Why the connection ended, if it was not close(); later sends reject with it. */
  #failure: MllpError | undefined;
  #socketClosed: Promise<void> = Promise.resolve();
  /** While connecting: settles connect() with an error (close() during connect uses it). */
  #abortConnect: ((error: MllpError) => void) | undefined;

  constructor(options: MllpClientOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  get isConnected(): boolean {
    return this.#state === 'connected';
  }

  /** Opens the connection (and completes the TLS handshake). Call once per client. */
  connect(): Promise<void> {
    if (this.#state !== 'new') {
      return Promise.reject(new MllpError('invalid_state', `MLLP client cannot connect when ${this.#state}`));
    }
    this.#state = 'connecting';
    const { host, port, tls } = this.#options;
    const timeoutMs = this.#options.connectTimeoutMs ?? MLLP_CLIENT_DEFAULTS.connectTimeoutMs;
    const socket =
      tls === undefined
        ? connectTcp({ host, port })
        : connectTls({
            host,
            port,
            ca:
              tls.ca === undefined
                ? undefined
                : typeof tls.ca === 'string' || Buffer.isBuffer(tls.ca)
                  ? tls.ca
                  : [...tls.ca],
            cert: tls.cert,
            key: tls.key,
            servername: tls.servername,
          });
    // ACKs and messages are small and each one waits on the other side: Nagle would add delay.
    socket.setNoDelay(true);
    this.#socket = socket;
    this.#socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    let tcpConnected = false;
    socket.once('connect', () => {
      tcpConnected = true;
    });

    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (error: MllpError): void => {
        if (settled) return;
        settled = true;
        this.#abortConnect = undefined;
        clearTimeout(timer);
        socket.off(tls === undefined ? 'connect' : 'secureConnect', ready);
        this.#state = 'closed';
        this.#failure = error;
        socket.destroy();
        reject(error);
      };
      const onError = (error: Error): void => {
        const details = { host, port, errorCode: errorCodeOf(error) };
        if (tls !== undefined && tcpConnected) {
          fail(new MllpError('tls_failed', `TLS handshake with ${host}:${port} failed`, details, { cause: error }));
        } else if (errorCodeOf(error) === 'ECONNREFUSED') {
          fail(new MllpError('connection_refused', `connection to ${host}:${port} refused`, details, { cause: error }));
        } else {
          fail(new MllpError('connect_failed', `connection to ${host}:${port} failed`, details, { cause: error }));
        }
      };
      this.#abortConnect = fail;
      const ready = (): void => {
        settled = true;
        this.#abortConnect = undefined;
        clearTimeout(timer);
        socket.off('error', onError);
        this.#attach(socket);
        resolve();
      };
      const timer = setTimeout(
        () =>
          fail(new MllpError('connect_timeout', `connection to ${host}:${port} timed out`, { host, port, timeoutMs })),
        timeoutMs,
      );
      // `on`, not `once`: a second 'error' after a failed connect must not go unhandled.
      socket.on('error', onError);
      socket.once(tls === undefined ? 'connect' : 'secureConnect', ready);
    });
  }

  /**
   * Sends one payload and resolves with the payload of its ACK frame. timeoutMs counts from this
   * call, so with pipelining it includes the time the server spends on earlier messages.
   */
  send(payload: Buffer, options: { timeoutMs?: number } = {}): Promise<Buffer> {
    const socket = this.#socket;
    if (this.#state !== 'connected' || socket === undefined) {
      return Promise.reject(this.#failure ?? new MllpError('not_connected', 'MLLP client is not connected'));
    }
    let frame: Buffer;
    try {
      frame = encodeFrame(payload);
    } catch (error) {
      return Promise.reject(error);
    }
    const timeoutMs = options.timeoutMs ?? this.#options.ackTimeoutMs ?? MLLP_CLIENT_DEFAULTS.ackTimeoutMs;
    return new Promise<Buffer>((resolve, reject) => {
      const pending: PendingSend = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const error = new MllpError('ack_timeout', `no MLLP ACK within ${timeoutMs} ms`, { timeoutMs });
          this.#pending.splice(this.#pending.indexOf(pending), 1);
          reject(error);
          this.#fail(
            new MllpError('connection_closed', 'MLLP connection closed after an ACK timeout', {}, { cause: error }),
          );
        }, timeoutMs),
      };
      this.#pending.push(pending);
      socket.write(frame);
    });
  }

  /** Closes the connection now; sends still waiting for an ACK reject with connection_closed. */
  async close(): Promise<void> {
    this.#abortConnect?.(new MllpError('connection_closed', 'MLLP client closed while connecting'));
    if (this.#state === 'connected') {
      this.#state = 'closed';
      this.#rejectAll(new MllpError('connection_closed', 'MLLP client closed before the ACK arrived'));
      this.#socket?.destroy();
    }
    this.#state = 'closed';
    await this.#socketClosed;
  }

  #attach(socket: Socket): void {
    this.#state = 'connected';
    const decoder = new MllpFrameDecoder(this.#options.maxFrameBytes ?? MLLP_CLIENT_DEFAULTS.maxFrameBytes);
    let socketError: Error | undefined;
    socket.on('data', (chunk: Buffer) => {
      const result = decoder.push(chunk);
      if (result.skippedByteCount > 0) {
        this.#logger.warn({ skippedByteCount: result.skippedByteCount }, 'MLLP bytes outside a frame skipped');
      }
      for (const frame of result.frames) {
        const pending = this.#pending.shift();
        if (pending === undefined) {
          this.#fail(new MllpError('unexpected_frame', 'MLLP frame arrived while no send was waiting for an ACK'));
          return;
        }
        clearTimeout(pending.timer);
        pending.resolve(frame);
      }
      if (result.error !== undefined) this.#fail(result.error);
    });
    socket.on('error', (error) => {
      socketError = error;
    });
    socket.on('close', () => {
      if (this.#state === 'closed') return;
      // A TLS 1.3 server checks the client certificate after the client has finished its side of
      // the handshake, so a rejected certificate shows up here, as an alert after 'secureConnect'.
      const code = errorCodeOf(socketError);
      const tlsAlert = code !== undefined && (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'));
      this.#fail(
        tlsAlert
          ? new MllpError(
              'tls_failed',
              'MLLP server ended the TLS session',
              { errorCode: code },
              { cause: socketError },
            )
          : new MllpError(
              'connection_closed',
              'MLLP connection closed by the server',
              { errorCode: code },
              { cause: socketError },
            ),
      );
    });
  }

  /** Ends the connection because of `error`; every waiting send rejects with it. */
  #fail(error: MllpError): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#failure = error;
    this.#logger.warn({ code: error.code }, 'MLLP client connection failed');
    this.#rejectAll(error);
    this.#socket?.destroy();
  }

  #rejectAll(error: MllpError): void {
    for (const pending of this.#pending.splice(0)) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }
}

function errorCodeOf(error: Error | undefined): string | undefined {
  if (error === undefined || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
