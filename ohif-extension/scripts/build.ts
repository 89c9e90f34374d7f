// Builds the extension and the mode into ohif-extension/dist as ES modules the prebuilt viewer can
// import() at run time: `outside-extension.js` and `outside-mode.js` (the names app-config.js
// lists, see plugin-server/src/viewer/serve-viewer.ts), plus shared chunks. React, react-dom and
// zod are bundled in: OHIF exposes none of its own.
//
//   node ohif-extension/scripts/build.ts      (npm run build:ohif-extension)
//
// Tests call ensureExtensionBuilt(), which builds only when dist is older than the sources, once
// per process, and never two builds at once (test files run in parallel processes).

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const EXTENSION_DIR = fileURLToPath(new URL('..', import.meta.url));
export const EXTENSION_DIST_DIR = join(EXTENSION_DIR, 'dist');
const ENTRIES = {
  'outside-extension': join(EXTENSION_DIR, 'src', 'outside-extension.ts'),
  'outside-mode': join(EXTENSION_DIR, 'src', 'outside-mode.ts'),
  'outside-shared-mode': join(EXTENSION_DIR, 'src', 'outside-shared-mode.ts'),
};
/** The panel bundles the sidecar's domain schemas, so they are sources too. */
const SOURCES = [
  join(EXTENSION_DIR, 'src'),
  join(EXTENSION_DIR, 'scripts'),
  join(EXTENSION_DIR, 'package.json'),
  fileURLToPath(new URL('../../plugin-server/src/domain/', import.meta.url)),
];
const BUILD_LOCK = join(
  tmpdir(),
  `outside-ohif-extension-build-${createHash('sha256').update(EXTENSION_DIR).digest('hex').slice(0, 12)}.lock`,
);
const STALE_LOCK_MS = 60_000;

export async function buildExtension(): Promise<void> {
  // Started from vitest, NODE_ENV is `test`; the bundle must be React's production build anyway.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: false,
      root: EXTENSION_DIR,
      mode: 'production',
      logLevel: 'warn',
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      build: {
        outDir: EXTENSION_DIST_DIR,
        emptyOutDir: true,
        // The viewer needs a current Chromium, Firefox or Safari; so do we.
        target: 'es2022',
        minify: true,
        sourcemap: true,
        copyPublicDir: false,
        // React and zod make one chunk of ~330 kB (unminified whitespace); served compressed.
        chunkSizeWarningLimit: 1024,
        lib: {
          entry: ENTRIES,
          formats: ['es'],
          fileName: (_format, name) => `${name}.js`,
        },
        rolldownOptions: { output: { chunkFileNames: 'chunks/[name]-[hash].js' } },
      },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

let built: Promise<void> | undefined;

/** Builds unless dist is newer than every source file. */
export function ensureExtensionBuilt(): Promise<void> {
  built ??= buildIfStale();
  return built;
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function isStale(): boolean {
  const builtAt = Math.min(
    ...Object.keys(ENTRIES).map((name) => {
      const output = join(EXTENSION_DIST_DIR, `${name}.js`);
      return existsSync(output) ? statSync(output).mtimeMs : 0;
    }),
  );
  return SOURCES.some((source) => newestMtime(source) > builtAt);
}

async function buildIfStale(): Promise<void> {
  if (!isStale()) return;
  for (;;) {
    try {
      writeFileSync(BUILD_LOCK, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockIsAbandoned()) rmSync(BUILD_LOCK, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    if (isStale()) await buildExtension();
  } finally {
    rmSync(BUILD_LOCK, { force: true });
  }
}

function lockIsAbandoned(): boolean {
  try {
    if (Date.now() - statSync(BUILD_LOCK).mtimeMs > STALE_LOCK_MS) return true;
    const pid = Number.parseInt(readFileSync(BUILD_LOCK, 'utf8'), 10);
    if (!Number.isSafeInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ESRCH' || code === 'ENOENT';
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildExtension();
}
