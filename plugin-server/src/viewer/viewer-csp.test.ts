import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inlineScriptHashes, viewerCsp } from './viewer-csp.ts';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('viewer CSP', () => {
  it('hashes the inline scripts of a page, not those loaded by src', () => {
    const first = 'console.time("scriptToView"),window.PUBLIC_URL="/viewer/"';
    const second = 'function browserImportFunction(n){return import(n)}window.PUBLIC_URL="/viewer/"';
    const html =
      `<head><script>${first}</script><script rel="preload" as="script" src="/viewer/app-config.js"></script>` +
      `<script type="module" src="/viewer/init-service-worker.js"></script><script>${second}</script>` +
      '<script defer="defer" src="/viewer/app.bundle.js"></script></head>';
    expect(inlineScriptHashes(html)).toEqual([sha256(first), sha256(second)]);
  });

  it('allows scripts from the origin and those hashes only, WebAssembly, and no framing', () => {
    const csp = viewerCsp(["'sha256-abc'"]);
    expect(csp).toContain("script-src 'self' 'sha256-abc' 'wasm-unsafe-eval'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(?:inline|eval)'/);
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});
