// The MLLP listener: accepts TCP or TLS connections, hands each to an MllpServerConnection, and
// keeps track of them so stop() can close every one and wait until they are gone.

import { randomUUID } from 'node:crypto';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { MllpError } from './mllp-errors.ts';
import { describeError, silentLogger, type MllpLogger } from './mllp-logger.ts';
import {
  MllpServerConnection,
  type ConnectionInfo,
  type MllpConnectionStats,
  type MllpHandler,
} from './mllp-server-connection.ts';

export interface MllpServerTlsOptions {
  /** PEM private key and certificate chain of the listener. */
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** CA(s) that client certificates must chain to; without it Node's default root store is used. */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Ask clients for a certificate. Default false. */
  readonly requestCert?: boolean;
  /** With requestCert: refuse clients whose certificate is missing or does not verify. Default true. */
  readonly rejectUnauthorized?: boolean;
}

export interface MllpServerOptions {
  readonly handler: MllpHandler;
  /** Interface to bind. Default 127.0.0.1: listening on other interfaces is a deliberate choice. */
  readonly host?: string;
  /** TCP port; 0 lets the kernel pick a free one (tests). */
  readonly port: number;
  /** Largest accepted frame payload in bytes. Default 1 MiB; orders and ADT are a few KB. */
  readonly maxFrameBytes?: number;
  /** Close a connection that received nothing and owes no ACK for this long. Default 10 min; 0 = never. */
  readonly idleTimeoutMs?: number;
  /** Frames queued per connection before reading pauses. Default 64. */
  readonly maxPendingFrames?: number;
  /** Serve MLLP over TLS instead of plain TCP. */
  readonly tls?: MllpServerTlsOptions;
  readonly logger?: MllpLogger;
}

export const MLLP_SERVER_DEFAULTS = {
  host: '127.0.0.1',
  maxFrameBytes: 1024 * 1024,
  idleTimeoutMs: 10 * 60 * 1000,
  maxPendingFrames: 64,
} as const;

type ServerState = 'stopped' | 'starting' | 'running' | 'stopping';

export class MllpServer {
  readonly #options: MllpServerOptions;
  readonly #logger: MllpLogger;
  readonly #connections = new Set<MllpServerConnection>();
  /** Raw TCP sockets, including TLS ones still in their handshake, so stop() can close those too. */
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #state: ServerState = 'stopped';

  constructor(options: MllpServerOptions) {
    for (const name of ['maxFrameBytes', 'idleTimeoutMs', 'maxPendingFrames'] as const) {
      const value = options[name];
      if (value !== undefined && (!Number.isSafeInteger(value) || value < (name === 'idleTimeoutMs' ? 0 : 1))) {
        throw new MllpError('invalid_options', `${name} is out of range`, { [name]: value });
      }
    }
    if (!Number.isSafeInteger(options.port) || options.port < 0 || options.port > 65535) {
      throw new MllpError('invalid_options', 'port must be an integer from 0 to 65535', { port: options.port });
    }
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Per-connection counters, for health output and tests. */
  connectionStats(): MllpConnectionStats[] {
    return [...this.#connections].map((connection) => connection.stats());
  }

  async start(): Promise<{ host: string; port: number }> {
    if (this.#state !== 'stopped') {
      throw new MllpError('invalid_state', `MLLP server cannot start while ${this.#state}`);
    }
    this.#state = 'starting';
    const host = this.#options.host ?? MLLP_SERVER_DEFAULTS.host;
    const server = this.#createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.#options.port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      this.#state = 'stopped';
      throw error;
    }
    server.on('error', (error) => this.#logger.error({ ...describeError(error) }, 'MLLP server error'));
    this.#server = server;
    this.#state = 'running';
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : this.#options.port;
    this.#logger.info({ host, port, tls: this.#options.tls !== undefined }, 'MLLP server listening');
    return { host, port };
  }

  /**
   * Stops accepting, closes every connection, and resolves once all sockets are closed and every
   * running handler call has settled (so a caller may close the store afterwards). Queued frames
   * are dropped unacknowledged; see MllpServerConnection.destroy.
   */
  async stop(): Promise<void> {
    const server = this.#server;
    if (this.#state !== 'running' || server === undefined) return;
    this.#state = 'stopping';
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    for (const connection of this.#connections) connection.destroy();
    await Promise.all([serverClosed, ...[...this.#connections].map((connection) => connection.closed)]);
    this.#server = undefined;
    this.#state = 'stopped';
    this.#logger.info({}, 'MLLP server stopped');
  }

  #createServer(): Server {
    // allowHalfOpen: a sender that half-closes after its last frame still gets every ACK.
    const tls = this.#options.tls;
    const server =
      tls === undefined
        ? createTcpServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.#accept(socket, undefined))
        : createTlsServer(
            {
              allowHalfOpen: true,
              noDelay: true,
              key: tls.key,
              cert: tls.cert,
              ca:
                tls.ca === undefined
                  ? undefined
                  : typeof tls.ca === 'string' || Buffer.isBuffer(tls.ca)
                    ? tls.ca
                    : [...tls.ca],
              requestCert: tls.requestCert ?? false,
              rejectUnauthorized: tls.rejectUnauthorized ?? true,
            },
            (socket) => this.#accept(socket, socket),
          );
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    server.on('tlsClientError', (error: Error, socket: TLSSocket) => {
      // A client certificate that does not verify is not answered with a TLS alert: Node checks it
      // after OpenSSL's handshake and just closes the socket, so the error here is a bare
      // ECONNRESET and the reason is in authorizationError (for example UNABLE_TO_VERIFY_LEAF_SIGNATURE).
      const authorizationError: unknown = socket.authorizationError;
      this.#logger.warn(
        {
          code: 'tls_failed',
          remoteAddress: socket.remoteAddress,
          authorizationError: typeof authorizationError === 'string' ? authorizationError : undefined,
          ...describeError(error),
        },
        'MLLP TLS handshake failed',
      );
    });
    return server;
  }

  #accept(socket: Socket, tlsSocket: TLSSocket | undefined): void {
    if (this.#state !== 'running') {
      socket.destroy();
      return;
    }
    const info: ConnectionInfo = {
      connectionId: randomUUID(),
      remoteAddress: socket.remoteAddress,
      remotePort: socket.remotePort,
      tls: tlsSocket === undefined ? undefined : describeTlsPeer(tlsSocket),
    };
    const connection = new MllpServerConnection(socket, info, {
      handler: this.#options.handler,
      logger: this.#logger,
      maxFrameBytes: this.#options.maxFrameBytes ?? MLLP_SERVER_DEFAULTS.maxFrameBytes,
      idleTimeoutMs: this.#options.idleTimeoutMs ?? MLLP_SERVER_DEFAULTS.idleTimeoutMs,
      maxPendingFrames: this.#options.maxPendingFrames ?? MLLP_SERVER_DEFAULTS.maxPendingFrames,
    });
    this.#connections.add(connection);
    void connection.closed.then(() => this.#connections.delete(connection));
  }
}

function describeTlsPeer(socket: TLSSocket): ConnectionInfo['tls'] {
  const certificate = socket.getPeerCertificate();
  // An empty object means the client sent no certificate. CN may repeat; the first one names it.
  const commonName: unknown = certificate.subject?.CN;
  const peerCommonName = Array.isArray(commonName) ? commonName[0] : commonName;
  return {
    authorized: socket.authorized,
    peerCommonName: typeof peerCommonName === 'string' ? peerCommonName : undefined,
  };
}
