// Routing to the permanent archive in the real UI (issue 6): in Debian's chromium under the strict
// CSP, an admin creates the radiology PACS as a destination and tests the connection (a real
// C-ECHO through Orthanc to a PACS Orthanc), checks the rules with a dry run and sees a refused
// rule list explained; a physician archives a reconciled study from the inbox and follows its
// archive status; radiology follows the job on the routing page from the keyboard until it is
// verified, and retries and cancels a delivery to an archive that is down. Real sidecar, real
// staging and PACS Orthancs; studies imported from a synthetic CD and reconciled through the API.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startOrthanc, type RunningOrthanc } from '@outside/orthanc-config';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteJob } from '../../plugin-server/src/domain/routing.ts';
import { makeSyntheticCd } from '../fixtures/synthetic-media.ts';
import { ensureUiBuilt, expectNoProblems, launchBrowser, logIn, openPage, screenshot } from '../support/browser.ts';
import type { ApiSession } from '../support/http-session.ts';
import { orthancRest } from '../support/orthanc-rest.ts';
import { importFolderAsFrontDesk, servicesOf, startStack, waitFor, type TestStack } from '../support/stack.ts';
import { createUser, loggedIn } from '../support/users.ts';

const SLICES = 4;

type ReconciledStudy = { studyId: string; uid: string };

describe('web UI: destinations, archive from the inbox, routing queue', () => {
  let stack: TestStack;
  let pacs: RunningOrthanc;
  let browser: Browser;
  let scratch: string;
  let admin: ApiSession;
  let radiology: ApiSession;
  let physician: ApiSession;
  /** Archived from the inbox to the radiology PACS. */
  let study: ReconciledStudy;
  /** Routed to a destination nothing listens on: it waits to retry. */
  let stuck: ReconciledStudy;

  /** Imports a synthetic CD for `department` and reconciles its study by hand, as radiology would. */
  async function importReconciled(name: string, department: string, mrn: string): Promise<ReconciledStudy> {
    const cd = await makeSyntheticCd(join(scratch, name), {
      patient: { id: `EXT-${mrn}`, name: `${name.toUpperCase()}^TEST`, birthDate: '19700101', sex: 'O' },
      slicesPerSeries: SLICES,
      rows: 32,
      columns: 32,
      junk: false,
      dicomdir: false,
    });
    await importFolderAsFrontDesk(stack, cd.root, { department, sourceLabel: `${name} CD`, patient: { mrn } });
    const uid = cd.studies[0]?.StudyInstanceUID ?? '';
    // No order is known: the matcher leaves the study on the worklist for radiology.
    const item = await waitFor('the study on the worklist', async () => {
      const items = (await radiology.get<{ items: { studyId: string; StudyInstanceUID: string }[] }>('/api/worklist'))
        .body.items;
      return items.find((entry) => entry.StudyInstanceUID === uid);
    });
    const decided = await radiology.post(`/api/reconciliation/${item.studyId}`, {
      action: 'manual',
      mrn,
      accessionNumber: '',
      acceptUnknown: true,
    });
    expect(decided.status).toBe(200);
    await waitFor('the coercion to the local identifiers', async () => {
      const row = await servicesOf(stack)
        .db.selectFrom('studies')
        .select(['state', 'coercion_state'])
        .where('id', '=', item.studyId)
        .executeTakeFirstOrThrow();
      return row.state === 'matched' && row.coercion_state === 'done' ? true : undefined;
    });
    return { studyId: item.studyId, uid };
  }

  async function archiveJobs(studyId: string): Promise<RouteJob[]> {
    return (await physician.get<{ jobs: RouteJob[] }>(`/api/studies/${studyId}/archive-status`)).body.jobs;
  }

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'outside-routing-ui-'));
    [, stack, pacs, browser] = await Promise.all([
      ensureUiBuilt(),
      startStack({
        config: {
          import: { workDir: join(scratch, 'work') },
          coercion: { spoolDir: join(scratch, 'spool') },
          matching: { localIssuer: 'HOSP' },
          // The PACS runs on this machine; a real site's config would not allow loopback.
          routing: { allowLoopbackDestinations: true, retryBaseMs: 60_000, pollIntervalMs: 100 },
        },
      }),
      startOrthanc({ profile: 'pacs-radiology' }),
      launchBrowser(),
    ]);
    admin = await loggedIn(stack.sidecar, ['admin']);
    radiology = await loggedIn(stack.sidecar, ['radiology']);
    physician = await loggedIn(stack.sidecar, ['physician']);

    // An archive that is down: nothing listens on its port. Until the admin has created the
    // radiology PACS (in the UI, below), every rule names it: a rule list may only name
    // destinations that exist.
    const offline = await admin.post('/api/destinations', {
      name: 'offline-pacs',
      kind: 'dicom',
      aet: 'OFFLINE',
      host: '127.0.0.1',
      port: await freePort(),
    });
    expect(offline.status).toBe(201);
    const none = { departments: [], modalities: [], procedureCodes: [], sources: [] };
    const rules = [
      {
        name: 'Offline department',
        match: { ...none, departments: ['offline'] },
        destinations: ['offline-pacs'],
        isDefault: false,
        enabled: true,
      },
      { name: 'Everything else', match: none, destinations: ['offline-pacs'], isDefault: true, enabled: true },
    ];
    expect((await admin.request('PUT', '/api/routing/rules', { rules })).status).toBe(200);

    [study, stuck] = [
      await importReconciled('alpha', 'RAD', 'MRN-RU-1'),
      await importReconciled('bravo', 'offline', 'MRN-RU-2'),
    ];
    expect((await physician.post(`/api/studies/${stuck.studyId}/archive`, {})).status).toBe(200);
    servicesOf(stack).routing.wake();
    await waitFor('the first failed attempt to the offline archive', async () => {
      const job = (await archiveJobs(stuck.studyId))[0];
      return job?.state === 'retry_wait' ? job : undefined;
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await pacs?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('admin creates the radiology PACS, tests the connection, dry-runs the rules and sees a refused list explained', async () => {
    const user = await createUser(stack.sidecar, ['admin']);
    const { page, problems, context } = await openPage(browser, stack.sidecar.url);
    try {
      await logIn(page, user);
      const nav = page.getByRole('navigation', { name: 'Main' });
      // Admins see the routing queue and the admin pages, not the clinical ones.
      expect(await nav.getByRole('link', { name: 'Worklist' }).count()).toBe(0);
      await nav.getByRole('link', { name: 'Admin', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Destinations' }).waitFor();
      const rows = page.getByTestId('destination-row');
      await expect.poll(() => rows.count()).toBe(1);

      // A problem is shown at its field before anything is sent.
      await page.getByRole('button', { name: 'New destination' }).click();
      const form = page.getByTestId('destination-form');
      await form.getByLabel('Name').fill('radiology pacs');
      await form.getByRole('button', { name: 'Create destination' }).click();
      expect(await form.getByText('Use 1 to 32 letters, digits, - or _').isVisible()).toBe(true);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-invalid'))).toBe('true');

      await form.getByLabel('Name').fill('radiology-pacs');
      await form.getByLabel('AE title').fill(pacs.aet);
      await form.getByLabel('Host').fill('127.0.0.1');
      await form.getByLabel('Port').fill(String(pacs.dicomPort));
      await form.getByLabel('Studies sent at once').fill('2');
      await form.getByRole('button', { name: 'Create destination' }).click();
      const notice = page.getByTestId('destinations-notice');
      await expect.poll(() => notice.textContent()).toBe('Destination radiology-pacs created.');
      expect(await page.getByTestId('destination-form').count()).toBe(0);
      await expect.poll(() => rows.count()).toBe(2);
      const row = rows.filter({ hasText: 'radiology-pacs' });
      expect(await row.textContent()).toContain(`${pacs.aet} @ 127.0.0.1:${pacs.dicomPort}`);
      expect(await row.textContent()).not.toMatch(/password/i);

      await row.getByRole('button', { name: 'Test connection to radiology-pacs' }).click();
      const result = row.getByTestId('connection-result');
      await expect.poll(() => result.getAttribute('data-outcome'), { timeout: 15_000 }).toBe('ok');
      expect(await result.textContent()).toMatch(/^OK \(\d[\d,]* ms\): C-ECHO to .+ answered$/);

      // The offline archive answers nothing: the test says so, it is not an error of the page.
      const offline = rows.filter({ hasText: 'offline-pacs' });
      await offline.getByRole('button', { name: 'Test connection to offline-pacs' }).click();
      await expect
        .poll(() => offline.getByTestId('connection-result').getAttribute('data-outcome'), { timeout: 30_000 })
        .toBe('failed');
      expect(await offline.getByTestId('connection-result').textContent()).toMatch(/^Failed \(/);

      // Deleting a destination a rule names is refused with the server's reason.
      await offline.getByRole('button', { name: 'Delete offline-pacs' }).click();
      await page.getByRole('button', { name: 'Yes, delete offline-pacs' }).click();
      await expect.poll(() => notice.textContent()).toMatch(/^Could not delete offline-pacs: .+/);
      expect(await notice.getAttribute('class')).toContain('notice--error');
      await expect.poll(() => rows.count()).toBe(2);
      await screenshot(page, 'ui-destinations');

      // The rules in force: everything still goes to the offline archive.
      await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Routing rules' }).click();
      await page.getByRole('heading', { level: 1, name: 'Routing rules' }).waitFor();
      const summary = page.getByTestId('rule-summary');
      await expect.poll(() => summary.count()).toBe(2);
      expect(await summary.first().textContent()).toContain('Offline department');
      expect(await summary.first().textContent()).toContain('department offline');
      expect(await summary.last().textContent()).toContain('default rule');
      const editors = page.getByTestId('rule-editor');
      expect(await editors.count()).toBe(2);

      // A new rule naming a destination that does not exist: the server lists the problem.
      await page.getByRole('button', { name: 'Add rule' }).click();
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-control'))).toBe('name');
      const added = editors.nth(1);
      await added.getByLabel('Name').fill('Echo');
      await added.getByLabel('Modalities (any present)').fill('US, XA');
      await added.getByLabel('Destinations').fill('echo-pacs');
      await added.getByRole('button', { name: 'Move Echo up' }).click();
      expect(await editors.nth(0).getByLabel('Name').inputValue()).toBe('Echo');
      expect(await editors.nth(2).textContent()).toContain('default');
      await page.getByRole('button', { name: 'Save rules' }).click();
      const rulesNotice = page.getByTestId('rules-notice');
      await rulesNotice.waitFor();
      expect(await rulesNotice.textContent()).toContain('The rules were not saved');
      expect(await page.getByTestId('rules-problems').textContent()).toBe('Echo: no destination is named echo-pacs');
      await screenshot(page, 'ui-routing-rules-refused');
      await page.getByRole('button', { name: 'Discard changes' }).click();
      expect(await editors.count()).toBe(2);

      // The default rule now goes to the radiology PACS.
      await editors.nth(1).getByLabel('Destinations').fill('radiology-pacs');
      await page.getByRole('button', { name: 'Save rules' }).click();
      await expect.poll(() => rulesNotice.textContent()).toBe('Saved 2 rules.');
      await expect.poll(() => summary.last().textContent()).toContain('radiology-pacs');

      // The dry run for the study the physician will archive.
      const preview = page.getByTestId('routing-preview');
      await preview.getByLabel('Study id').fill(study.studyId);
      await preview.getByRole('button', { name: 'Dry run' }).click();
      const decision = preview.getByTestId('routing-preview-decision');
      await decision.waitFor();
      expect(await decision.textContent()).toBe(
        `Study ${study.studyId} would go to radiology-pacs, by the rule “Everything else”.`,
      );
      const explanation = await preview.getByTestId('routing-preview-explanation').locator('li').allTextContents();
      expect(explanation).toHaveLength(2);
      expect(explanation[0]).toMatch(/^Offline department: /);
      expect(await preview.textContent()).toContain('RAD');
      await screenshot(page, 'ui-routing-rules');

      // Admins may watch the queue but not act on it.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Routing', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Routing queue' }).waitFor();
      await expect.poll(() => page.getByTestId('routing-queue-row').count()).toBe(1);
      await page.getByTestId('routing-queue-row').first().click();
      await page.getByTestId('route-job-detail').getByText('this page is read-only for you').waitFor();
      expect(await page.getByRole('button', { name: /^Retry now/ }).count()).toBe(0);

      expectNoProblems(problems, [
        '409 DELETE /api/destinations/' + (await destinationId('offline-pacs')),
        '400 PUT /api/routing/rules',
      ]);
    } finally {
      await context.close();
    }
  });

  it('physician archives a matched study from the inbox; radiology sees it verified on the routing page', async () => {
    const doctor = await createUser(stack.sidecar, ['physician']);
    const reader = await createUser(stack.sidecar, ['radiology']);
    const physicianPage = await openPage(browser, stack.sidecar.url);
    const radiologyPage = await openPage(browser, stack.sidecar.url);
    try {
      const page = physicianPage.page;
      await logIn(page, doctor);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inbox', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
      const card = page.getByTestId('inbox-study').filter({ hasText: 'ALPHA, TEST' });
      await card.waitFor();
      expect(await card.textContent()).toContain('matched');
      // The study sent to the offline archive is queued: its status on request, no Archive button.
      const other = page.getByTestId('inbox-study').filter({ hasText: 'BRAVO, TEST' });
      expect(await other.getByRole('button', { name: /^Archive BRAVO/ }).count()).toBe(0);
      await other.getByRole('button', { name: /^Archive status of BRAVO/ }).click();
      await expect
        .poll(() => other.getByTestId('archive-job').first().textContent())
        .toMatch(/^offline-pacs: retry wait · 0 sent \/ 0 verified/);

      await card.getByRole('button', { name: /^Archive ALPHA, TEST/ }).click();
      const status = card.getByTestId('archive-status');
      await status.waitFor();
      await expect
        .poll(() => status.textContent())
        .toContain('Queued for archive to radiology-pacs by the rule “Everything else”.');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('archive-status');
      await screenshot(page, 'ui-inbox-archive-queued');

      // Radiology follows the job from the keyboard.
      const queuePage = radiologyPage.page;
      await logIn(queuePage, reader);
      await queuePage
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Routing', exact: true })
        .click();
      await queuePage.getByRole('heading', { level: 1, name: 'Routing queue' }).waitFor();
      const rows = queuePage.getByTestId('routing-queue-row');
      await expect.poll(() => rows.count()).toBe(2);
      // Newest first: the job just queued.
      expect(await rows.first().getByTestId('job-destination').textContent()).toBe('radiology-pacs');
      const jobId = Number(await rows.first().getAttribute('data-job-id'));
      await queuePage.keyboard.press('j');
      await expect
        .poll(() => queuePage.evaluate(() => document.activeElement?.getAttribute('data-job-id')))
        .toBe(String(jobId));
      await queuePage.keyboard.press('Enter');
      const detail = queuePage.getByTestId('route-job-detail');
      await detail.waitFor();
      expect(new URL(queuePage.url()).searchParams.get('job')).toBe(String(jobId));
      await expect
        .poll(() => queuePage.getByTestId('routing-announcer').textContent())
        .toMatch(/^Opened Job \d+ to radiology-pacs/);
      await expect.poll(() => detail.getByTestId('route-job-facts').textContent()).toContain(study.uid);
      // The panel asks again while the outbox works; the row follows it.
      await expect
        .poll(() => detail.getByTestId('route-job-state').textContent(), { timeout: 30_000 })
        .toBe('verified');
      await expect.poll(() => rows.first().getByTestId('job-state').textContent()).toBe('verified');
      // "4 / 4" on screen; the words are there for screen readers.
      expect(await rows.first().getByTestId('job-instances').textContent()).toBe(`${SLICES} sent / ${SLICES} verified`);
      const history = await detail
        .getByTestId('route-job-event')
        .evaluateAll((events) => events.map((event) => event.querySelectorAll('td')[2]?.textContent ?? ''));
      expect(history[0]).toBe('pending');
      expect(history.at(-1)).toBe('verified');
      expect(history).toContain('sending');
      // A verified job is neither retried nor cancelled; r says why.
      expect(await detail.getByRole('button', { name: /^Retry now/ }).isDisabled()).toBe(true);
      expect(await detail.getByRole('button', { name: 'Cancel delivery…' }).isDisabled()).toBe(true);
      await queuePage.keyboard.press('r');
      await expect
        .poll(() => queuePage.getByTestId('routing-announcer').textContent())
        .toContain('is verified: only dead or waiting jobs are retried');
      await screenshot(queuePage, 'ui-routing-verified');

      // The physician's status follows to the end; the PACS holds every instance.
      await expect
        .poll(() => card.getByTestId('archive-summary').textContent(), { timeout: 15_000 })
        .toBe('Archived: verified in 1 destination.');
      expect(await card.getByTestId('archive-job').textContent()).toBe(
        `radiology-pacs: verified · ${SLICES} sent / ${SLICES} verified`,
      );
      const found = (await orthancRest(pacs).call('POST', '/tools/lookup', study.uid)).json as { Type: string }[];
      expect(found.filter((entry) => entry.Type === 'Study')).toHaveLength(1);

      // The stuck delivery: retried now, then cancelled, each outcome shown and read out.
      await queuePage.getByLabel('State', { exact: true }).selectOption('retry_wait');
      await queuePage.getByRole('button', { name: 'Search' }).click();
      await expect.poll(() => rows.count()).toBe(1);
      expect(await rows.first().getByTestId('job-destination').textContent()).toBe('offline-pacs');
      await rows.first().click();
      await expect.poll(() => detail.locator('h2').first().textContent()).toMatch(/to offline-pacs$/);
      await detail.getByRole('button', { name: /^Retry now/ }).click();
      const notice = queuePage.getByTestId('routing-notice');
      await expect
        .poll(() => notice.textContent())
        .toMatch(/^Job \d+ to offline-pacs is pending again with a fresh set of attempts\.$/);
      await expect
        .poll(() => queuePage.getByTestId('routing-announcer').textContent())
        .toMatch(/offline-pacs is pending again/);
      // Cancelled once the new attempt has failed: the outbox is not in the middle of one.
      await expect
        .poll(() => detail.getByTestId('route-job-state').textContent(), { timeout: 15_000 })
        .toBe('retry wait');
      await detail.getByRole('button', { name: 'Cancel delivery…' }).click();
      await detail.getByTestId('cancel-form').getByRole('button', { name: 'Yes, cancel delivery' }).click();
      await expect
        .poll(() => notice.textContent())
        .toMatch(/^Job \d+ to offline-pacs is cancelled: nothing more is sent/);
      await expect.poll(() => rows.first().getByTestId('job-state').textContent()).toBe('cancelled');
      await expect.poll(() => detail.getByTestId('route-job-state').textContent()).toBe('cancelled');
      const events = await detail.getByTestId('route-job-event').allTextContents();
      expect(events.at(-1)).toContain(`cancelled by ${reader.username}`);
      await screenshot(queuePage, 'ui-routing-cancelled');
      expect((await archiveJobs(stuck.studyId))[0]?.state).toBe('cancelled');

      expectNoProblems(physicianPage.problems);
      expectNoProblems(radiologyPage.problems);
    } finally {
      await physicianPage.context.close();
      await radiologyPage.context.close();
    }
  });

  async function destinationId(name: string): Promise<string> {
    const list = await admin.get<{ destinations: { id: string; name: string }[] }>('/api/destinations');
    return list.body.destinations.find((destination) => destination.name === name)?.id ?? '';
  }
});
