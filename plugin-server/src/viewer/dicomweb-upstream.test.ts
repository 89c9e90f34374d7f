import { text } from 'node:stream/consumers';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { DicomwebUpstream } from './dicomweb-upstream.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

it('asks again on a new connection when Orthanc closed the pooled one as the request went out', async () => {
  // Every second request on one connection finds it closed unanswered, as Orthanc's one-second
  // idle close can on a loaded server.
  const requestsOn = new Map<Socket, number>();
  const server = createServer((request, response) => {
    const count = (requestsOn.get(request.socket) ?? 0) + 1;
    requestsOn.set(request.socket, count);
    if (count > 1) {
      request.socket.destroy();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/dicom+json', 'keep-alive': 'timeout=30' });
    response.end(`[${JSON.stringify(request.url)}]`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const upstream = new DicomwebUpstream({
    orthancUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    authorization: 'Basic eDp5',
    headersTimeoutMs: 5000,
  });
  cleanups.push(() => upstream.close());
  const signal = new AbortController().signal;
  expect(await text(await upstream.get('/studies', undefined, signal))).toBe('["/dicom-web/studies"]');
  const again = await upstream.get('/studies/1.2/series', undefined, signal);
  expect(again.statusCode).toBe(200);
  expect(await text(again)).toBe('["/dicom-web/studies/1.2/series"]');
  expect(requestsOn.size).toBe(2);
});
