import { extname } from 'node:path';

// Media types of the files of the viewer. They matter more than usual: OHIF imports our extension
// with a native import(), which refuses anything but a JavaScript type, and compiles its codecs
// with WebAssembly.instantiateStreaming, which needs application/wasm. One wrong type blanks the
// viewer. Helmet sends `X-Content-Type-Options: nosniff`, so browsers take these at their word.

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  // OHIF's site customization files (loaded by fetch and parsed as JSON with comments).
  '.jsonc': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webapp': 'application/x-web-app-manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Type of a viewer file, by its name. */
export function contentTypeOf(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Formats that shrink when compressed (images and fonts are compressed already). */
export function isCompressible(contentType: string): boolean {
  return /^(?:text\/|application\/(?:json|wasm|xml|x-web-app-manifest)|image\/(?:svg|x-icon))/.test(contentType);
}
