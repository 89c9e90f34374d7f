// The OHIF viewer under /viewer/ (issue #7), with the real prebuilt dist (scripts/install-ohif.sh)
// and our extension and mode: the sidecar serves it rewritten for its path, with its generated
// app-config.js, the right media types, gzip and brotli, and its own CSP, and leaves the ONNX
// runtime out. Then a physician logs in, opens the viewer in Debian's chromium and finds an
// imported outside study in the study list, offered in "Outside review", opens it there
// and sees our panel, with no error in the page.

import { request as httpRequest } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSyntheticCd } from '../fixtures/synthetic-media.ts';
import { expectNoProblems, logIn, openPage, screenshot } from '../support/browser.ts';
import { importFolderAsFrontDesk, type TestStack } from '../support/stack.ts';
import { startViewerStack, type ViewerStack } from '../support/viewer-stack.ts';
import { createUser } from '../support/users.ts';

/** Status, headers and the body as sent (not decoded), for one GET. */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

describe('the OHIF viewer under /viewer/', () => {
  let stack: TestStack;
  let browser: Browser;
  let scratch: string;
  let viewer: ViewerStack | undefined;
  let studyInstanceUid: string;

  beforeAll(async () => {
    viewer = await startViewerStack('viewer-smoke');
    ({ stack, browser, scratch } = viewer);
    const cd = await makeSyntheticCd(join(scratch, 'cd'), {
      patient: { id: 'EXT-VIEWER-1', name: 'VIEWER^SMOKE', birthDate: '19700101', sex: 'O' },
      slicesPerSeries: 2,
      rows: 32,
      columns: 32,
      junk: false,
      dicomdir: false,
    });
    await importFolderAsFrontDesk(stack, cd.root, {
      department: 'RAD',
      sourceLabel: 'viewer smoke CD',
      patient: { mrn: 'MRN-VIEWER-1' },
    });
    studyInstanceUid = cd.studies[0]?.StudyInstanceUID ?? '';
    expect(studyInstanceUid).not.toBe('');
  });

  afterAll(async () => {
    await viewer?.close();
  });

  it('serves the viewer rewritten for /viewer/, typed, compressed, under its CSP, without the ONNX runtime', async () => {
    const base = `${stack.sidecar.url}/viewer/`;
    const index = await fetch(base);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-store');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/^default-src 'self'; script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+ 'wasm-unsafe-eval'; /);
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await index.text();
    expect(html).toContain('window.PUBLIC_URL="/viewer/"');
    expect(html).not.toMatch(/(?:src|href)="\/(?!viewer\/)/);
    const appBundle = /src="\/viewer\/(app\.bundle\.[0-9a-f]+\.js)"/.exec(html)?.[1];
    expect(appBundle).toBeDefined();

    const config = await fetch(`${base}app-config.js`);
    expect(config.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const configText = await config.text();
    expect(configText).toContain('"routerBasename": "/viewer"');
    expect(configText).toContain('"/viewer/outside/outside-extension.js"');
    expect(configText).toContain('"/viewer/outside/outside-mode.js"');
    expect(configText).toContain('window.location.origin + "/viewer/dicom-web"');
    expect(configText).not.toContain('singlepart');

    const identity = await rawGet(`${base}${appBundle}`, { 'accept-encoding': 'identity' });
    expect(identity.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(identity.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(identity.body.toString('latin1')).toContain('__webpack_require__.p = "/viewer/";');
    for (const coding of ['br', 'gzip']) {
      const encoded = await rawGet(`${base}${appBundle}`, { 'accept-encoding': coding });
      expect(encoded.headers['content-encoding'], coding).toBe(coding);
      expect(encoded.headers.vary, coding).toMatch(/accept-encoding/i);
      expect(encoded.body.length, coding).toBeLessThan(identity.body.length / 4);
    }

    const wasmName = (await readdir(stack.sidecar.services?.config.viewer.ohifDir ?? '')).find((name) =>
      name.endsWith('.wasm'),
    );
    const wasm = await fetch(`${base}${wasmName}`, { method: 'HEAD' });
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    const extension = await fetch(`${base}outside/outside-extension.js`, { method: 'HEAD' });
    expect(extension.headers.get('content-type')).toBe('text/javascript; charset=utf-8');

    expect((await fetch(`${base}ort/ort.all.min.js`)).status).toBe(404);
    expect((await fetch(`${base}dicom-microscopy-viewer/dicomMicroscopyViewer.min.js`)).status).toBe(404);
  });

  it('shows a physician the study list with the outside study, offered in our mode', async () => {
    const user = await createUser(stack.sidecar, ['physician']);
    const { page, problems, context } = await openPage(browser, stack.sidecar.url);
    try {
      await logIn(page, user);
      await page.goto('/viewer/');
      // OHIF 3.13's study list: selecting a study shows the workflows (modes) it can be opened in.
      await page.getByText('VIEWER, SMOKE').click({ timeout: 30_000 });
      await page.getByText('Launch workflow').waitFor();
      const workflows = page.getByRole('button', { name: 'Outside review' });
      await workflows.waitFor();
      // The built-in modes are hidden: every study here is reviewed in ours.
      for (const builtIn of ['Basic Viewer', 'Segmentation', 'Microscopy', 'Total Metabolic Tumor Volume']) {
        expect(await page.getByRole('button', { name: builtIn, exact: true }).count(), builtIn).toBe(0);
      }
      await screenshot(page, 'viewer-study-list');

      // Our mode opens with our panel on the right: OHIF's React renders its host, ours the rest.
      await workflows.click();
      await page.waitForURL(`**/viewer/outside-review?StudyInstanceUIDs=${studyInstanceUid}`);
      const provenance = page.getByTestId('outside-provenance');
      await provenance.waitFor({ timeout: 30_000 });
      expect(await provenance.textContent()).toContain('EXT-VIEWER-1');
      await screenshot(page, 'viewer-outside-review');
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });
});
