// Radiology's reconciliation worklist in the real UI (issue 5): a synthetic CD imported with a
// claimed MRN, two "outside study import" orders for that MRN sent over real MLLP, and the
// sidecar's own matcher, which finds both equally good and puts the study on the worklist as
// ambiguous. In Debian's chromium under the strict CSP, radiology finds the study from the
// keyboard, sees the bulk confirmation skip it, reads media, proposed patient, candidates with
// their evidence and the PatientID change, gets the "not known from HL7" warning for a typed MRN,
// and confirms the second candidate; the study leaves the worklist. Real sidecar, real Orthanc.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MllpClient } from '@outside/hl7-bridge';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackFields, ormMessage } from '../../hl7-bridge/src/testing/hl7-test-messages.ts';
import { makeSyntheticCd, type SyntheticCd } from '../fixtures/synthetic-media.ts';
import { ensureUiBuilt, expectNoProblems, launchBrowser, logIn, openPage, screenshot } from '../support/browser.ts';
import type { ApiSession } from '../support/http-session.ts';
import { importFolderAsFrontDesk, startStack, waitFor, type TestStack } from '../support/stack.ts';
import { createUser, loggedIn } from '../support/users.ts';

const MRN = 'MRN-WL-7001';
const PATIENT = { familyName: 'DOE', givenName: 'JANE', birthDate: '19800115', sex: 'F' } as const;
/** Procedure code the matcher is told means "import of an outside study" (matching config). */
const IMPORT_CODE = 'XIMP';
const ORDERS = [
  { controlId: 'CTRL-WL-1', placer: 'PL-WL-1', accession: 'ACC-WL-1' },
  { controlId: 'CTRL-WL-2', placer: 'PL-WL-2', accession: 'ACC-WL-2' },
] as const;
const OUTSIDE_PATIENT_ID = 'EXT-4711';
const INSTITUTION = 'St Elsewhere Hospital';

type WorklistItem = { studyId: string; StudyInstanceUID: string; reason: string; bestScore: number | null };
type Detail = {
  reason: string | null;
  resolution: string | null;
  matchedOrderId: number | null;
  candidates: { orderId: number; accessionNumber: string | null; score: number }[];
};

/** The rows of the tag-change table as [tag, keyword, before, after]. */
async function tagChanges(page: Page): Promise<string[][]> {
  return page
    .getByTestId('tag-change')
    .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '')));
}

describe('web UI: radiology reconciles an ambiguous study from the worklist', () => {
  let stack: TestStack;
  let browser: Browser;
  let scratch: string;
  let radiology: ApiSession;
  let cd: SyntheticCd;
  let item: WorklistItem;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'outside-worklist-ui-'));
    [, stack, browser] = await Promise.all([
      ensureUiBuilt(),
      startStack({
        config: {
          import: { workDir: join(scratch, 'work') },
          // The synthetic study is from 2024-01-15, the orders from 2024-03-01: inside this window.
          matching: { outsideStudyImportCodes: [IMPORT_CODE], dateWindowDays: 3650, localIssuer: 'HOSP' },
          coercion: { spoolDir: join(scratch, 'spool') },
        },
      }),
      launchBrowser(),
    ]);
    radiology = await loggedIn(stack.sidecar, ['radiology']);

    // Two orders alike in every scored field: neither is ahead of the other.
    const port = stack.sidecar.services?.hl7?.address?.port ?? 0;
    expect(port).toBeGreaterThan(0);
    const client = new MllpClient({ host: '127.0.0.1', port });
    await client.connect();
    try {
      for (const order of ORDERS) {
        const message = ormMessage({
          ...order,
          procedureCode: IMPORT_CODE,
          procedureText: 'OUTSIDE CT IMPORT',
          modality: 'CT',
          patient: { mrn: MRN, ...PATIENT },
        });
        expect(ackFields(await client.send(Buffer.from(message, 'latin1'))).code).toBe('AA');
      }
    } finally {
      await client.close();
    }
    // Both orders exist before the study is matched, so the matcher sees two candidates at once.
    await waitFor('both orders to be stored', async () => {
      const response = await radiology.get(`/api/orders?mrn=${MRN}`);
      return (response.body as { orders: unknown[] }).orders.length === 2 ? true : undefined;
    });

    cd = await makeSyntheticCd(join(scratch, 'cd'), {
      patient: {
        id: OUTSIDE_PATIENT_ID,
        name: `${PATIENT.familyName}^${PATIENT.givenName}`,
        birthDate: PATIENT.birthDate,
        sex: PATIENT.sex,
        issuer: 'ST ELSEWHERE',
      },
      slicesPerSeries: 3,
      rows: 32,
      columns: 32,
      institutionName: INSTITUTION,
      junk: false,
      dicomdir: false,
    });
    await importFolderAsFrontDesk(stack, cd.root, {
      department: 'RAD',
      sourceLabel: 'outside CD',
      patient: { mrn: MRN },
    });

    const uid = cd.studies[0]?.StudyInstanceUID ?? '';
    item = await waitFor('the study to wait on the worklist', async () => {
      const response = await radiology.get('/api/worklist');
      const items = (response.body as { items: WorklistItem[] }).items;
      return items.find((entry) => entry.StudyInstanceUID === uid);
    });
    expect(item.reason).toBe('ambiguous');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('lists the study, shows media, patient, candidates and tag changes, and confirms a candidate', async () => {
    const before = (await radiology.get(`/api/reconciliation/${item.studyId}`)).body as Detail;
    expect(before.candidates.map((candidate) => candidate.accessionNumber).sort()).toEqual(['ACC-WL-1', 'ACC-WL-2']);
    const second = before.candidates.find((candidate) => candidate.accessionNumber === 'ACC-WL-2');
    if (second === undefined) throw new Error('ACC-WL-2 is not a candidate');

    const user = await createUser(stack.sidecar, ['radiology']);
    const { page, problems, context } = await openPage(browser, stack.sidecar.url);
    try {
      await logIn(page, user);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Worklist', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Worklist' }).waitFor();

      // The list: the study with its reason in words and its best score.
      const rows = page.getByTestId('worklist-row');
      await expect.poll(() => rows.count()).toBe(1);
      const rowText = (await rows.first().textContent()) ?? '';
      expect(rowText).toContain('DOE, JANE');
      expect(rowText).toContain(`claimed MRN ${MRN}`);
      expect(rowText).toContain(INSTITUTION);
      expect(await rows.first().getByTestId('worklist-reason').textContent()).toBe('Several orders fit about equally');
      expect(rowText).toContain(String(item.bestScore));
      expect(await page.getByTestId('worklist-status').textContent()).toMatch(/^1 study waiting, oldest first\./);
      await screenshot(page, 'ui-worklist');

      // Keyboard: j takes the focus to the row's link, x ticks it for bulk confirmation.
      await page.keyboard.press('j');
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-study-id')))
        .toBe(item.studyId);
      await page.keyboard.press('x');
      await expect.poll(() => rows.first().getByRole('checkbox').isChecked()).toBe(true);

      // Bulk confirmation skips it: two candidates are equally good, a human has to choose.
      await page.getByRole('button', { name: /^Confirm high-confidence \(1 selected\)/ }).click();
      const notice = page.getByTestId('worklist-notice');
      await expect.poll(() => notice.textContent()).toMatch(/^No study was confirmed\. Skipped 1 study:/);
      expect(await page.getByTestId('bulk-skipped').textContent()).toContain('DOE, JANE');
      await expect.poll(() => rows.count()).toBe(1);
      await screenshot(page, 'ui-worklist-bulk-skipped');

      // Back to the list with j, Enter opens the study beside it and says so.
      await page.keyboard.press('j');
      await page.keyboard.press('Enter');
      const detail = page.getByTestId('reconciliation-detail');
      await detail.getByTestId('candidate-order').first().waitFor();
      expect(new URL(page.url()).searchParams.get('study')).toBe(item.studyId);
      await expect.poll(() => page.getByTestId('worklist-announcer').textContent()).toMatch(/^Opened DOE, JANE/);
      expect(await detail.getByTestId('detail-reason').textContent()).toBe('Several orders fit about equally');

      // What the media said, next to the proposed local patient.
      const media = (await detail.getByTestId('media-identity').textContent()) ?? '';
      for (const expected of ['DOE, JANE', OUTSIDE_PATIENT_ID, INSTITUTION, '2024-01-15', 'SYNTHETIC STUDY 1', 'CT']) {
        expect(media).toContain(expected);
      }
      const proposed = (await detail.getByTestId('proposed-patient').textContent()) ?? '';
      expect(proposed).toContain(MRN);
      expect(proposed).toContain('yes, by the claimed MRN');
      expect(await detail.getByTestId('patient-candidate').count()).toBeGreaterThan(0);

      // Both candidates with score and per-field evidence.
      const candidates = detail.getByTestId('candidate-order');
      expect(await candidates.count()).toBe(2);
      for (const accession of ['ACC-WL-1', 'ACC-WL-2']) {
        const candidate = candidates.filter({ hasText: `Order ${accession}` });
        const text = (await candidate.textContent()) ?? '';
        expect(text).toContain(`Score ${item.bestScore}`);
        expect(text).toContain('OUTSIDE CT IMPORT');
        const evidence = (await candidate.getByTestId('evidence').textContent()) ?? '';
        expect(evidence).toContain('Procedure code');
        expect(evidence).toContain('+30');
        expect(evidence).toContain(`${IMPORT_CODE} is an "outside study import" order`);
      }

      // The diff: PatientID goes from the outside ID to the local MRN.
      const changes = await tagChanges(page);
      const patientId = changes.find((cells) => cells[1] === 'PatientID');
      expect(patientId?.slice(2)).toEqual([OUTSIDE_PATIENT_ID, MRN]);
      expect(patientId?.[0]).toMatch(/0010.*0020/);
      await screenshot(page, 'ui-worklist-detail');

      // An MRN HL7 never heard of: the 409 is a warning with the offer to send it anyway.
      await detail.getByRole('button', { name: 'Enter MRN / accession…' }).click();
      const manual = detail.getByTestId('manual-form');
      await manual.getByLabel('MRN').fill('MRN-NOBODY');
      await manual.getByLabel('Accession number').fill('');
      await manual.getByRole('button', { name: 'Apply MRN and accession' }).click();
      const warning = manual.getByTestId('unknown-values-warning');
      await warning.waitFor();
      expect(await warning.textContent()).toContain('MRN MRN-NOBODY is not known from HL7');
      expect(await warning.getByRole('button', { name: 'Send anyway' }).isVisible()).toBe(true);
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
        .toBe('unknown-values-warning');
      await screenshot(page, 'ui-worklist-unknown-mrn');
      await manual.getByRole('button', { name: 'Cancel' }).click();
      expect(await detail.getByTestId('manual-form').count()).toBe(0);

      // Confirm the second candidate, not the default: the study leaves the worklist.
      await detail.getByRole('button', { name: 'Confirm order ACC-WL-2' }).click();
      await expect.poll(() => notice.textContent()).toContain('Confirm order ACC-WL-2: done for DOE, JANE');
      expect(await notice.textContent()).toContain('It left the worklist (confirmed;');
      await expect.poll(() => rows.count()).toBe(0);
      await expect.poll(() => page.getByTestId('worklist-status').textContent()).toMatch(/^No study is waiting\./);
      expect(new URL(page.url()).searchParams.get('study')).toBeNull();
      expect(await page.getByTestId('reconciliation-detail').count()).toBe(0);
      await screenshot(page, 'ui-worklist-confirmed');

      const after = (await radiology.get(`/api/reconciliation/${item.studyId}`)).body as Detail;
      expect(after).toMatchObject({ reason: null, resolution: 'confirmed', matchedOrderId: second.orderId });
      const worklist = (await radiology.get('/api/worklist')).body as { items: WorklistItem[] };
      expect(worklist.items.map((entry) => entry.studyId)).not.toContain(item.studyId);

      expectNoProblems(problems, [`409 POST /api/reconciliation/${item.studyId}`]);
    } finally {
      await context.close();
    }
  });
});
