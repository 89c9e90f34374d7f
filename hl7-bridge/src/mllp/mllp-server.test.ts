// The listener at byte level: real TCP on a free port, raw net.Socket writes, exact bytes back.

import { afterEach, describe, expect, it } from 'vitest';
import { MllpServer, type MllpServerOptions } from './mllp-server.ts';
import type { MllpHandler } from './mllp-server-connection.ts';
import {
  RawConnection,
  ackFor,
  bytes,
  frame,
  gate,
  recordingHandler,
  recordingLogger,
  waitUntil,
} from './mllp-test-support.ts';

const MESSAGE = bytes('MSH|^~\\&|EMR|HOSP|OUTSIDE|HOSP|20240101120000||ORM^O01|MSG0001|P|2.3\rPID|1||123^^^HOSP^MR\r');

let servers: MllpServer[] = [];
let rawConnections: RawConnection[] = [];
let gates: ReturnType<typeof gate>[] = [];

afterEach(async () => {
  // stop() waits for running handlers, so a test that failed with a closed gate must not hang here.
  for (const handlerGate of gates) handlerGate.open();
  gates = [];
  for (const connection of rawConnections) connection.destroy();
  await Promise.all(servers.map((server) => server.stop()));
  servers = [];
  rawConnections = [];
});

async function startServer(
  handler: MllpHandler,
  options: Partial<Omit<MllpServerOptions, 'handler'>> = {},
): Promise<{ server: MllpServer; port: number }> {
  const server = new MllpServer({ port: 0, handler, ...options });
  servers.push(server);
  const { port } = await server.start();
  return { server, port };
}

function trackedGate(): ReturnType<typeof gate> {
  const handlerGate = gate();
  gates.push(handlerGate);
  return handlerGate;
}

async function open(port: number): Promise<RawConnection> {
  const connection = await RawConnection.open(port);
  rawConnections.push(connection);
  return connection;
}

function numberedPayloads(count: number, size = 0): Buffer[] {
  return Array.from({ length: count }, (_, index) =>
    bytes(`MSH|^~\\&|EMR|HOSP|||20240101||ADT^A08|MSG${index}|P|2.5\rNTE|${'x'.repeat(size)}\r`),
  );
}

function expectedAcks(payloads: readonly Buffer[]): Buffer {
  return Buffer.concat(payloads.map((payload) => frame(ackFor(payload))));
}

describe('MllpServer framing', () => {
  it('handles a frame split at every byte offset, including between EB and CR', async () => {
    const recorder = recordingHandler();
    const { server, port } = await startServer(recorder.handler);
    const connection = await open(port);
    const wire = frame(MESSAGE);
    // The last offset puts EB at the end of the first write and CR alone in the second.
    expect(wire[wire.length - 2]).toBe(0x1c);
    let sent = 0;
    for (let offset = 1; offset < wire.length; offset += 1) {
      await connection.write(wire.subarray(0, offset));
      sent += offset;
      // Wait until the server has read the first part, so the two parts reach it as two reads.
      await waitUntil(() => server.connectionStats()[0]?.bytesReceived === sent);
      await connection.write(wire.subarray(offset));
      sent += wire.length - offset;
      await connection.waitForBytes(offset * frame(ackFor(MESSAGE)).length);
    }
    const splitCount = wire.length - 1;
    expect(recorder.calls.map((call) => call.payload)).toEqual(Array.from({ length: splitCount }, () => MESSAGE));
    expect(connection.received).toEqual(expectedAcks(Array.from({ length: splitCount }, () => MESSAGE)));
  });

  it('handles a frame written one byte at a time', async () => {
    const recorder = recordingHandler();
    const { server, port } = await startServer(recorder.handler);
    const connection = await open(port);
    const wire = frame(MESSAGE);
    for (let index = 0; index < wire.length; index += 1) {
      await connection.write(wire.subarray(index, index + 1));
      await waitUntil(() => server.connectionStats()[0]?.bytesReceived === index + 1);
    }
    expect(await connection.waitForBytes(frame(ackFor(MESSAGE)).length)).toEqual(expectedAcks([MESSAGE]));
    expect(recorder.calls.map((call) => call.payload)).toEqual([MESSAGE]);
  });

  it('handles two frames in one write, in order', async () => {
    const recorder = recordingHandler();
    const { port } = await startServer(recorder.handler);
    const connection = await open(port);
    const payloads = numberedPayloads(2);
    await connection.write(Buffer.concat(payloads.map((payload) => frame(payload))));
    const expected = expectedAcks(payloads);
    expect(await connection.waitForBytes(expected.length)).toEqual(expected);
    expect(recorder.calls.map((call) => call.payload)).toEqual(payloads);
  });

  it.each([
    { name: 'one write', chunkSize: Number.POSITIVE_INFINITY },
    { name: 'many 7-byte writes', chunkSize: 7 },
  ])('handles 1,000 pipelined frames in $name: each once, ACKs in order', async ({ chunkSize }) => {
    const recorder = recordingHandler();
    const { port } = await startServer(recorder.handler);
    const connection = await open(port);
    const payloads = numberedPayloads(1000);
    const stream = Buffer.concat(payloads.map((payload) => frame(payload)));
    const writes: Promise<void>[] = [];
    for (let start = 0; start < stream.length; start += Math.min(chunkSize, stream.length)) {
      writes.push(connection.write(stream.subarray(start, start + Math.min(chunkSize, stream.length))));
    }
    await Promise.all(writes);
    const expected = expectedAcks(payloads);
    expect(await connection.waitForBytes(expected.length)).toEqual(expected);
    expect(recorder.calls.map((call) => call.payload)).toEqual(payloads);
    expect(recorder.maxConcurrent()).toBe(1);
  });

  it('runs one handler at a time even when frames arrive while a handler is running', async () => {
    const handlerGate = trackedGate();
    const recorder = recordingHandler(() => handlerGate.wait());
    const { server, port } = await startServer(recorder.handler);
    const connection = await open(port);
    const payloads = numberedPayloads(3);
    // Each frame in its own write, read by the server before the next one is written.
    for (const [index, payload] of payloads.entries()) {
      await connection.write(frame(payload));
      await waitUntil(() => server.connectionStats()[0]?.framesReceived === index + 1);
    }
    expect(recorder.calls.length).toBe(1);
    handlerGate.open();
    const expected = expectedAcks(payloads);
    expect(await connection.waitForBytes(expected.length)).toEqual(expected);
    expect(recorder.calls.map((call) => call.payload)).toEqual(payloads);
    expect(recorder.maxConcurrent()).toBe(1);
  });

  it('passes segment separators CR, LF, CRLF and non-ASCII bytes through untouched', async () => {
    const recorder = recordingHandler();
    const { port } = await startServer(recorder.handler);
    const connection = await open(port);
    const payloads = [
      bytes('MSH|^~\\&|A\rPID|1\r'),
      bytes('MSH|^~\\&|A\nPID|1\n'),
      bytes('MSH|^~\\&|A\r\nPID|1\r\n'),
      Buffer.concat([bytes('MSH|^~\\&|A\rPID|1||||M'), Buffer.from('üller^José', 'utf8'), bytes('\xfc\r')]),
    ];
    await connection.write(Buffer.concat(payloads.map((payload) => frame(payload))));
    const expected = expectedAcks(payloads);
    expect(await connection.waitForBytes(expected.length)).toEqual(expected);
    expect(recorder.calls.map((call) => call.payload)).toEqual(payloads);
  });

  it('skips bytes before the start block and logs their count, not their content', async () => {
    const recorder = recordingHandler();
    const { logger, entries } = recordingLogger();
    const { port } = await startServer(recorder.handler, { logger });
    const connection = await open(port);
    await connection.write(Buffer.concat([bytes('GET / HTTP/1.0\r\n\r\n'), frame(MESSAGE)]));
    const expected = expectedAcks([MESSAGE]);
    expect(await connection.waitForBytes(expected.length)).toEqual(expected);
    expect(recorder.calls.map((call) => call.payload)).toEqual([MESSAGE]);
    expect(entries).toContainEqual(
      expect.objectContaining({ level: 'warn', obj: expect.objectContaining({ skippedByteCount: 18 }) }),
    );
    expect(JSON.stringify(entries)).not.toContain('HTTP');
  });

  it('writes every ACK to a peer that half-closes after its last frame', async () => {
    // The handler takes a moment, so the peer's FIN is read while ACKs are still owed.
    const recorder = recordingHandler(() => new Promise((resolve) => setTimeout(resolve, 20)));
    const { port } = await startServer(recorder.handler);
    const connection = await open(port);
    const payloads = numberedPayloads(3);
    await connection.write(Buffer.concat(payloads.map((payload) => frame(payload))));
    connection.socket.end();
    await connection.waitForClose();
    expect(connection.received).toEqual(expectedAcks(payloads));
  });
});

describe('MllpServer violations', () => {
  it('closes a connection whose frame exceeds maxFrameBytes; another connection keeps working', async () => {
    const recorder = recordingHandler();
    const { logger, entries } = recordingLogger();
    const { server, port } = await startServer(recorder.handler, { logger, maxFrameBytes: MESSAGE.length });
    const other = await open(port);
    const offender = await open(port);
    await waitUntil(() => server.connectionCount === 2);
    // The other connection is in the middle of a frame while the offender is cut off.
    const wire = frame(MESSAGE);
    await other.write(wire.subarray(0, 10));
    // No end block: the limit must be enforced while bytes arrive, not when the frame ends.
    await offender.write(Buffer.concat([bytes('\x0b'), Buffer.alloc(MESSAGE.length + 1, 0x41)]));
    await offender.waitForClose();
    await other.write(wire.subarray(10));
    const expected = expectedAcks([MESSAGE]);
    expect(await other.waitForBytes(expected.length)).toEqual(expected);
    expect(other.isClosed).toBe(false);
    expect(offender.received.length).toBe(0);
    expect(recorder.calls.map((call) => call.payload)).toEqual([MESSAGE]);
    expect(entries).toContainEqual(
      expect.objectContaining({ level: 'warn', obj: expect.objectContaining({ code: 'frame_too_large' }) }),
    );
  });

  it('closes a connection that stays silent for idleTimeoutMs', async () => {
    const { logger, entries } = recordingLogger();
    const { server, port } = await startServer(recordingHandler().handler, { logger, idleTimeoutMs: 100 });
    const connection = await open(port);
    await connection.waitForClose();
    await waitUntil(() => server.connectionCount === 0);
    expect(entries).toContainEqual(
      expect.objectContaining({ level: 'warn', obj: expect.objectContaining({ code: 'idle_timeout' }) }),
    );
  });

  it('does not count a running handler as idle time', async () => {
    // The handler takes longer than the idle timeout; the connection owes an ACK, so it stays open.
    const recorder = recordingHandler(() => new Promise((resolve) => setTimeout(resolve, 300)));
    const { port } = await startServer(recorder.handler, { idleTimeoutMs: 50 });
    const connection = await open(port);
    await connection.write(frame(MESSAGE));
    const expected = expectedAcks([MESSAGE]);
    expect(await connection.waitForBytes(expected.length)).toEqual(expected);
  });

  const failingHandlers: { name: string; handler: MllpHandler }[] = [
    {
      name: 'rejects',
      handler: async (payload) => {
        if (payload.includes('BOOM')) throw new Error('store unavailable for BOOM');
        return ackFor(payload);
      },
    },
    {
      name: 'throws synchronously',
      handler: (payload) => {
        if (payload.includes('BOOM')) throw new Error('store unavailable for BOOM');
        return Promise.resolve(ackFor(payload));
      },
    },
    {
      name: 'resolves a non-Buffer',
      handler: (payload) =>
        payload.includes('BOOM')
          ? (Promise.resolve('AA') as unknown as Promise<Buffer>)
          : Promise.resolve(ackFor(payload)),
    },
  ];

  it.each(failingHandlers)('closes only the connection whose handler $name', async ({ handler }) => {
    const seen: Buffer[] = [];
    const { logger, entries } = recordingLogger();
    const { port } = await startServer(
      (payload, connection) => {
        seen.push(payload);
        return handler(payload, connection);
      },
      { logger },
    );
    const failing = await open(port);
    const other = await open(port);
    const [first, boom, third] = [bytes('MSH|1'), bytes('MSH|BOOM'), bytes('MSH|3')];
    await failing.write(Buffer.concat([frame(first), frame(boom), frame(third)]));
    await failing.waitForClose();
    // The ACK before the failure was delivered; the frame after it was never handled.
    expect(failing.received).toEqual(expectedAcks([first]));
    expect(seen).toEqual([first, boom]);

    const later = bytes('MSH|4');
    await other.write(frame(later));
    expect(await other.waitForBytes(expectedAcks([later]).length)).toEqual(expectedAcks([later]));
    const failure = entries.find((entry) => entry.level === 'error');
    expect(failure?.obj).toEqual(
      expect.objectContaining({ code: 'handler_failed', connectionId: expect.any(String), frameSequence: 2 }),
    );
    // Ids only: neither the payload nor the error message (which may quote it) is logged.
    expect(JSON.stringify(entries)).not.toContain('BOOM');
  });
});

describe('MllpServer backpressure', () => {
  it('pauses reading while the handler is behind, then handles every frame once, in order', async () => {
    const handlerGate = trackedGate();
    const recorder = recordingHandler(() => handlerGate.wait());
    const { server, port } = await startServer(recorder.handler, { maxPendingFrames: 8 });
    const connection = await open(port);
    const payloads = numberedPayloads(2000, 4000);
    const stream = Buffer.concat(payloads.map((payload) => frame(payload)));
    let writeDone = false;
    void connection.write(stream).then(() => {
      writeDone = true;
    });
    await waitUntil(() => server.connectionStats()[0]?.readingPaused === true);
    // Not a timing assertion: this pause only gives a server that ignores backpressure the time
    // to read on (8 MB over loopback take a few ms). A paused server reads at most one more buffer.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.connectionStats()[0]?.bytesReceived).toBeLessThan(stream.length / 4);
    expect(writeDone).toBe(false);
    expect(recorder.calls.length).toBe(1);

    handlerGate.open();
    const expected = expectedAcks(payloads);
    expect((await connection.waitForBytes(expected.length)).equals(expected)).toBe(true);
    expect(recorder.calls.length).toBe(payloads.length);
    expect(recorder.calls.every((call, index) => call.payload.equals(payloads[index] ?? Buffer.alloc(0)))).toBe(true);
  });

  it('stops handling while the client does not read its ACKs, then delivers all of them in order', async () => {
    const padding = Buffer.alloc(64 * 1024, 0x58);
    const seen: Buffer[] = [];
    const { server, port } = await startServer(
      (payload) => {
        seen.push(payload);
        return Promise.resolve(Buffer.concat([ackFor(payload), padding]));
      },
      { maxPendingFrames: 8 },
    );
    const connection = await open(port);
    connection.socket.pause();
    const payloads = numberedPayloads(300);
    await connection.write(Buffer.concat(payloads.map((payload) => frame(payload))));
    await waitUntil(() => server.connectionStats()[0]?.readingPaused === true);
    // As above: time for a server that ignores unread ACKs to write all ~19 MB of them.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen.length).toBeLessThan(payloads.length);

    connection.socket.resume();
    const expected = Buffer.concat(payloads.map((payload) => frame(Buffer.concat([ackFor(payload), padding]))));
    expect((await connection.waitForBytes(expected.length)).equals(expected)).toBe(true);
    expect(seen).toEqual(payloads);
  });
});

describe('MllpServer lifecycle', () => {
  it('gives the handler the connection id and peer address', async () => {
    const recorder = recordingHandler();
    const { port } = await startServer(recorder.handler);
    const connection = await open(port);
    await connection.write(frame(MESSAGE));
    await connection.waitForBytes(1);
    expect(recorder.calls[0]?.connection).toEqual({
      connectionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      remoteAddress: '127.0.0.1',
      remotePort: connection.socket.localPort,
      tls: undefined,
    });
  });

  it('stop() closes open connections and resolves only after a running handler settled', async () => {
    const handlerGate = trackedGate();
    const recorder = recordingHandler(() => handlerGate.wait());
    const { server, port } = await startServer(recorder.handler);
    const idle = await open(port);
    const busy = await open(port);
    await busy.write(frame(MESSAGE));
    await waitUntil(() => recorder.calls.length === 1);

    let stopped = false;
    const stopping = server.stop().then(() => {
      stopped = true;
    });
    await Promise.all([idle.waitForClose(), busy.waitForClose()]);
    expect(stopped).toBe(false);
    handlerGate.open();
    await stopping;
    expect(server.connectionCount).toBe(0);
    await expect(RawConnection.open(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('can be started again after stop()', async () => {
    const recorder = recordingHandler();
    const { server } = await startServer(recorder.handler);
    await server.stop();
    const { port } = await server.start();
    const connection = await open(port);
    await connection.write(frame(MESSAGE));
    expect(await connection.waitForBytes(expectedAcks([MESSAGE]).length)).toEqual(expectedAcks([MESSAGE]));
  });

  it('refuses to start twice', async () => {
    const { server } = await startServer(recordingHandler().handler);
    await expect(server.start()).rejects.toMatchObject({ code: 'invalid_state' });
  });

  it.each([
    { name: 'port', options: { port: 70000 } },
    { name: 'maxFrameBytes', options: { port: 0, maxFrameBytes: 0 } },
    { name: 'idleTimeoutMs', options: { port: 0, idleTimeoutMs: -1 } },
    { name: 'maxPendingFrames', options: { port: 0, maxPendingFrames: 0.5 } },
  ])('rejects an out-of-range $name', ({ options }) => {
    expect(() => new MllpServer({ handler: recordingHandler().handler, ...options })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
  });
});
