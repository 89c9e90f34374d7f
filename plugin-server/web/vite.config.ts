// The front-desk UI: `npx vite build --config plugin-server/web/vite.config.ts` writes
// plugin-server/web/dist, which the sidecar serves (plugin-server/src/web/static-ui.ts).
// `npx vite --config plugin-server/web/vite.config.ts` runs a dev server that forwards /api to a
// running sidecar (OUTSIDE_DEV_API, default http://127.0.0.1:8080).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig(({ command }) => ({
  root,
  base: '/',
  plugins: [react()],
  // A build is always the production build of React, even when started from a test runner that
  // has set NODE_ENV=test (test/support/browser.ts builds the UI from inside vitest).
  define: command === 'build' ? { 'process.env.NODE_ENV': JSON.stringify('production') } : {},
  build: {
    outDir: fileURLToPath(new URL('dist', import.meta.url)),
    emptyOutDir: true,
    // The sidecar's CSP allows scripts and styles from 'self' only: no inline code, so nothing
    // may be inlined into index.html, and the module preload polyfill is not needed by the
    // browsers we support.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
  },
  server: {
    // The UI reuses the pure DICOM detection of the sidecar's scanner (../src/import) and the
    // HL7 bridge's state lists (hl7-bridge/src/db/hl7-schema.ts).
    fs: { allow: [fileURLToPath(new URL('../..', import.meta.url))] },
    proxy: { '/api': process.env.OUTSIDE_DEV_API ?? 'http://127.0.0.1:8080' },
  },
}));
