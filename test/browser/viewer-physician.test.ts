// The physician's flow in the OHIF viewer (issue #7), in Debian's chromium against a real stack:
// open an outside study from the study list in our mode, see an image actually rendered, read the
// provenance in the "Outside study" panel and request a second read from it (state in the panel,
// the database and the audit log). And the same pages with a study whose patient name and
// description are HTML: shown as text everywhere, no script runs.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUid, syntheticInstance } from '../fixtures/synthetic-dicom.ts';
import { expectNoProblems, logIn, openPage, screenshot } from '../support/browser.ts';
import { importFolderAsFrontDesk, servicesOf, type TestStack } from '../support/stack.ts';
import { startViewerStack, type ViewerStack } from '../support/viewer-stack.ts';
import { createUser, loggedIn } from '../support/users.ts';
import { viewportImageShown } from '../support/viewer-image.ts';

const XSS = '<img src=x onerror=window.__xss=1>';

describe('a physician in the OHIF viewer', () => {
  let stack: TestStack;
  let browser: Browser;
  let scratch: string;
  let viewer: ViewerStack | undefined;
  const plain = { study: makeUid(), series: makeUid() };
  const hostile = { study: makeUid(), series: makeUid() };

  async function importStudy(
    folder: string,
    uids: { study: string; series: string },
    patient: { id: string; name: string },
    description: string,
  ): Promise<void> {
    const root = join(scratch, folder);
    await mkdir(root, { recursive: true });
    for (let slice = 0; slice < 3; slice += 1) {
      const instance = syntheticInstance({
        patient: { ...patient, birthDate: '19700101', sex: 'O' },
        studyInstanceUID: uids.study,
        seriesInstanceUID: uids.series,
        studyDescription: description,
        institutionName: 'Elsewhere General',
        sliceIndex: slice,
        rows: 128,
        columns: 128,
      });
      await writeFile(join(root, `IM${slice}`), instance.bytes);
    }
    await importFolderAsFrontDesk(stack, root, { department: 'RAD', sourceLabel: `${folder} CD`, patient: {} });
  }

  beforeAll(async () => {
    viewer = await startViewerStack('viewer-physician');
    ({ stack, browser, scratch } = viewer);
    await importStudy('plain', plain, { id: 'EXT-PHYS-1', name: 'OUTSIDE^PATIENT' }, 'CT CHEST OUTSIDE');
    await importStudy('hostile', hostile, { id: 'EXT-XSS-1', name: XSS }, XSS);
  }, 120_000);

  afterAll(async () => {
    await viewer?.close();
  });

  const db = () => servicesOf(stack).db;

  it('opens a study from the study list in our mode, renders it, and requests a second read from the panel', async () => {
    const user = await createUser(stack.sidecar, ['physician']);
    const { page, problems, context } = await openPage(browser, stack.sidecar.url);
    try {
      await logIn(page, user);
      await page.goto('/viewer/');
      await page.getByText('OUTSIDE, PATIENT').click({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Outside review' }).click();
      await page.waitForURL(`**/viewer/outside-review?StudyInstanceUIDs=${plain.study}`);

      // Times out unless a viewport shows an image: lit pixels in several shades.
      await viewportImageShown(page);

      const provenance = page.getByTestId('outside-provenance');
      await provenance.waitFor({ timeout: 30_000 });
      const provenanceText = (await provenance.textContent()) ?? '';
      expect(provenanceText).toContain('EXT-PHYS-1');
      expect(provenanceText).toContain('Elsewhere General');
      expect(provenanceText).toContain('test-frontdesk');
      await screenshot(page, 'viewer-physician-panel');

      await page.getByTestId('outside-action-second-read').click();
      const confirm = page.getByTestId('outside-confirm');
      await confirm.getByLabel('Reason').fill('tumour board on Monday');
      await page.getByTestId('outside-confirm-ok').click();
      const result = page.getByTestId('outside-result');
      await expect.poll(() => result.getAttribute('data-kind'), { timeout: 15_000 }).toBe('success');
      // The panel shows the new tag at once and no longer offers the action.
      await page.locator('[data-testid="outside-state"] [data-tag="second-read"]').waitFor();
      expect(await page.getByTestId('outside-action-second-read').count()).toBe(0);
      await screenshot(page, 'viewer-physician-second-read');

      const study = await db()
        .selectFrom('studies')
        .select('id')
        .where('study_instance_uid', '=', plain.study)
        .executeTakeFirstOrThrow();
      const tag = await db()
        .selectFrom('study_tags')
        .selectAll()
        .where('study_id', '=', study.id)
        .executeTakeFirstOrThrow();
      expect(tag).toMatchObject({ tag: 'second-read', tagged_by: user.username, note: 'tumour board on Monday' });
      const audit = await db()
        .selectFrom('audit_events')
        .select(['details', 'username'])
        .where('event_name', '=', 'studyUpdated')
        .where('object_id', '=', study.id)
        .execute();
      expect(audit).toEqual([
        {
          username: user.username,
          details: JSON.stringify({ action: 'second read requested', orderRequested: null }),
        },
      ]);
      // Opening the study through the proxy was audited too.
      const opened = await db()
        .selectFrom('audit_events')
        .select('event_name')
        .where('event_name', '=', 'instancesAccessed')
        .where('object_id', '=', study.id)
        .where('username', '=', user.username)
        .execute();
      expect(opened.length).toBeGreaterThan(0);
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  it('shows HTML in a patient name and description as text in the study list, the panel and the sidecar pages', async () => {
    const user = await createUser(stack.sidecar, ['radiology']);
    const { page, problems, context } = await openPage(browser, stack.sidecar.url);
    const xssRan = () => page.evaluate(() => (window as unknown as { __xss?: number }).__xss);
    try {
      await logIn(page, user);
      for (const path of ['/inbox', '/worklist']) {
        await page.goto(path);
        await page.getByText(XSS).first().waitFor({ timeout: 15_000 });
        expect(await page.locator('img[src="x"]').count(), path).toBe(0);
        expect(await xssRan(), path).toBeUndefined();
      }

      await page.goto('/viewer/');
      // OHIF shows the name in its list as "family, given": the whole tag is the family name here.
      await page.getByText(XSS).first().waitFor({ timeout: 30_000 });
      expect(await page.locator('img[src="x"]').count()).toBe(0);

      await page.goto(`/viewer/outside-review?StudyInstanceUIDs=${hostile.study}`);
      const panel = page.getByTestId('outside-panel');
      await panel.waitFor({ timeout: 30_000 });
      await panel.getByText(XSS).first().waitFor();
      // In a person name `=` starts the ideographic group (PS3.5 6.2): what is shown is the
      // alphabetic part, `<img src`, as text.
      expect(await page.getByTestId('outside-provenance').textContent()).toContain('<img src');
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      expect(await xssRan()).toBeUndefined();
      await screenshot(page, 'viewer-xss-panel');
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  it("gives a share link's recipient the one study, read-only, until the link is revoked", async () => {
    const physician = await loggedIn(stack.sidecar, ['physician']);
    const study = await db()
      .selectFrom('studies')
      .select('id')
      .where('study_instance_uid', '=', plain.study)
      .executeTakeFirstOrThrow();
    const created = await physician.post<{ link: { id: string }; url: string }>('/api/shares', {
      studyId: study.id,
      recipient: 'Dr. Referrer',
      purpose: 'second opinion',
    });
    expect(created.status).toBe(201);
    const shareUrl = created.body.url.replace(/^https?:\/\/[^/]+/, '');

    // A fresh browser: no account, no session.
    const { page, problems, context } = await openPage(browser, stack.sidecar.url);
    try {
      await page.goto(shareUrl);
      await page.waitForURL(`**/viewer/outside-shared?StudyInstanceUIDs=${plain.study}`, { timeout: 30_000 });
      await viewportImageShown(page);
      // Read-only: no panel, no actions.
      expect(await page.getByTestId('outside-panel').count()).toBe(0);
      await screenshot(page, 'viewer-shared');

      const status = (path: string) =>
        page.evaluate(
          async (url) => (await fetch(url, { headers: { accept: 'application/dicom+json' } })).status,
          path,
        );
      const wado = `/viewer/dicom-web/studies/${plain.study}/series/${plain.series}/metadata`;
      expect(await status(wado)).toBe(200);
      expect(await status(`/viewer/dicom-web/studies/${hostile.study}/series`)).toBe(403);
      expect(await status(`/viewer/dicom-web/studies/${hostile.study}/series/${hostile.series}/metadata`)).toBe(403);
      expect(await status('/api/studies')).toBe(401);
      const listed = await page.evaluate(async () => {
        const response = await fetch('/viewer/dicom-web/studies', { headers: { accept: 'application/dicom+json' } });
        return ((await response.json()) as { '0020000D': { Value: string[] } }[]).map((s) => s['0020000D'].Value[0]);
      });
      expect(listed).toEqual([plain.study]);

      // The viewer's configuration has no study list for a recipient.
      const config = await page.evaluate(async () => (await fetch('/viewer/app-config.js')).text());
      expect(config).toContain('"showStudyList": false');
      expect(config).toContain('/viewer/outside/outside-shared-mode.js');
      expect(config).not.toContain('/viewer/outside/outside-mode.js');

      // Revoked while the viewer is open: the next image request is refused.
      expect((await physician.post(`/api/shares/${created.body.link.id}/revoke`, {})).status).toBe(200);
      expect(await status(wado)).toBe(401);

      expect(problems.pageErrors).toEqual([]);
      expect(problems.cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
