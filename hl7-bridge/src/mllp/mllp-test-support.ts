// Helpers for the MLLP tests only (not exported from index.ts). Frames are built by hand here,
// not with encodeFrame, so the tests check the wire format itself rather than our own encoder.

import { connect, type Socket } from 'node:net';
import type { MllpLogger } from './mllp-logger.ts';
import type { ConnectionInfo, MllpHandler } from './mllp-server-connection.ts';

export const SB = 0x0b;
export const EB = 0x1c;
export const CR = 0x0d;

/** `text` is taken byte for byte (latin1), so '\x0b' in a test string is the byte 0x0B. */
export function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

export function frame(payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? bytes(payload) : payload;
  return Buffer.concat([Buffer.from([SB]), body, Buffer.from([EB, CR])]);
}

export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly obj: Record<string, unknown>;
  readonly msg: string;
}

export function recordingLogger(): { logger: MllpLogger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return {
    entries,
    logger: {
      info: (obj, msg) => entries.push({ level: 'info', obj, msg }),
      warn: (obj, msg) => entries.push({ level: 'warn', obj, msg }),
      error: (obj, msg) => entries.push({ level: 'error', obj, msg }),
    },
  };
}

/** The ACK our test handlers answer with: 'ACK|' and the payload, byte for byte. */
export function ackFor(payload: Buffer): Buffer {
  return Buffer.concat([bytes('ACK|'), payload]);
}

export interface RecordingHandler {
  readonly handler: MllpHandler;
  readonly calls: { payload: Buffer; connection: ConnectionInfo }[];
  /** Highest number of handler calls running at the same time. */
  readonly maxConcurrent: () => number;
}

/**
 * A handler that records every call and answers ackFor(payload). `before` runs first and may
 * wait (a gate) or throw.
 */
export function recordingHandler(before?: (payload: Buffer) => Promise<void> | void): RecordingHandler {
  const calls: { payload: Buffer; connection: ConnectionInfo }[] = [];
  let running = 0;
  let maxRunning = 0;
  return {
    calls,
    maxConcurrent: () => maxRunning,
    handler: async (payload, connection) => {
      calls.push({ payload, connection });
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      try {
        await before?.(payload);
        return ackFor(payload);
      } finally {
        running -= 1;
      }
    },
  };
}

/** A promise to open later, for handlers that must wait on the test. */
export function gate(): { wait: () => Promise<void>; open: () => void } {
  const { promise, resolve } = Promise.withResolvers<undefined>();
  return { wait: () => promise, open: () => resolve(undefined) };
}

/**
 * Waits until `condition` holds, checking on every turn of the event loop. A wrong implementation
 * makes the test fail at vitest's test timeout; the wait itself asserts nothing about time.
 */
export async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** A plain TCP client that writes exactly the bytes it is given and records what comes back. */
export class RawConnection {
  readonly socket: Socket;
  #received: Buffer[] = [];
  #receivedLength = 0;
  #closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#received.push(chunk);
      this.#receivedLength += chunk.length;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.#closed = true;
    });
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawConnection(socket));
      });
    });
  }

  get received(): Buffer {
    return Buffer.concat(this.#received, this.#receivedLength);
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  write(data: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (error) => (error ? reject(error) : resolve())));
  }

  /** Resolves once at least `byteCount` bytes arrived, or the connection closed. */
  async waitForBytes(byteCount: number): Promise<Buffer> {
    await waitUntil(() => this.#receivedLength >= byteCount || this.#closed);
    return this.received;
  }

  async waitForClose(): Promise<void> {
    await waitUntil(() => this.#closed);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
