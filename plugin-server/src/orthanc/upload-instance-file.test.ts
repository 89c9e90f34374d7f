import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InstanceUploader } from './upload-instance-file.ts';

const STORED = { ID: 'i', ParentStudy: 's', ParentSeries: 'se', ParentPatient: 'p', Status: 'Success' };

/**
 * A stand-in for Orthanc's POST /instances that can close a kept-alive connection just as the
 * next request arrives on it, as Orthanc's one-second idle close does on a loaded server.
 */
async function fakeOrthanc() {
  const perSocket = new Map<Socket, number>();
  const bodies: number[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    const count = (perSocket.get(request.socket) ?? 0) + 1;
    perSocket.set(request.socket, count);
    if (count > 1) {
      request.socket.destroy();
      return;
    }
    let length = 0;
    request.on('data', (chunk: Buffer) => (length += chunk.length));
    request.on('end', () => {
      bodies.push(length);
      response.writeHead(200, { 'content-type': 'application/json', 'keep-alive': 'timeout=30' });
      response.end(JSON.stringify(STORED));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    bodies,
    connections: () => perSocket.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function uploaderFor(url: string): InstanceUploader {
  const uploader = new InstanceUploader({ url, authorization: 'Basic eDp5', maxSockets: 1, timeoutMs: 5000 });
  cleanups.push(() => uploader.close());
  return uploader;
}

describe('InstanceUploader', () => {
  it('sends the file again on a new connection when Orthanc closed the pooled one', async () => {
    const orthanc = await fakeOrthanc();
    cleanups.push(orthanc.close);
    const uploader = uploaderFor(orthanc.url);
    const contents = Buffer.alloc(300_000, 1);
    expect((await uploader.upload('/unused', contents)).kind).toBe('stored');
    // The second upload goes out on the kept-alive socket, which the server closes unanswered.
    expect((await uploader.upload('/unused', contents)).kind).toBe('stored');
    expect(orthanc.bodies).toEqual([300_000, 300_000]);
    expect(orthanc.connections()).toBe(2);
  });

  it('gives up with a clear error when the connection keeps failing', async () => {
    // A server that drops even new connections' first request: nothing to retry on a fresh socket.
    const refusing = createServer((request) => request.socket.destroy());
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => refusing.close(() => resolve())));
    const uploader = uploaderFor(`http://127.0.0.1:${(refusing.address() as AddressInfo).port}`);
    await expect(uploader.upload('/unused', Buffer.alloc(10))).rejects.toMatchObject({
      code: 'orthanc_unavailable',
      message: expect.stringMatching(/could not be reached to store a file: socket hang up/),
    });
  });
});
