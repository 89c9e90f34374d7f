// `npm run bench -- viewer`: time to the first rendered image of a 300-slice 512x512 CT in the OHIF
// viewer (headless Debian chromium, SwiftShader), through the sidecar's authenticated DICOMweb
// proxy against, in the same run, the same viewer reading Orthanc's DICOMweb directly. Cold: a
// fresh browser context (empty cache) opening the study's viewer URL, from navigation start; warm:
// then, in the same context, from choosing the study in the viewer's study list (DESIGN.md's
// "from the study list").
// Both paths serve the viewer's files from the sidecar; only the DICOMweb root differs. The direct
// path reads a second Orthanc holding the same instances, identical but for HTTP authentication
// (off: a browser cannot send Orthanc's credentials without the driver intercepting every request);
// it is cross-origin, so this benchmark's browser runs without web security and CSP, for both
// paths alike.
import { Agent } from 'node:http';
import { startOrthanc, type RunningOrthanc } from '@outside/orthanc-config';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureExtensionBuilt } from '../../ohif-extension/scripts/build.ts';
import { makeUid, syntheticInstance } from '../fixtures/synthetic-dicom.ts';
import { launchBrowser } from '../support/browser.ts';
import { servicesOf, startStack, type TestStack } from '../support/stack.ts';
import { createUser } from '../support/users.ts';
import { viewportImageShown } from '../support/viewer-image.ts';
import { postInstance } from './bench-support.ts';

const SLICES = 300;
const ROUNDS = 3;
const TARGET_OVERHEAD = 0.1;
const PROXY_ROOT_EXPRESSION = 'window.location.origin + "/viewer/dicom-web"';
/** A cold load of 300 slices through SwiftShader may take long on a slow machine. */
const IMAGE_TIMEOUT_MS = 120_000;
/** How OHIF's study list shows the synthetic patient (DEFAULT_PATIENT, `Synthetic^Patient`). */
const PATIENT_IN_LIST = 'Synthetic, Patient';

type Path = 'proxy' | 'direct';

/** The same CT in the staging Orthanc (known to the sidecar) and in the baseline's Orthanc. */
async function stageCt(stack: TestStack, direct: RunningOrthanc): Promise<string> {
  const services = servicesOf(stack);
  const study = makeUid();
  const series = makeUid();
  const agent = new Agent({ keepAlive: true });
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < SLICES) {
        const sliceIndex = next++;
        const instance = syntheticInstance({ studyInstanceUID: study, seriesInstanceUID: series, sliceIndex });
        await services.orthanc.uploadInstance(instance.bytes);
        await postInstance(direct, agent, instance.bytes);
      }
    }),
  );
  agent.destroy();
  await services.changeFeed.sweep();
  return study;
}

async function sessionCookie(stack: TestStack): Promise<{ name: string; value: string }> {
  const user = await createUser(stack.sidecar, ['physician']);
  const response = await fetch(`${stack.sidecar.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  const pair = (response.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  const [name = '', value = ''] = pair.split('=');
  if (response.status !== 200 || value === '') throw new Error(`login failed: HTTP ${response.status}`);
  return { name, value };
}

/** Cold: milliseconds from navigating to the study's viewer URL (empty cache) to its first image. */
async function coldFirstImage(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  return (await viewportImageShown(page, IMAGE_TIMEOUT_MS)).at;
}

/** Warm: from choosing the study in the viewer's study list to its first image. */
async function warmFirstImage(page: Page): Promise<number> {
  await page.goto('/viewer/');
  const row = page.getByText(PATIENT_IN_LIST).first();
  await row.waitFor({ timeout: 60_000 });
  const start = await page.evaluate(() => performance.now());
  await row.click();
  await page.getByRole('button', { name: 'Outside review' }).click();
  return (await viewportImageShown(page, IMAGE_TIMEOUT_MS)).at - start;
}

async function newContext(
  browser: Browser,
  stack: TestStack,
  path: Path,
  cookie: { name: string; value: string },
  direct: RunningOrthanc,
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: stack.sidecar.url,
    viewport: { width: 1280, height: 900 },
    bypassCSP: true,
  });
  await context.addCookies([{ ...cookie, url: stack.sidecar.url }]);
  if (path === 'direct') {
    // The same app-config.js with Orthanc's own DICOMweb root.
    await context.route('**/viewer/app-config.js', async (route) => {
      const response = await route.fetch();
      const text = await response.text();
      if (!text.includes(PROXY_ROOT_EXPRESSION)) throw new Error('app-config.js no longer names the proxy root');
      await route.fulfill({
        response,
        body: text.replace(PROXY_ROOT_EXPRESSION, JSON.stringify(`${direct.httpUrl}/dicom-web`)),
      });
    });
  }
  return context;
}

async function measure(
  browser: Browser,
  stack: TestStack,
  path: Path,
  cookie: { name: string; value: string },
  url: string,
  direct: RunningOrthanc,
): Promise<{ cold: number; warm: number }> {
  const context = await newContext(browser, stack, path, cookie, direct);
  try {
    const page = await context.newPage();
    if (process.env.OUTSIDE_BENCH_DEBUG !== undefined) {
      page.on('console', (message) => console.log(`[${path}] console ${message.type()}: ${message.text()}`));
      page.on('requestfailed', (request) => console.log(`[${path}] failed ${request.url()}`));
      page.on('response', (response) => {
        if (response.status() >= 400) console.log(`[${path}] ${response.status()} ${response.url()}`);
      });
    }
    const cold = await coldFirstImage(page, url);
    const warm = await warmFirstImage(page);
    return { cold, warm };
  } finally {
    await context.close();
  }
}

function table(results: Record<Path, { cold: number[]; warm: number[] }>): void {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const rows: [string, string, string, string][] = [];
  for (const kind of ['cold', 'warm'] as const) {
    const direct = median(results.direct[kind]);
    const proxy = median(results.proxy[kind]);
    rows.push([kind, direct.toFixed(0), proxy.toFixed(0), (proxy / direct).toFixed(2)]);
  }
  const header: [string, string, string, string] = [
    'first image',
    'Orthanc DICOMweb direct (ms)',
    'through the proxy (ms)',
    'ratio proxy/direct',
  ];
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(`\nViewer: first rendered image of a ${SLICES}-slice 512x512 CT, median of ${ROUNDS} rounds\n`);
  console.log(format(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(format(row));
  console.log(
    `\nTarget: the proxy adds < ${TARGET_OVERHEAD * 100} % (ratio < ${1 + TARGET_OVERHEAD}); ` +
      `DESIGN.md: < 3000 ms cold, < 1000 ms warm.` +
      `\nAll rounds (ms): ${JSON.stringify(results)}`,
  );
}

export async function viewerBench(): Promise<void> {
  const [stack, direct, browser] = await Promise.all([
    startStack(),
    // The baseline's Orthanc: the staging configuration without HTTP authentication.
    startOrthanc({ profile: 'staging', authentication: false }),
    // Only this benchmark's browser: the direct path is cross-origin to Orthanc.
    launchBrowser(['--disable-web-security']),
    ensureExtensionBuilt(),
  ]);
  try {
    const study = await stageCt(stack, direct);
    const cookie = await sessionCookie(stack);
    const url = `/viewer/outside-review?StudyInstanceUIDs=${study}`;
    // One unmeasured load: the sidecar compresses the viewer's files once (cached on disk).
    await measure(browser, stack, 'proxy', cookie, url, direct);
    const results: Record<Path, { cold: number[]; warm: number[] }> = {
      proxy: { cold: [], warm: [] },
      direct: { cold: [], warm: [] },
    };
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const path of round % 2 === 0 ? (['direct', 'proxy'] as const) : (['proxy', 'direct'] as const)) {
        const { cold, warm } = await measure(browser, stack, path, cookie, url, direct);
        results[path].cold.push(cold);
        results[path].warm.push(warm);
      }
    }
    table(results);
  } finally {
    await browser.close();
    await stack.stop();
    await direct.stop();
  }
}
