import { createHash } from 'node:crypto';

// The Content-Security-Policy of every /viewer/ response. OHIF needs more than the sidecar's own
// pages: WebAssembly codecs ('wasm-unsafe-eval'), workers started from blob: URLs, inline styles
// (its UI library sets style attributes) and data: fonts. Its index.html has two inline scripts;
// they are allowed by their hashes rather than by 'unsafe-inline', so an injected script still
// cannot run. Everything is fetched from this origin only: images through the DICOMweb proxy.

const INLINE_SCRIPT = /<script(?:\s[^>]*)?>([\s\S]*?)<\/script>/gi;
const HAS_SRC = /^<script[^>]*\ssrc\s*=/i;

/** `'sha256-...'` sources of the inline scripts of an HTML page (those without `src`). */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(INLINE_SCRIPT)) {
    const body = match[1] ?? '';
    if (HAS_SRC.test(match[0]) || body === '') continue;
    hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  return hashes;
}

export function viewerCsp(scriptHashes: readonly string[]): string {
  return [
    "default-src 'self'",
    ["script-src 'self'", ...scriptHashes, "'wasm-unsafe-eval'"].join(' '),
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
