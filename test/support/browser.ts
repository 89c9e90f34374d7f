// Browser tests: Debian's chromium driven by playwright-core (no downloaded browser), a fresh
// context per test, and a record of everything that went wrong in the page (console errors,
// uncaught exceptions, CSP violations, HTTP errors) so tests can assert that nothing did.
// ensureUiBuilt() builds the web UI with Vite when plugin-server/web/dist is missing or older
// than its sources, once per process and never two builds at once (scripts/build-once.ts).

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildOnceWhenStale, withProductionNodeEnv } from '../../scripts/build-once.ts';

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

/** Builds plugin-server/web into dist unless dist/index.html is newer than every source file. */
export function ensureUiBuilt(): Promise<void> {
  return buildOnceWhenStale({
    lockName: 'outside-web-build',
    root: WEB_DIR,
    outputs: [join(WEB_DIST_DIR, 'index.html')],
    sources: UI_SOURCES,
    async build() {
      const { build } = await import('vite');
      await withProductionNodeEnv(() =>
        build({ configFile: join(WEB_DIR, 'vite.config.ts'), mode: 'production', logLevel: 'warn' }),
      );
    },
  });
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

/** Logs in through the login form and waits until the page shows who is logged in. */
export async function logIn(page: Page, user: { username: string; password: string }): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('current-user').waitFor();
}

/** The login page asks for the session before there is one: expected on every page. */
const SESSION_CHECK = '401 GET /api/auth/session';

/**
 * No console errors, uncaught exceptions or CSP violations, and exactly the `expectedHttpErrors`
 * (in order; a RegExp matches one entry), besides the session check before login and any error
 * that one of `ignoredHttpErrors` matches however often it happens.
 */
export function expectNoProblems(
  problems: PageProblems,
  expectedHttpErrors: readonly (string | RegExp)[] = [],
  ignoredHttpErrors: readonly RegExp[] = [],
): void {
  expect(problems.consoleErrors).toEqual([]);
  expect(problems.pageErrors).toEqual([]);
  expect(problems.cspViolations).toEqual([]);
  expect(
    problems.httpErrors.filter(
      (entry) => entry !== SESSION_CHECK && !ignoredHttpErrors.some((pattern) => pattern.test(entry)),
    ),
  ).toEqual(expectedHttpErrors.map((entry) => (typeof entry === 'string' ? entry : expect.stringMatching(entry))));
}
