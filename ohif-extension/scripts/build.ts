// Builds the extension and the mode into ohif-extension/dist as ES modules the prebuilt viewer can
// import() at run time: `outside-extension.js` and `outside-mode.js` (the names app-config.js
// lists, see plugin-server/src/viewer/serve-viewer.ts), plus shared chunks. React, react-dom and
// zod are bundled in: OHIF exposes none of its own.
//
//   node ohif-extension/scripts/build.ts      (npm run build:ohif-extension)
//
// Tests call ensureExtensionBuilt(), which builds only when dist is older than the sources, once
// per process, and never two builds at once (scripts/build-once.ts).

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { buildOnceWhenStale, withProductionNodeEnv } from '../../scripts/build-once.ts';

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

export async function buildExtension(): Promise<void> {
  // The bundle must be React's production build, whoever starts the build.
  await withProductionNodeEnv(() =>
    build({
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
    }),
  );
}

/** Builds unless dist is newer than every source file. */
export function ensureExtensionBuilt(): Promise<void> {
  return buildOnceWhenStale({
    lockName: 'outside-ohif-extension-build',
    root: EXTENSION_DIR,
    outputs: Object.keys(ENTRIES).map((name) => join(EXTENSION_DIST_DIR, `${name}.js`)),
    sources: SOURCES,
    build: buildExtension,
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildExtension();
}
