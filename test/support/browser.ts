// Browser tests: Debian's chromium driven by playwright-core (no downloaded browser), a fresh
// context per test, and a record of everything that went wrong in the page (console errors,
// uncaught exceptions, CSP violations, HTTP errors) so tests can assert that nothing did.
// ensureUiBuilt() builds the web UI with Vite when plugin-server/web/dist is missing or older
// than its sources, once per process and never two builds at once.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.OUTSIDE_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-swiftshader',
];

const WEB_DIR = fileURLToPath(new URL('../../plugin-server/web/', import.meta.url));
export const WEB_DIST_DIR = join(WEB_DIR, 'dist');
/** The UI also bundles the sidecar's pure DICOM detection and domain schemas. */
const UI_SOURCES = [
  join(WEB_DIR, 'src'),
  join(WEB_DIR, 'public'),
  join(WEB_DIR, 'index.html'),
  join(WEB_DIR, 'vite.config.ts'),
  fileURLToPath(new URL('../../plugin-server/src/import/', import.meta.url)),
  fileURLToPath(new URL('../../plugin-server/src/domain/', import.meta.url)),
  fileURLToPath(new URL('../../plugin-server/src/shared/', import.meta.url)),
];
/** Outside the repository, so a build killed half-way leaves nothing behind in the work tree. */
const BUILD_LOCK = join(
  tmpdir(),
  `outside-web-build-${createHash('sha256').update(WEB_DIR).digest('hex').slice(0, 12)}.lock`,
);
/** No build takes this long; a lock this old was left by a process that was killed. */
const STALE_LOCK_MS = 45_000;

let built: Promise<void> | undefined;

/** Builds plugin-server/web into dist unless dist/index.html is newer than every source file. */
export function ensureUiBuilt(): Promise<void> {
  built ??= buildIfStale();
  return built;
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function isStale(): boolean {
  const index = join(WEB_DIST_DIR, 'index.html');
  if (!existsSync(index)) return true;
  const builtAt = statSync(index).mtimeMs;
  return UI_SOURCES.some((source) => newestMtime(source) > builtAt);
}

async function buildIfStale(): Promise<void> {
  if (!isStale()) return;
  // Test files run in parallel processes (and other people's test runs share the work tree): one
  // builds, the others wait for its lock. A lock whose process is gone, or that is older than any
  // build takes, is taken over.
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
    if (!isStale()) return;
    const { build } = await import('vite');
    // vitest sets NODE_ENV=test; Vite and the React plugin would then emit development JSX.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: join(WEB_DIR, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
  } finally {
    rmSync(BUILD_LOCK, { force: true });
  }
}

function lockIsAbandoned(): boolean {
  try {
    if (Date.now() - statSync(BUILD_LOCK).mtimeMs > STALE_LOCK_MS) return true;
    const pid = Number.parseInt(readFileSync(BUILD_LOCK, 'utf8'), 10);
    if (!Number.isSafeInteger(pid) || pid <= 0) return false; // being written right now
    process.kill(pid, 0);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ESRCH: no such process. ENOENT: the lock went away meanwhile (try again at once).
    return code === 'ESRCH' || code === 'ENOENT';
  }
}

/** `extraArgs`: for benchmarks only (e.g. a cross-origin baseline); tests run with the defaults. */
export function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** Things that must not happen in a healthy page, collected while a test runs. */
export type PageProblems = {
  /** console.error and Chromium's own error messages, HTTP error statuses excepted. */
  consoleErrors: string[];
  /** Uncaught exceptions and unhandled rejections. */
  pageErrors: string[];
  /** securitypolicyviolation events: directive and blocked URI. */
  cspViolations: string[];
  /** Responses with status >= 400, as "STATUS METHOD PATH": tests decide which were expected. */
  httpErrors: string[];
};

export type BrowserPage = { context: BrowserContext; page: Page; problems: PageProblems };

/** Chromium logs every 4xx/5xx response as a console error; those are reported in httpErrors. */
const HTTP_STATUS_CONSOLE = /^Failed to load resource: the server responded with a status of \d+/;

export async function openPage(browser: Browser, baseUrl: string): Promise<BrowserPage> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], cspViolations: [], httpErrors: [] };
  // The binding and the init script run outside the page's CSP (CDP), so they see violations
  // without causing any.
  await context.exposeBinding('__outsideReportCsp', (_source, violation: string) => {
    problems.cspViolations.push(violation);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __outsideReportCsp?: (violation: string) => void }).__outsideReportCsp;
      report?.(
        `${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (HTTP_STATUS_CONSOLE.test(text)) return;
    if (/Content Security Policy/i.test(text)) problems.cspViolations.push(text);
    else problems.consoleErrors.push(text);
  });
  page.on('pageerror', (error) => {
    problems.pageErrors.push(error.stack ?? error.message);
  });
  page.on('response', (response) => {
    if (response.status() < 400) return;
    const url = new URL(response.url());
    problems.httpErrors.push(`${response.status()} ${response.request().method()} ${url.pathname}`);
  });
  return { context, page, problems };
}

/** Saves a screenshot to /tmp when OUTSIDE_SCREENSHOTS is set (development aid). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.OUTSIDE_SCREENSHOTS === undefined) return;
  await page.screenshot({ path: join(process.env.OUTSIDE_SCREENSHOTS || '/tmp', `${name}.png`), fullPage: true });
}
