import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../config/config-schema.ts';
import { createLogger } from '../logger.ts';
import { mountViewer, relativePathOf } from './serve-viewer.ts';

// A miniature OHIF dist with the same kinds of files (and rewrite markers) as the real one; the
// browser test (test/browser/viewer-smoke.test.ts) serves the real one.
const INDEX =
  '<!doctype html><html><head><script>window.PUBLIC_URL="/"</script>' +
  '<link rel="manifest" href="/manifest.json"><script src="/app-config.js"></script>' +
  '<script defer src="/app.bundle.0123456789abcdef.js"></script><link href="/app.bundle.css" rel="stylesheet">' +
  '</head><body><div id="root"></div></body></html>';
/** Big and repetitive enough that compression pays. */
const BUNDLE = `(() => {\n__webpack_require__.p = "/";\n})();\n${'console.log("chunk");\n'.repeat(4000)}`;
const WASM = Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), Buffer.alloc(4096)]);

describe('mountViewer', () => {
  let root: string;
  let server: Server;
  let baseUrl: string;
  let cacheDir: string;

  function write(path: string, content: string | Buffer): void {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
  }

  async function start(viewer: Record<string, unknown>): Promise<{ server: Server; url: string }> {
    const app = express();
    // As in app.ts: the sidecar's own defaults, which the viewer's responses must replace.
    app.use((_request, response, next) => {
      response.set('cache-control', 'no-store').set('content-security-policy', "default-src 'self'");
      next();
    });
    app.use('/viewer/dicom-web', (_request, response) => {
      response.status(418).send('proxy');
    });
    const config = configSchema.parse({ viewer });
    mountViewer(app, { config, log: createLogger('silent') });
    const listening = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listening.once('listening', resolve));
    return { server: listening, url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}` };
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'outside-viewer-'));
    const ohif = join(root, 'ohif');
    write(join(ohif, 'index.html'), INDEX);
    write(join(ohif, 'app-config.js'), 'window.config = { dataSources: ["the public demo server"] };');
    write(join(ohif, 'app.bundle.0123456789abcdef.js'), BUNDLE);
    write(join(ohif, 'app.bundle.css'), `@font-face{src:url(/0123456789abcdef.woff2)}${'.a{color:red}'.repeat(200)}`);
    write(join(ohif, 'manifest.json'), '{"icons":[{"src":"/assets/icon.png"}]}');
    write(join(ohif, '0123456789abcdef.wasm'), WASM);
    write(join(ohif, 'assets', 'icon.png'), randomBytes(2048));
    write(join(ohif, 'ort', 'ort-wasm.wasm'), WASM);
    write(join(ohif, 'dicom-microscopy-viewer', 'dicomMicroscopyViewer.min.js'), 'export {}');
    write(join(ohif, 'sw.js'), 'importScripts("https://cdn.example/workbox.js")');
    write(join(ohif, '.installed'), '@ohif/app@3.13.2');
    write(join(root, 'extension', 'outside-extension.js'), 'export default { id: "@outside/ohif-extension" };');
    write(join(root, 'extension', 'outside-mode.js'), 'export default { id: "outside-review" };');
    write(join(root, 'extension', 'outside-shared-mode.js'), 'export default { id: "outside-shared" };');
    cacheDir = join(root, 'cache');
    ({ server, url: baseUrl } = await start({ ohifDir: ohif, extensionDir: join(root, 'extension'), cacheDir }));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}${path}`, { headers: { 'accept-encoding': 'identity', ...headers }, redirect: 'manual' });

  it('serves index.html rewritten for /viewer/, never cached, with the viewer CSP', async () => {
    const response = await get('/viewer/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    expect(html).toContain('window.PUBLIC_URL="/viewer/"');
    expect(html).toContain('src="/viewer/app.bundle.0123456789abcdef.js"');
    expect(html).toContain('href="/viewer/manifest.json"');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+' 'wasm-unsafe-eval'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect((await get('/viewer/index.html')).status).toBe(200);
  });

  it('redirects /viewer to /viewer/, keeping the query', async () => {
    const response = await get('/viewer?StudyInstanceUIDs=1.2.3');
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe('/viewer/?StudyInstanceUIDs=1.2.3');
  });

  it('answers OHIF routes with index.html, and a missing script with 404', async () => {
    const route = await get('/viewer/outside-review?StudyInstanceUIDs=1.2.3');
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<div id="root">');
    expect((await get('/viewer/missing.bundle.0123456789abcdef.js')).status).toBe(404);
    expect((await get('/viewer/a.b', { accept: 'text/html' })).status).toBe(200);
  });

  it('generates app-config.js with our extension and mode, never cached', async () => {
    const response = await get('/viewer/app-config.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    expect(text).toContain('"/viewer/outside/outside-extension.js"');
    expect(text).toContain('"/viewer/outside/outside-mode.js"');
    expect(text).not.toContain('the public demo server');
  });

  it('serves scripts as JavaScript and WebAssembly as application/wasm, hashed ones immutable', async () => {
    const bundle = await get('/viewer/app.bundle.0123456789abcdef.js');
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(bundle.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await bundle.text()).toContain('__webpack_require__.p = "/viewer/";');
    const wasm = await get('/viewer/0123456789abcdef.wasm');
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(Buffer.from(await wasm.arrayBuffer())).toEqual(WASM);
    const css = await get('/viewer/app.bundle.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.headers.get('cache-control')).toBe('no-cache');
    expect(await css.text()).toContain('url(/viewer/0123456789abcdef.woff2)');
    expect(await (await get('/viewer/manifest.json')).text()).toContain('"/viewer/assets/icon.png"');
  });

  it('compresses with brotli or gzip as the client accepts, and caches the result on disk', async () => {
    const plain = Buffer.from(await (await get('/viewer/app.bundle.0123456789abcdef.js')).arrayBuffer());
    const br = await get('/viewer/app.bundle.0123456789abcdef.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toMatch(/accept-encoding/i);
    // fetch decodes the body; the wire size is in content-length.
    expect(Number(br.headers.get('content-length'))).toBeLessThan(plain.length / 10);
    expect(Buffer.from(await br.arrayBuffer())).toEqual(plain);
    const gzip = await get('/viewer/app.bundle.0123456789abcdef.js', { 'accept-encoding': 'gzip' });
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    expect(Buffer.from(await gzip.arrayBuffer())).toEqual(plain);
    const cached = readdirSync(cacheDir);
    expect(cached.filter((name) => name.endsWith('.br') || name.endsWith('.gz')).length).toBeGreaterThanOrEqual(2);
    expect(cached.some((name) => name.endsWith('.partial'))).toBe(false);
    // Images are not compressed again.
    const png = await get('/viewer/assets/icon.png', { 'accept-encoding': 'br' });
    expect(png.headers.get('content-encoding')).toBeNull();
  });

  it('decodes to the same bytes in both codings (checked without fetch decoding)', async () => {
    const http = await import('node:http');
    const raw = (coding: string) =>
      new Promise<Buffer>((resolve, reject) => {
        http
          .get(
            `${baseUrl}/viewer/app.bundle.0123456789abcdef.js`,
            { headers: { 'accept-encoding': coding } },
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (chunk: Buffer) => chunks.push(chunk));
              res.on('end', () => resolve(Buffer.concat(chunks)));
            },
          )
          .on('error', reject);
      });
    const plain = await raw('identity');
    expect(brotliDecompressSync(await raw('br'))).toEqual(plain);
    expect(gunzipSync(await raw('gzip'))).toEqual(plain);
  });

  it('answers a matching If-None-Match with 304', async () => {
    const first = await get('/viewer/app.bundle.css', { 'accept-encoding': 'br' });
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{32}-br"$/);
    const again = await get('/viewer/app.bundle.css', { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(again.status).toBe(304);
    const otherCoding = await get('/viewer/app.bundle.css', { 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(otherCoding.status).toBe(200);
  });

  it('serves our extension under /viewer/outside/', async () => {
    const response = await get('/viewer/outside/outside-extension.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect((await get('/viewer/outside/nothing.js')).status).toBe(404);
  });

  it('keeps the ONNX runtime, the microscopy viewer, the dist defaults and dotfiles out', async () => {
    for (const path of [
      '/viewer/ort/ort-wasm.wasm',
      '/viewer/dicom-microscopy-viewer/dicomMicroscopyViewer.min.js',
      '/viewer/sw.js',
      '/viewer/.installed',
      '/viewer/assets/..%2f..%2fextension%2foutside-mode.js',
    ]) {
      const response = await get(path, { accept: 'text/html' });
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
  });

  it('serves them when configured', async () => {
    const configured = await start({
      ohifDir: join(root, 'ohif'),
      extensionDir: join(root, 'extension'),
      cacheDir,
      serveOrt: true,
      serveMicroscopy: true,
    });
    try {
      const ort = await fetch(`${configured.url}/viewer/ort/ort-wasm.wasm`);
      expect(ort.status).toBe(200);
      expect(ort.headers.get('content-type')).toBe('application/wasm');
      const microscopy = await fetch(`${configured.url}/viewer/dicom-microscopy-viewer/dicomMicroscopyViewer.min.js`);
      expect(microscopy.status).toBe(200);
    } finally {
      await new Promise((resolve) => configured.server.close(resolve));
    }
  });

  it('leaves /viewer/dicom-web/ to the proxy', async () => {
    const response = await get('/viewer/dicom-web/studies');
    expect(response.status).toBe(418);
  });

  it('answers 503 with what to do when the viewer is not installed', async () => {
    const missing = await start({
      ohifDir: join(root, 'nowhere'),
      extensionDir: join(root, 'extension'),
      cacheDir,
    });
    try {
      const response = await fetch(`${missing.url}/viewer/outside-review`);
      expect(response.status).toBe(503);
      expect(await response.text()).toBe('viewer not installed: run bash scripts/install-ohif.sh\n');
    } finally {
      await new Promise((resolve) => missing.server.close(resolve));
    }
  });

  it('lists neither extension nor mode when the extension is not built', async () => {
    const unbuilt = await start({ ohifDir: join(root, 'ohif'), extensionDir: join(root, 'nowhere'), cacheDir });
    try {
      const text = await (await fetch(`${unbuilt.url}/viewer/app-config.js`)).text();
      expect(text).toContain('"extensions": []');
      expect(text).toContain('"modes": []');
    } finally {
      await new Promise((resolve) => unbuilt.server.close(resolve));
    }
  });
});

describe('relativePathOf', () => {
  it.each([
    ['/', ''],
    ['/app.bundle.css', 'app.bundle.css'],
    ['/assets/icon%20x.png', 'assets/icon x.png'],
    ['/outside-review', 'outside-review'],
    ['/../etc/passwd', undefined],
    ['/%2e%2e/etc/passwd', undefined],
    ['/assets/..%2f..%2fx', undefined],
    ['/a//b', undefined],
    ['/.installed', undefined],
    ['/a%5cb', undefined],
    ['/a%00b', undefined],
    ['/%E0%A4%A', undefined],
  ])('%s', (path, expected) => {
    expect(relativePathOf(path)).toBe(expected);
  });
});
