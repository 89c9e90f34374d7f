// Serves the prebuilt OHIF viewer under /viewer/ (issue #7): the installed dist with the few
// rewrites serving it off the root needs (viewer-rewrite.ts), a generated app-config.js
// (viewer-app-config.ts), our extension and mode under /viewer/outside/, gzip and brotli
// (compressed-files.ts), and the viewer's own CSP (viewer-csp.ts). Any other path is a route of
// OHIF's single-page app and gets index.html. /viewer/dicom-web/ belongs to the DICOMweb proxy.
//
// These files hold no patient data, so they are served without a session; the proxy and the API
// decide who sees which study. Hashed bundles never change and may be cached for a year;
// index.html and app-config.js name the current ones and are never cached.

import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Express, NextFunction, Request, Response } from 'express';
import type { Config } from '../config/config-schema.ts';
import type { Logger } from '../logger.ts';
import { acceptedCodings } from './accept-encoding.ts';
import { CompressedFiles, type ServedFile } from './compressed-files.ts';
import { viewerAppConfig } from './viewer-app-config.ts';
import { inlineScriptHashes, viewerCsp } from './viewer-csp.ts';
import { resolveViewerPrincipal, type ViewerPrincipalResolver } from './viewer-principal.ts';
import { rewriteViewerFile } from './viewer-rewrite.ts';

export const VIEWER_PATH = '/viewer';
const VIEWER_BASE = `${VIEWER_PATH}/`;
/** Our modules, in the extension's build output (ohif-extension/scripts/build.ts). */
export const EXTENSION_FOLDER = 'outside';
export const EXTENSION_ENTRY = 'outside-extension.js';
export const MODE_ENTRY = 'outside-mode.js';
/** The read-only mode of share links' recipients (issue #8). */
export const SHARED_MODE_ENTRY = 'outside-shared-mode.js';

/** Below /viewer/, the DICOMweb proxy's part: passed on untouched. */
const PROXY_PATH = /^\/dicom-web(?:\/|$)/;
/** Content-hashed names (`app.bundle.0f6159c501addfe9.js`, `0ddf166f7a343eda.wasm`): never change. */
const HASHED_NAME = /(?:^|\.)[0-9a-f]{16}\.(?:js|css|wasm|woff2)$/;
/**
 * Files of the dist that are not part of the viewer here: its default configuration (replaced),
 * its Workbox service worker (never registered: init-service-worker.js unregisters it, and it
 * would load Workbox from a CDN) and the deployment files of static hosting services.
 */
const NOT_SERVED = new Set(['app-config.js', 'sw.js', '_headers', '_redirects', 'serve.json']);
const ONE_YEAR_SECONDS = 365 * 24 * 3600;
const NOT_INSTALLED = 'viewer not installed: run bash scripts/install-ohif.sh\n';

type ViewerConfig = Config['viewer'];

/** index.html as served, and the CSP that allows its inline scripts. */
type ViewerIndex = { file: ServedFile; csp: string; preload: string[] };

export function mountViewer(
  app: Express,
  services: { config: Pick<Config, 'viewer'>; log: Logger },
  options: { resolvers?: readonly ViewerPrincipalResolver[] } = {},
): void {
  const viewer = new ViewerFiles(services.config.viewer, services.log, options.resolvers ?? []);
  viewer.reportInstallation();
  app.use(VIEWER_PATH, (request: Request, response: Response, next: NextFunction) => {
    viewer.handle(request, response, next).catch(next);
  });
}

class ViewerFiles {
  readonly #config: ViewerConfig;
  readonly #log: Logger;
  readonly #ohif: CompressedFiles;
  readonly #extension: CompressedFiles;
  readonly #resolvers: readonly ViewerPrincipalResolver[];
  #index: { hash: string; index: Promise<ViewerIndex> } | undefined;

  constructor(config: ViewerConfig, log: Logger, resolvers: readonly ViewerPrincipalResolver[]) {
    this.#config = config;
    this.#log = log;
    this.#resolvers = resolvers;
    this.#ohif = new CompressedFiles({
      cacheDir: config.cacheDir,
      log,
      transform: (sourcePath, content) =>
        rewriteViewerFile(relative(config.ohifDir, sourcePath).split(sep).join('/'), content, VIEWER_BASE),
    });
    this.#extension = new CompressedFiles({ cacheDir: config.cacheDir, log });
  }

  reportInstallation(): void {
    if (!existsSync(join(this.#config.ohifDir, 'index.html'))) {
      this.#log.warn({ ohifDir: this.#config.ohifDir }, NOT_INSTALLED.trim());
    } else if (!this.#extensionBuilt()) {
      this.#log.warn(
        { extensionDir: this.#config.extensionDir },
        'OHIF extension not built (npm run build:ohif-extension): the viewer runs without the outside-study mode',
      );
    }
  }

  async handle(request: Request, response: Response, next: NextFunction): Promise<void> {
    if (PROXY_PATH.test(request.path) || (request.method !== 'GET' && request.method !== 'HEAD')) return next();
    // Relative URLs in OHIF's pages resolve against /viewer/, not /.
    const [pathname = '', query] = request.originalUrl.split(/\?(.*)/s);
    if (pathname === VIEWER_PATH) {
      response.redirect(308, query === undefined ? VIEWER_BASE : `${VIEWER_BASE}?${query}`);
      return;
    }

    const index = await this.#loadIndex();
    response.set('content-security-policy', index?.csp ?? viewerCsp([]));
    response.vary('accept-encoding');
    if (index === undefined) {
      sendText(response, 503, NOT_INSTALLED);
      return;
    }

    const filePath = relativePathOf(request.path);
    if (filePath === undefined) return sendText(response, 404, 'not found\n');
    if (filePath === '' || filePath === 'index.html') return this.#sendIndex(request, response, index);
    if (filePath === 'app-config.js') return this.#sendAppConfig(request, response);
    if (filePath.startsWith(`${EXTENSION_FOLDER}/`)) {
      const file = await this.#extension.file(join(this.#config.extensionDir, filePath.slice(EXTENSION_FOLDER.length)));
      if (file === undefined) return sendText(response, 404, 'not found\n');
      return this.#send(this.#extension, request, response, file, 'no-cache');
    }
    if (this.#excluded(filePath)) return sendText(response, 404, 'not found\n');

    const file = await this.#ohif.file(join(this.#config.ohifDir, filePath));
    if (file !== undefined) {
      const cacheControl = HASHED_NAME.test(basename(filePath))
        ? `public, max-age=${ONE_YEAR_SECONDS}, immutable`
        : 'no-cache';
      return this.#send(this.#ohif, request, response, file, cacheControl);
    }
    // OHIF's routes (/viewer/outside-review?StudyInstanceUIDs=...) are pages of its single-page
    // app. A missing script or image is not: it gets a 404, not a page the browser cannot run.
    if (!basename(filePath).includes('.') || (request.get('accept') ?? '').includes('text/html')) {
      return this.#sendIndex(request, response, index);
    }
    sendText(response, 404, 'not found\n');
  }

  #excluded(filePath: string): boolean {
    const [top = ''] = filePath.split('/');
    if (top === 'ort') return !this.#config.serveOrt;
    if (top === 'dicom-microscopy-viewer') return !this.#config.serveMicroscopy;
    return NOT_SERVED.has(filePath);
  }

  #extensionBuilt(): boolean {
    return [EXTENSION_ENTRY, MODE_ENTRY, SHARED_MODE_ENTRY].every((name) =>
      existsSync(join(this.#config.extensionDir, name)),
    );
  }

  /** index.html, rewritten, with the hashes of its inline scripts; undefined when not installed. */
  async #loadIndex(): Promise<ViewerIndex | undefined> {
    const file = await this.#ohif.file(join(this.#config.ohifDir, 'index.html'));
    if (file === undefined) return undefined;
    if (this.#index?.hash !== file.hash) {
      const index = readFile(file.path, 'utf8').then((html) => ({
        file,
        csp: viewerCsp(inlineScriptHashes(html)),
        preload: preloadedFiles(html),
      }));
      this.#index = { hash: file.hash, index };
      index.catch(() => {
        this.#index = undefined;
      });
    }
    return this.#index.index;
  }

  async #sendIndex(request: Request, response: Response, index: ViewerIndex): Promise<void> {
    // The browser asks for the app bundle (17 MB) as soon as it has read index.html: compress it now.
    const codings = acceptedCodings(request.get('accept-encoding'));
    for (const path of index.preload) this.#ohif.warm(join(this.#config.ohifDir, path), codings);
    return this.#send(this.#ohif, request, response, index.file, 'no-store');
  }

  async #sendAppConfig(request: Request, response: Response): Promise<void> {
    const built = this.#extensionBuilt();
    const base = `${VIEWER_BASE}${EXTENSION_FOLDER}/`;
    // A share link's recipient gets the read-only mode and no study list; everyone else ours.
    const principal = await resolveViewerPrincipal(request, this.#resolvers);
    const shared = principal?.kind === 'share';
    const text = viewerAppConfig({
      routerBasename: VIEWER_PATH,
      extensionUrls: built ? [`${base}${EXTENSION_ENTRY}`] : [],
      modeUrls: built ? [`${base}${shared ? SHARED_MODE_ENTRY : MODE_ENTRY}`] : [],
      showStudyList: !shared,
    });
    response.set('cache-control', 'no-store');
    // Express leaves the body out of an answer to HEAD.
    response.type('text/javascript; charset=utf-8').send(text);
  }

  async #send(
    files: CompressedFiles,
    request: Request,
    response: Response,
    file: ServedFile,
    cacheControl: string,
  ): Promise<void> {
    const body = await files.body(file, acceptedCodings(request.get('accept-encoding')));
    response.set('content-type', file.contentType);
    response.set('cache-control', cacheControl);
    response.set('etag', body.etag);
    if (body.coding !== undefined) response.set('content-encoding', body.coding);
    if (matchesEtag(request.get('if-none-match'), body.etag)) {
      response.status(304).end();
      return;
    }
    response.set('content-length', String(body.size));
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    try {
      await pipeline(createReadStream(body.path), response);
    } catch (error) {
      // A client that goes away mid-download (a closed tab) is not a server error.
      if (response.destroyed || (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      this.#log.error({ err: error, path: body.path }, 'viewer file not sent');
      response.destroy();
    }
  }
}

/** The path below /viewer/ as a relative file path; undefined when it could leave the folder. */
export function relativePathOf(requestPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/')) return undefined;
  const segments = decoded.slice(1).split('/');
  const unsafe = segments.some(
    (segment, position) =>
      segment.startsWith('.') || // `..`, `.`, and dotfiles (`.installed`)
      segment.includes('\\') ||
      segment.includes('\0') ||
      (segment === '' && position < segments.length - 1),
  );
  return unsafe ? undefined : segments.join('/');
}

/** Same-origin scripts and stylesheets index.html loads (relative to the dist), to compress early. */
function preloadedFiles(html: string): string[] {
  const files: string[] = [];
  for (const match of html.matchAll(/\b(?:src|href)="\/viewer\/([^"?#]+\.(?:js|css))"/g)) {
    const path = match[1];
    if (path !== undefined && relativePathOf(`/${path}`) === path && !NOT_SERVED.has(path)) files.push(path);
  }
  return files;
}

/** If-None-Match (RFC 9110 section 13.1.2): weak comparison, `*` matches any. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

function sendText(response: Response, status: number, text: string): void {
  response.status(status).set('cache-control', 'no-store').type('text/plain; charset=utf-8').send(text);
}
