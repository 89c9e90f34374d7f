// Serves the front-desk web UI (plugin-server/web, built by Vite into plugin-server/web/dist).
// Hashed files under /assets never change, so browsers may keep them for a year; index.html names
// the current hashes and must always be fetched fresh. Every other GET for an HTML page that is
// not an API, health, OpenAPI or viewer path gets index.html: the UI routes with the History API
// (/import, /inbox, /login), so a reload or a bookmark lands on a path only the UI knows.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

/** Where `vite build --config plugin-server/web/vite.config.ts` writes the UI. */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Paths the UI fallback never answers: they belong to the API, probes and the viewer. */
const NOT_UI = /^\/(?:api|healthz|readyz|openapi\.json|viewer)(?:\/|$)/;

const ONE_YEAR_SECONDS = 365 * 24 * 3600;

export function serveUi(app: Express, distDir: string = WEB_DIST_DIR): void {
  const indexPath = join(distDir, 'index.html');

  app.use(
    '/assets',
    express.static(join(distDir, 'assets'), {
      index: false,
      fallthrough: true,
      setHeaders(response) {
        response.set('cache-control', `public, max-age=${ONE_YEAR_SECONDS}, immutable`);
      },
    }),
  );
  // Other files at the top of dist (favicon.svg); index.html is left to the fallback below.
  app.use(
    express.static(distDir, {
      index: false,
      fallthrough: true,
      setHeaders(response, path) {
        response.set('cache-control', path.endsWith('.html') ? 'no-store' : 'no-cache');
      },
    }),
  );

  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    if (NOT_UI.test(request.path) || request.path.startsWith('/assets/')) return next();
    // Browsers navigating to a page send `Accept: text/html,...`; scripts, images and API clients do not.
    if (!(request.get('accept') ?? '').includes('text/html')) return next();
    response.set('cache-control', 'no-store');
    if (!existsSync(indexPath)) {
      response.status(503).type('text/plain').send('web UI not built: run npm run build:web\n');
      return;
    }
    response.sendFile(indexPath, { cacheControl: false }, (error: Error | undefined) => {
      if (error !== undefined && !response.headersSent) next(error);
    });
  });
}
