// How the sidecar serves the built UI, on a bare express app: which paths get index.html, the
// cache headers, and the answer when the UI has not been built.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveUi } from '../../plugin-server/src/web/static-ui.ts';

async function listen(distDir: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.get('/api/ping', (_request, response) => {
    response.json({ ok: true });
  });
  serveUi(app, distDir);
  app.use((_request, response) => {
    response.status(404).type('text/plain').send('not found');
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('serveUi', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'outside-static-ui-'));
    await mkdir(join(scratch, 'dist', 'assets'), { recursive: true });
    await writeFile(join(scratch, 'dist', 'index.html'), '<!doctype html><title>UI</title>');
    await writeFile(join(scratch, 'dist', 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(join(scratch, 'dist', 'favicon.svg'), '<svg/>');
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('answers page paths with index.html (no-store) and assets as immutable', async () => {
    const server = await listen(join(scratch, 'dist'));
    try {
      for (const path of ['/', '/inbox', '/import', '/some/deep/link']) {
        const page = await fetch(`${server.url}${path}`, { headers: HTML });
        expect(page.status, path).toBe(200);
        expect(await page.text()).toContain('<title>UI</title>');
        expect(page.headers.get('cache-control')).toBe('no-store');
      }
      const asset = await fetch(`${server.url}/assets/index-abc123.js`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await fetch(`${server.url}/favicon.svg`)).status).toBe(200);
      const head = await fetch(`${server.url}/inbox`, { method: 'HEAD', headers: HTML });
      expect(head.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('never answers API, probe, OpenAPI, viewer, asset or non-HTML requests with the page', async () => {
    const server = await listen(join(scratch, 'dist'));
    try {
      expect(await (await fetch(`${server.url}/api/ping`, { headers: HTML })).json()).toEqual({ ok: true });
      for (const path of [
        '/api/nothing',
        '/healthz',
        '/readyz',
        '/openapi.json',
        '/viewer',
        '/viewer/x',
        '/assets/gone.js',
      ]) {
        const response = await fetch(`${server.url}${path}`, { headers: HTML });
        expect(response.status, path).toBe(404);
      }
      expect((await fetch(`${server.url}/inbox`, { headers: { accept: 'application/json' } })).status).toBe(404);
      expect((await fetch(`${server.url}/inbox`, { method: 'POST', headers: HTML })).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('says how to build the UI when it has not been built', async () => {
    const server = await listen(join(scratch, 'missing'));
    try {
      const page = await fetch(`${server.url}/inbox`, { headers: HTML });
      expect(page.status).toBe(503);
      expect(await page.text()).toBe('web UI not built: run npm run build:web\n');
      expect((await fetch(`${server.url}/api/ping`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
