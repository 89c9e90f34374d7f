// `npm run bench -- viewer`: time to the first rendered image of a 300-slice 512x512 CT in the OHIF
// viewer (headless Debian chromium, SwiftShader), through the sidecar's authenticated DICOMweb
// proxy against, in the same run, the same viewer reading Orthanc's DICOMweb directly. Cold: a
// fresh browser context (empty cache) opening the study's viewer URL; warm: the same context
// opening it again (the viewer's files cached, the study's metadata and pixels fetched anew).
// Both paths serve the viewer's files from the sidecar; only the DICOMweb root differs. The direct
// path is cross-origin, so this benchmark's browser runs without web security and CSP (for both
// paths alike), and its Orthanc has HTTP authentication off (no request of either path is
// intercepted by the browser driver).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureExtensionBuilt } from '../../ohif-extension/scripts/build.ts';
import { makeUid, syntheticInstance } from '../fixtures/synthetic-dicom.ts';
import { launchBrowser } from '../support/browser.ts';
import { startOrthancForTest, startStack, type TestStack } from '../support/stack.ts';
import { createUser } from '../support/users.ts';

const SLICES = 300;
const ROUNDS = 3;
const TARGET_OVERHEAD = 0.1;
const PROXY_ROOT_EXPRESSION = 'window.location.origin + "/viewer/dicom-web"';

type Path = 'proxy' | 'direct';

async function stageCt(stack: TestStack): Promise<string> {
  const services = stack.sidecar.services;
  if (services === undefined) throw new Error('sidecar not started');
  const study = makeUid();
  const series = makeUid();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < SLICES) {
        const sliceIndex = next++;
        const instance = syntheticInstance({ studyInstanceUID: study, seriesInstanceUID: series, sliceIndex });
        await services.orthanc.uploadInstance(instance.bytes);
      }
    }),
  );
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

/** Milliseconds from navigation start until a viewport canvas shows an image. */
async function firstImage(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(
    () => {
      for (const canvas of document.querySelectorAll<HTMLCanvasElement>('canvas.cornerstone-canvas')) {
        if (canvas.width === 0 || canvas.height === 0) continue;
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        if (data === undefined) continue;
        // A sample of the pixels is enough to tell an image from a black or uniform canvas.
        const values = new Set<number>();
        let lit = 0;
        for (let i = 0; i < data.length; i += 4 * 97) {
          const value = (data[i] ?? 0) + (data[i + 1] ?? 0) + (data[i + 2] ?? 0);
          if (value > 0) lit += 1;
          values.add(value);
        }
        if (lit > 20 && values.size > 4) return performance.now();
      }
      return false;
    },
    undefined,
    { timeout: 120_000, polling: 'raf' },
  );
  return (await handle.jsonValue()) as number;
}

async function newContext(
  browser: Browser,
  stack: TestStack,
  path: Path,
  cookie: { name: string; value: string },
): Promise<BrowserContext> {
  const { orthanc } = stack;
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
        body: text.replace(PROXY_ROOT_EXPRESSION, JSON.stringify(`${orthanc.httpUrl}/dicom-web`)),
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
): Promise<{ cold: number; warm: number }> {
  const context = await newContext(browser, stack, path, cookie);
  try {
    const page = await context.newPage();
    const cold = await firstImage(page, url);
    const warm = await firstImage(page, url);
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
  const [stack, browser] = await Promise.all([
    startOrthancForTest({ AuthenticationEnabled: false }).then((orthanc) => startStack({ orthanc })),
    // Only this benchmark's browser: the direct path is cross-origin to Orthanc.
    launchBrowser(['--disable-web-security']),
    ensureExtensionBuilt(),
  ]);
  try {
    const study = await stageCt(stack);
    const cookie = await sessionCookie(stack);
    const url = `/viewer/outside-review?StudyInstanceUIDs=${study}`;
    // One unmeasured load: the sidecar compresses the viewer's files once (cached on disk).
    await measure(browser, stack, 'proxy', cookie, url);
    const results: Record<Path, { cold: number[]; warm: number[] }> = {
      proxy: { cold: [], warm: [] },
      direct: { cold: [], warm: [] },
    };
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const path of round % 2 === 0 ? (['direct', 'proxy'] as const) : (['proxy', 'direct'] as const)) {
        const { cold, warm } = await measure(browser, stack, path, cookie, url);
        results[path].cold.push(cold);
        results[path].warm.push(warm);
      }
    }
    table(results);
  } finally {
    await browser.close();
    await stack.stop();
    await stack.orthanc.stop();
  }
}
