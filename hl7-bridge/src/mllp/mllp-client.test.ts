// Our client against our server (and against raw TCP servers that misbehave on purpose).

import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MllpClient, type MllpClientOptions } from './mllp-client.ts';
import { MllpError } from './mllp-errors.ts';
import { MllpServer } from './mllp-server.ts';
import type { MllpHandler } from './mllp-server-connection.ts';
import { ackFor, bytes, frame, gate, recordingHandler, waitUntil } from './mllp-test-support.ts';

let servers: MllpServer[] = [];
let rawServers: { server: Server; sockets: Set<Socket> }[] = [];
let clients: MllpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(servers.map((server) => server.stop()));
  await Promise.all(
    rawServers.map(
      ({ server, sockets }) =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => resolve());
        }),
    ),
  );
  servers = [];
  rawServers = [];
  clients = [];
});

async function startServer(handler: MllpHandler): Promise<number> {
  const server = new MllpServer({ port: 0, handler });
  servers.push(server);
  return (await server.start()).port;
}

/** A TCP server that greets every connection with `greeting` and ignores what it receives. */
async function startRawServer(greeting: Buffer): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.write(greeting);
  });
  rawServers.push({ server, sockets });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

function client(port: number, options: Partial<MllpClientOptions> = {}): MllpClient {
  const created = new MllpClient({ host: '127.0.0.1', port, ...options });
  clients.push(created);
  return created;
}

async function connected(port: number, options: Partial<MllpClientOptions> = {}): Promise<MllpClient> {
  const created = client(port, options);
  await created.connect();
  return created;
}

async function rejectionOf(promise: Promise<unknown>): Promise<MllpError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MllpError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

function payload(index: number): Buffer {
  return bytes(`MSH|^~\\&|OUTSIDE|HOSP|EMR|HOSP|20240101||ORM^O01|OUT${index}|P|2.3\rORC|NW|${index}\r`);
}

describe('MllpClient with MllpServer', () => {
  it('sends a message and resolves with the ACK payload', async () => {
    const recorder = recordingHandler();
    const mllpClient = await connected(await startServer(recorder.handler));
    expect(await mllpClient.send(payload(1))).toEqual(ackFor(payload(1)));
    expect(recorder.calls.map((call) => call.payload)).toEqual([payload(1)]);
  });

  it('pipelines 1,000 sends and matches each ACK to its message', async () => {
    const recorder = recordingHandler();
    const mllpClient = await connected(await startServer(recorder.handler));
    const payloads = Array.from({ length: 1000 }, (_, index) => payload(index));
    const acks = await Promise.all(payloads.map((message) => mllpClient.send(message)));
    expect(acks).toEqual(payloads.map(ackFor));
    expect(recorder.calls.map((call) => call.payload)).toEqual(payloads);
  });

  it('rejects a payload containing EB CR and stays usable', async () => {
    const mllpClient = await connected(await startServer(recordingHandler().handler));
    expect((await rejectionOf(mllpClient.send(bytes('MSH|\x1c\r')))).code).toBe('payload_contains_end_block');
    expect(await mllpClient.send(payload(2))).toEqual(ackFor(payload(2)));
  });

  it('fails a send whose ACK is late with ack_timeout, and the sends behind it with connection_closed', async () => {
    const handlerGate = gate();
    const recorder = recordingHandler(() => handlerGate.wait());
    const mllpClient = await connected(await startServer(recorder.handler));
    try {
      const late = mllpClient.send(payload(1), { timeoutMs: 50 });
      const behind = mllpClient.send(payload(2), { timeoutMs: 60_000 });
      const [lateError, behindError] = await Promise.all([rejectionOf(late), rejectionOf(behind)]);
      expect(lateError.code).toBe('ack_timeout');
      expect(behindError.code).toBe('connection_closed');
      expect(behindError.cause).toBe(lateError);
      expect(mllpClient.isConnected).toBe(false);
      expect((await rejectionOf(mllpClient.send(payload(3)))).code).toBe('connection_closed');
    } finally {
      handlerGate.open();
    }
  });

  it('fails waiting sends with connection_closed when the server closes the connection', async () => {
    const mllpClient = await connected(
      await startServer(() => Promise.reject(new MllpError('handler_failed', 'store unavailable'))),
    );
    expect((await rejectionOf(mllpClient.send(payload(1)))).code).toBe('connection_closed');
  });

  it('close() fails sends still waiting with connection_closed; later sends get not_connected', async () => {
    const handlerGate = gate();
    const recorder = recordingHandler(() => handlerGate.wait());
    const mllpClient = await connected(await startServer(recorder.handler));
    try {
      const waiting = rejectionOf(mllpClient.send(payload(1)));
      await waitUntil(() => recorder.calls.length === 1);
      await mllpClient.close();
      expect((await waiting).code).toBe('connection_closed');
      expect((await rejectionOf(mllpClient.send(payload(2)))).code).toBe('not_connected');
    } finally {
      handlerGate.open();
    }
  });
});

describe('MllpClient errors', () => {
  it('reports connection_refused when nothing listens', async () => {
    // A port that was free a moment ago: start a server, note its port, stop it.
    const server = new MllpServer({ port: 0, handler: recordingHandler().handler });
    const { port } = await server.start();
    await server.stop();
    const error = await rejectionOf(client(port).connect());
    expect(error.code).toBe('connection_refused');
    expect(error.details).toMatchObject({ host: '127.0.0.1', port, errorCode: 'ECONNREFUSED' });
  });

  it('reports not_connected before connect() and invalid_state on a second connect()', async () => {
    const mllpClient = client(await startServer(recordingHandler().handler));
    expect((await rejectionOf(mllpClient.send(payload(1)))).code).toBe('not_connected');
    await mllpClient.connect();
    expect((await rejectionOf(mllpClient.connect())).code).toBe('invalid_state');
  });

  it('close() during connect() fails the connect with connection_closed', async () => {
    const mllpClient = client(await startServer(recordingHandler().handler));
    const connecting = rejectionOf(mllpClient.connect());
    await mllpClient.close();
    expect((await connecting).code).toBe('connection_closed');
    expect(mllpClient.isConnected).toBe(false);
  });

  it('ends the connection on a frame no send waits for', async () => {
    const mllpClient = await connected(await startRawServer(frame('MSH|unsolicited')));
    await waitUntil(() => !mllpClient.isConnected);
    expect((await rejectionOf(mllpClient.send(payload(1)))).code).toBe('unexpected_frame');
  });

  it('ends the connection on an ACK larger than maxFrameBytes', async () => {
    const port = await startRawServer(bytes('\x0b12345678'));
    const mllpClient = await connected(port, { maxFrameBytes: 4 });
    expect((await rejectionOf(mllpClient.send(payload(1)))).code).toBe('frame_too_large');
  });
});
