// Share links in the real UI (issue 8): in Debian's chromium under the sidecar's strict CSP, a
// physician shares a study from the inbox with a PIN and reads the link shown once; a recipient in
// a fresh browser (no account, no session) opens it, is asked for the PIN, is refused a wrong one
// and goes on to the shared viewer with the right one; the physician finds the use on "My shares",
// revokes the link, and the next recipient is told it was withdrawn. Real sidecar and Orthanc; the
// study and the import that brought it are rows put in place (the viewer is not looked at here).

import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertImport, insertStudy } from '../../plugin-server/src/routing/routing-fixtures.ts';
import { makeUid } from '../fixtures/synthetic-dicom.ts';
import {
  ensureUiBuilt,
  expectNoProblems,
  launchBrowser,
  logIn,
  openPage,
  screenshot,
  type PageProblems,
} from '../support/browser.ts';
import { servicesOf, startStack, type TestStack } from '../support/stack.ts';
import { createUser, loggedIn } from '../support/users.ts';

const PIN = '4711';
/** Free text is shown as text: markup in it must come out literally. */
const RECIPIENT = 'Dr. <i>Ada</i> Surgeon';
const DESCRIPTION = 'CT CHEST <b>WITH</b> CONTRAST';
/** insertStudy's patient and study date, as the inbox shows them. */
const STUDY_LABEL = 'TEST, PATIENT, 2025-01-01';

/** The fixture study has no images, so no thumbnail: the inbox's requests for one are refused. */
const NO_THUMBNAIL = /^404 GET \/api\/studies\/[^/]+\/thumbnail$/;

function copyOf(problems: PageProblems): PageProblems {
  return {
    consoleErrors: [...problems.consoleErrors],
    pageErrors: [...problems.pageErrors],
    cspViolations: [...problems.cspViolations],
    httpErrors: [...problems.httpErrors],
  };
}

async function focusedTestId(page: Page): Promise<string | null | undefined> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
}

describe('web UI: share links', () => {
  let stack: TestStack;
  let browser: Browser;
  const study = { id: randomUUID(), uid: makeUid() };

  beforeAll(async () => {
    [, stack, browser] = await Promise.all([ensureUiBuilt(), startStack(), launchBrowser()]);
    const { db } = servicesOf(stack);
    await insertStudy(db, { ...study, state: 'identified', modalities: ['CT'] });
    await db.updateTable('studies').set({ study_description: DESCRIPTION }).where('id', '=', study.id).execute();
    const importId = randomUUID();
    await insertImport(db, { id: importId, uid: study.uid, sourceKind: 'folder', createdAt: new Date().toISOString() });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** Opens `url` in a fresh browser context: a recipient with no account and no cookies. */
  async function asRecipient(url: string) {
    const opened = await openPage(browser, stack.sidecar.url);
    const requests: string[] = [];
    opened.page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (pathname.startsWith('/api/')) requests.push(`${request.method()} ${pathname}`);
    });
    await opened.page.goto(url);
    return { ...opened, requests };
  }

  it('physician shares a study with a PIN; the recipient opens it; the physician sees the use and revokes it', async () => {
    const doctor = await createUser(stack.sidecar, ['physician']);
    const physician = await openPage(browser, stack.sidecar.url);
    const page = physician.page;
    try {
      await logIn(page, doctor);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Inbox', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
      const card = page.getByTestId('inbox-study').filter({ hasText: 'TEST, PATIENT' });
      await card.waitFor();

      await card.getByRole('button', { name: `Share ${STUDY_LABEL}` }).click();
      const form = card.getByTestId('share-form');
      await form.waitFor();
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H3');
      expect(await form.getByLabel('Valid for (days)').inputValue()).toBe('7');
      // Problems are shown at their fields before anything is sent; the first takes the focus.
      await form.getByRole('button', { name: 'Create link' }).click();
      expect(await form.getByText('Say who the link is for').isVisible()).toBe(true);
      expect(await form.getByText('Say why the study is shared').isVisible()).toBe(true);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-invalid'))).toBe('true');
      await form.getByLabel('PIN').fill('12');
      await form.getByLabel('Recipient').fill(RECIPIENT);
      await form.getByLabel('Purpose').fill('surgical planning');
      await form.getByRole('button', { name: 'Create link' }).click();
      expect(await form.getByText('A PIN is 4 to 12 digits.').isVisible()).toBe(true);
      await screenshot(page, 'ui-share-form');
      await form.getByLabel('PIN').fill(PIN);
      await form.getByRole('button', { name: 'Create link' }).click();

      const created = card.getByTestId('share-created');
      await created.waitFor();
      expect(await focusedTestId(page)).toBe('share-created');
      expect(await created.textContent()).toContain('This link is shown only once.');
      expect(await created.getByRole('heading').textContent()).toBe(`Link for ${RECIPIENT}`);
      expect(await created.getByTestId('share-expiry').textContent()).toMatch(
        /^Works until \d{4}-\d\d-\d\d \d\d:\d\d, with the PIN you chose/,
      );
      const url = await created.getByLabel('Link').inputValue();
      expect(url).toMatch(new RegExp(`^${stack.sidecar.url.replace(/[.]/g, '\\.')}/share#[A-Za-z0-9_-]{43}$`));
      // Copied, or (clipboard refused) selected for Ctrl+C: either way the user is told.
      await created.getByRole('button', { name: 'Copy' }).click();
      await expect
        .poll(() => created.getByTestId('share-copy-status').textContent())
        .toMatch(/^(Copied to the clipboard\.|The link is selected: press Ctrl\+C)/);
      await screenshot(page, 'ui-share-created');
      // Done forgets the link: it is not shown again; the focus returns to Share.
      await created.getByRole('button', { name: 'Done' }).click();
      expect(await card.getByTestId('share-created').count()).toBe(0);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
        `Share ${STUDY_LABEL}`,
      );

      // The recipient: a fresh browser, no session. The token leaves the address bar at once.
      const recipient = await asRecipient(url);
      try {
        const pinForm = recipient.page.getByTestId('share-pin-form');
        await pinForm.waitFor();
        expect(recipient.page.url()).toBe(`${stack.sidecar.url}/share`);
        await recipient.page.getByRole('heading', { level: 1, name: 'Outside study shared with you' }).waitFor();
        // The blank page the context started with, and this one: the address was replaced, not added.
        expect(await recipient.page.evaluate(() => window.history.length)).toBe(2);
        const pin = pinForm.getByLabel('PIN');
        expect(await pin.getAttribute('autocomplete')).toBe('off');
        expect(await pin.getAttribute('inputmode')).toBe('numeric');
        expect(await recipient.page.evaluate(() => document.activeElement?.id)).toBe(await pin.getAttribute('id'));
        await screenshot(recipient.page, 'ui-share-pin');

        await pin.fill('0000');
        await pinForm.getByRole('button', { name: 'Open the study' }).click();
        const error = pinForm.getByRole('alert');
        await expect.poll(() => error.textContent()).toBe('Wrong PIN. Check the PIN you were given and try again.');
        expect(await pin.inputValue()).toBe('');
        expect(await recipient.page.evaluate(() => document.activeElement?.id)).toBe(await pin.getAttribute('id'));

        await pin.fill(PIN);
        // What happens in the viewer is another page's business: its problems are not this page's.
        const beforeViewer = copyOf(recipient.problems);
        const requestsBeforeViewer = [...recipient.requests];
        await pinForm.getByRole('button', { name: 'Open the study' }).click();
        await recipient.page.waitForURL(/\/viewer\//);
        expect(recipient.page.url()).toBe(
          `${stack.sidecar.url}/viewer/outside-shared?StudyInstanceUIDs=${encodeURIComponent(study.uid)}`,
        );
        const cookie = (await recipient.context.cookies()).find((entry) => entry.name === 'outside_share');
        expect(cookie).toMatchObject({ path: '/viewer', httpOnly: true, sameSite: 'Strict' });
        // The recipient's page asked for no session, nothing but the exchange (PIN asked, wrong PIN).
        expect(requestsBeforeViewer).toEqual(['POST /api/share/open', 'POST /api/share/open']);
        expectNoProblems(beforeViewer, ['401 POST /api/share/open', '403 POST /api/share/open']);
      } finally {
        await recipient.context.close();
      }

      // "My shares": the link with its one use; revoked after a confirmation.
      await nav.getByRole('link', { name: 'My shares', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'My shares' }).waitFor();
      const row = page.getByTestId('share-link-row').filter({ hasText: RECIPIENT });
      await row.waitFor();
      expect(await page.getByTestId('share-link-row').count()).toBe(1);
      expect(await row.getByTestId('share-recipient').textContent()).toBe(RECIPIENT);
      expect(await row.getByTestId('share-study').textContent()).toBe(`2025-01-01 · ${DESCRIPTION}`);
      expect(await row.getByTestId('share-status').textContent()).toBe('active');
      expect(await row.getByTestId('share-uses').textContent()).toBe('1');
      expect(await row.textContent()).toContain('with PIN');
      expect(await row.textContent()).toContain('surgical planning');
      // No markup from free text reached the DOM.
      expect(await page.locator('table i, table b').count()).toBe(0);

      await row.getByRole('button', { name: `Revoke the link for ${RECIPIENT}` }).click();
      const confirm = row.getByRole('button', { name: `Yes, revoke the link for ${RECIPIENT}` });
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
        `Yes, revoke the link for ${RECIPIENT}`,
      );
      await confirm.click();
      await expect.poll(() => row.getByTestId('share-status').textContent()).toBe('revoked');
      expect(await page.getByTestId('shares-notice').textContent()).toBe(
        `The link for ${RECIPIENT} is revoked: it no longer opens the study.`,
      );
      expect(await row.getByRole('button', { name: /^Revoke/ }).count()).toBe(0);
      await screenshot(page, 'ui-my-shares');
      // The server agrees after a reload.
      await page.reload();
      await expect.poll(() => page.getByTestId('share-status').first().textContent()).toBe('revoked');

      // The next recipient is told the link was withdrawn.
      const late = await asRecipient(url);
      try {
        const message = late.page.getByTestId('shared-study-error');
        await message.waitFor();
        expect(await message.textContent()).toBe('This link was withdrawn by the sender.');
        expect(await late.page.getByTestId('share-pin-form').count()).toBe(0);
        expect(late.page.url()).toBe(`${stack.sidecar.url}/share`);
        await screenshot(late.page, 'ui-share-withdrawn');
        expectNoProblems(late.problems, ['404 POST /api/share/open']);
      } finally {
        await late.context.close();
      }

      expectNoProblems(physician.problems, [], [NO_THUMBNAIL]);
    } finally {
      await physician.context.close();
    }
  });

  it('opens a link without a PIN at once, explains a missing or damaged link, and shows admins every link', async () => {
    const sharer = await loggedIn(stack.sidecar, ['radiology']);
    const response = await sharer.post<{ url: string }>('/api/shares', {
      studyId: study.id,
      recipient: 'Referring GP',
      purpose: 'follow-up',
    });
    expect(response.status).toBe(201);

    const recipient = await asRecipient(response.body.url);
    try {
      await recipient.page.waitForURL(/\/viewer\//);
      expect(new URL(recipient.page.url()).pathname).toBe('/viewer/outside-shared');
    } finally {
      await recipient.context.close();
    }

    // Reloaded after the fragment is gone, or opened without it: nothing is sent.
    const bare = await asRecipient(`${stack.sidecar.url}/share`);
    try {
      await bare.page.getByText('There is no link to open.').waitFor();
      expect(bare.requests).toEqual([]);
      expectNoProblems(bare.problems);
    } finally {
      await bare.context.close();
    }
    const damaged = await asRecipient(`${stack.sidecar.url}/share#${'A'.repeat(43)}`);
    try {
      const message = damaged.page.getByTestId('shared-study-error');
      await message.waitFor();
      expect(await message.textContent()).toMatch(/^This link is not valid\. Check that you opened the whole address/);
      expectNoProblems(damaged.problems, ['404 POST /api/share/open']);
    } finally {
      await damaged.context.close();
    }

    // An admin shares nothing but sees everyone's links, with who shared each.
    const admin = await createUser(stack.sidecar, ['admin']);
    const { page, problems, context } = await openPage(browser, stack.sidecar.url);
    try {
      await logIn(page, admin);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My shares' }).click();
      await page.getByText('You have not shared a study yet.').waitFor();
      await page.getByLabel("Everyone's links").check();
      const rows = page.getByTestId('share-link-row');
      await expect.poll(() => rows.count()).toBe(2);
      const gp = rows.filter({ hasText: 'Referring GP' });
      expect(await gp.getByTestId('share-status').textContent()).toBe('active');
      expect(await gp.getByTestId('share-uses').textContent()).toBe('1');
      expect(await page.getByRole('columnheader', { name: 'Shared by' }).count()).toBe(1);
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });
});
