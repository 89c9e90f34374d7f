// The front desk's whole job in the real UI (issue 3): log in, pick a CD folder, check the summary
// read in the browser, give the MRN, upload with a progress bar that reaches 100 %, read the
// report, find the study in the inbox with its thumbnail. Real sidecar, real Orthanc, Debian's
// chromium under the sidecar's strict CSP.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSyntheticCd, type SyntheticCd } from '../fixtures/synthetic-media.ts';
import { buildZip, folderEntries } from '../fixtures/zip-writer.ts';
import { ensureUiBuilt, expectNoProblems, launchBrowser, logIn, openPage, screenshot } from '../support/browser.ts';
import { startStack, type TestStack } from '../support/stack.ts';
import { createUser } from '../support/users.ts';

const SERIES = 2;
const SLICES = 40;
const MRN = 'MRN-4711';

/** Drops a file on the drop zone as the browser would after a drag from the desktop. */
async function dropFile(page: Page, name: string, bytes: Uint8Array, type: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ name, base64, type }) => {
      const binary = atob(base64);
      const data = new Uint8Array(binary.length);
      for (let index = 0; index < binary.length; index += 1) data[index] = binary.charCodeAt(index);
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name, { type }));
      return transfer;
    },
    { name, base64: Buffer.from(bytes).toString('base64'), type },
  );
  await page.getByTestId('drop-zone').dispatchEvent('dragover', { dataTransfer });
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
}

describe('web UI: front desk imports a CD', () => {
  let stack: TestStack;
  let browser: Browser;
  let scratch: string;
  let cd: SyntheticCd;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'outside-browser-import-'));
    const [, startedStack, startedBrowser, madeCd] = await Promise.all([
      ensureUiBuilt(),
      startStack({ config: { import: { workDir: join(scratch, 'work') } } }),
      launchBrowser(),
      // The folder's name is what the browser reports as the top of every relative path.
      makeSyntheticCd(join(scratch, 'CDROM'), {
        seriesPerStudy: SERIES,
        slicesPerSeries: SLICES,
        rows: 256,
        columns: 256,
      }),
    ]);
    stack = startedStack;
    browser = startedBrowser;
    cd = madeCd;
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  it('logs in, picks a folder, sees the summary, uploads to 100 %, reads the report and finds the study in the inbox', async () => {
    const user = await createUser(stack.sidecar, ['frontdesk']);
    const { page, problems, context } = await openPage(browser, stack.sidecar.url);
    try {
      await logIn(page, user);

      // Pick the CD's folder, as the "Choose folder…" button would.
      await page.getByTestId('folder-input').setInputFiles(cd.root);
      const summary = page.getByTestId('media-summary');
      await summary.waitFor();
      const images = SERIES * SLICES;
      expect(await page.getByTestId('summary-patients').textContent()).toBe('1');
      expect(await page.getByTestId('summary-studies').textContent()).toBe('1');
      expect(await page.getByTestId('summary-series').textContent()).toBe(String(SERIES));
      expect(await page.getByTestId('summary-images').textContent()).toBe(String(images));
      expect(await page.getByTestId('summary-not-dicom').textContent()).toBe(String(cd.junkFiles.length));
      expect(await summary.textContent()).toContain('SYNTHETIC STUDY 1');
      expect(await summary.textContent()).toContain('Synthetic General Hospital');
      await screenshot(page, 'ui-import-summary');

      await page.getByLabel('Department').selectOption('radiology');
      await page.getByLabel('Local MRN').fill(MRN);
      expect(await page.getByLabel('Source').inputValue()).toBe('CDROM');

      // Hold the final request until the test has seen the bar at 100 %: the page stays on the
      // progress view for as long as it takes to look, however fast the upload was.
      let releaseFinish = (): void => undefined;
      const finishHeld = new Promise<void>((resolve) => {
        releaseFinish = resolve;
      });
      await page.route('**/api/imports/*/finish', async (route) => {
        await finishHeld;
        await route.continue();
      });
      // Every value the progress bar takes, to check it only ever moves forward.
      await page.evaluate(() => {
        const seen: number[] = [];
        (window as unknown as { progressValues: number[] }).progressValues = seen;
        new MutationObserver(() => {
          const bar = document.querySelector('progress[aria-label="Upload progress"]');
          if (bar instanceof HTMLProgressElement && seen[seen.length - 1] !== bar.value) seen.push(bar.value);
        }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] });
      });

      // The DICOMDIR goes with the images; the viewer, autorun and documents stay behind.
      await page.getByRole('button', { name: `Upload ${images + 1} files` }).click();
      await page.getByTestId('upload-progress').waitFor();
      await page.waitForFunction(
        () => document.querySelector('[data-testid="upload-percent"]')?.textContent === '100 %',
        undefined,
        { timeout: 60_000 },
      );
      await page.waitForFunction(
        (total) => document.querySelector('[data-testid="upload-files"]')?.textContent === `${total} of ${total}`,
        images + 1,
      );
      expect(await page.getByRole('progressbar', { name: 'Upload progress' }).getAttribute('value')).toBe('100');
      await screenshot(page, 'ui-import-progress');
      const values = await page.evaluate(() => (window as unknown as { progressValues: number[] }).progressValues);
      expect(values[values.length - 1]).toBe(100);
      expect(values).toEqual([...values].sort((a, b) => a - b));
      releaseFinish();

      const report = page.getByTestId('import-report');
      await report.waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('report-count-stored').textContent()).toBe(String(images));
      expect(await page.getByTestId('report-count-corrupt').textContent()).toBe('0');
      expect(await page.getByTestId('report-count-rejected').textContent()).toBe('0');
      const studies = page.getByTestId('report-studies');
      expect(await studies.textContent()).toContain('SYNTHETIC STUDY 1');
      expect(await studies.textContent()).toContain(cd.patient.id);
      expect(await report.textContent()).toContain(MRN);
      await screenshot(page, 'ui-import-report');

      await page.getByRole('button', { name: 'Go to the inbox' }).click();
      await page.getByRole('heading', { name: 'Inbox' }).waitFor();
      const entry = page.getByTestId('inbox-import').filter({ hasText: 'CDROM' });
      await entry.waitFor();
      expect(await entry.textContent()).toContain(`MRN ${MRN}`);
      const study = entry.getByTestId('inbox-study');
      expect(await study.count()).toBe(1);
      expect(await study.textContent()).toContain('SYNTHETIC STUDY 1');
      expect(await study.textContent()).toContain('Synthetic, Patient');
      expect(await study.textContent()).toContain('ready');
      // The thumbnail is a real PNG rendered by Orthanc, fetched through the sidecar.
      await page.waitForFunction(() => {
        const image = document.querySelector('[data-testid="inbox-study"] img');
        return image instanceof HTMLImageElement && image.complete && image.naturalWidth > 0;
      });
      await screenshot(page, 'ui-inbox');

      // Filtering by patient ID keeps the import; an unknown name leaves nothing.
      const filter = page.getByLabel('Filter');
      await filter.fill(cd.patient.id);
      expect(await page.getByTestId('inbox-import').count()).toBe(1);
      await filter.fill('no such patient anywhere');
      expect(await page.getByTestId('inbox-import').count()).toBe(0);
      await page.getByLabel('Study state').selectOption('ready');
      await filter.fill('');
      expect(await page.getByTestId('inbox-import').count()).toBe(1);

      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });
  it('imports a dropped zip: no summary before upload, the server reports what it held', async () => {
    const root = join(scratch, 'ZIPPED');
    const zipped = await makeSyntheticCd(root, { slicesPerSeries: 6, rows: 64, columns: 64 });
    const zip = buildZip(await folderEntries(root));
    const user = await createUser(stack.sidecar, ['frontdesk']);
    const { page, problems, context } = await openPage(browser, stack.sidecar.url);
    try {
      await logIn(page, user);
      await dropFile(page, 'ZIPPED.zip', zip, 'application/zip');
      const summary = page.getByTestId('zip-summary');
      await summary.waitFor();
      expect(await summary.textContent()).toContain('not listed before upload');
      expect(await page.getByLabel('Source').inputValue()).toBe('ZIPPED');
      await screenshot(page, 'ui-import-zip');

      // The department is required: the form says so instead of sending anything.
      await page.getByRole('button', { name: /^Upload zip/ }).click();
      expect(await page.getByRole('alert').textContent()).toBe('Choose the department the images are for.');
      await page.getByLabel('Department').selectOption('cardiology');
      await page.getByRole('button', { name: /^Upload zip/ }).click();

      const report = page.getByTestId('import-report');
      await report.waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('report-count-stored').textContent()).toBe(String(zipped.instances.length));
      expect(await page.getByTestId('report-studies').textContent()).toContain(zipped.patient.id);
      // The junk inside the zip is reported by the server, as not DICOM.
      expect(Number(await page.getByTestId('report-count-notDicom').textContent())).toBeGreaterThanOrEqual(
        zipped.junkFiles.length,
      );

      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  it("shows the server's refusal of a zip bomb", async () => {
    const bomb = buildZip([{ name: 'bomb.bin', data: new Uint8Array(50 * 1024 * 1024), method: 'deflate' }]);
    const user = await createUser(stack.sidecar, ['frontdesk']);
    const { page, problems, context } = await openPage(browser, stack.sidecar.url);
    try {
      await logIn(page, user);
      await page
        .getByTestId('zip-input')
        .setInputFiles({ name: 'bomb.zip', mimeType: 'application/zip', buffer: bomb });
      await page.getByLabel('Department').selectOption('radiology');
      await page.getByRole('button', { name: /^Upload zip/ }).click();
      const report = page.getByTestId('import-report');
      await report.waitFor({ timeout: 60_000 });
      const alert = report.getByRole('alert').first();
      expect(await alert.textContent()).toMatch(/^The upload stopped: zip refused: /);
      expect(await page.getByTestId('report-count-stored').textContent()).toBe('0');
      await screenshot(page, 'ui-import-refused');

      expectNoProblems(problems, [/^413 /]);
    } finally {
      await context.close();
    }
  });
});
