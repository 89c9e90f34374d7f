// Radiology's HL7 pages in the real UI (issue 4 item 5): messages sent over real MLLP to the
// sidecar's listener show up in the message log with their raw text, the order and the patient
// they made are found on their pages, a failed message is re-processed and a dead outbound
// message retried. Patient names from the EMR are text: a name that is HTML stays a name. Other
// roles do not see the pages. Real sidecar, real Orthanc, Debian's chromium under the strict CSP.

import { MllpClient } from '@outside/hl7-bridge';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adtMessage, ackFields, ormMessage } from '../../hl7-bridge/src/testing/hl7-test-messages.ts';
import { PAGE_SIZE } from '../../plugin-server/web/src/hl7/keyset-paging.ts';
import { ensureUiBuilt, expectNoProblems, launchBrowser, logIn, openPage, screenshot } from '../support/browser.ts';
import { freePort, startStack, waitFor, type TestStack } from '../support/stack.ts';
import { createUser, loggedIn } from '../support/users.ts';

/** A patient name that would run script if it were ever rendered as HTML. */
const HOSTILE_NAME = '<img src=x onerror=window.__xss=1>';
const ORDER = { controlId: 'CTRL-UI-ORM', placer: 'PL9001', accession: 'ACC9001', mrn: 'MRN-9001' };
const ADMISSION = { controlId: 'CTRL-UI-ADT', mrn: 'MRN-9002', family: 'SAMPLEFAMILY', ssn: '123-45-6789' };
/** An XO for an order nobody created: with one processing attempt allowed it fails at once. */
const ORPHAN = { controlId: 'CTRL-UI-XO', placer: 'PL-MISSING' };

/** Opens an HL7 page from the section's own navigation and waits for its heading. */
async function openSection(page: Page, label: string, heading = label): Promise<void> {
  await page.getByRole('navigation', { name: 'HL7' }).getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
  expect(
    await page
      .getByRole('navigation', { name: 'HL7' })
      .getByRole('link', { name: label, exact: true })
      .getAttribute('aria-current'),
  ).toBe('page');
}

/** Nothing from the data became markup: no script ran, no <img> exists anywhere in the page. */
async function expectNoInjectedMarkup(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(await page.locator('img').count()).toBe(0);
}

describe('web UI: radiology reads HL7 messages, orders, patients and the outbox', () => {
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    const refusingEmrPort = await freePort();
    [, stack, browser] = await Promise.all([
      ensureUiBuilt(),
      startStack({
        config: {
          hl7: {
            processingMaxAttempts: 1,
            // The EMR is down: order requests die after one attempt, to be retried from the page.
            outboundEnabled: true,
            outboundPort: refusingEmrPort,
            outboundMaxAttempts: 1,
            outboundConnectTimeoutMs: 1000,
            outboundPollIntervalMs: 100,
          },
        },
      }),
      launchBrowser(),
    ]);
    const port = stack.sidecar.services?.hl7?.address?.port ?? 0;
    expect(port).toBeGreaterThan(0);

    const client = new MllpClient({ host: '127.0.0.1', port });
    await client.connect();
    try {
      const messages = [
        ormMessage({
          controlId: ORDER.controlId,
          placer: ORDER.placer,
          accession: ORDER.accession,
          procedureText: 'CT CHEST WITH CONTRAST',
          patient: { mrn: ORDER.mrn, familyName: HOSTILE_NAME, givenName: 'ROBIN', birthDate: '19750612' },
        }),
        adtMessage(ADMISSION.controlId, 'A04', {
          mrn: ADMISSION.mrn,
          familyName: ADMISSION.family,
          givenName: 'KIM',
          birthDate: '19900101',
          sex: 'M',
          otherIdentifiers: [`${ADMISSION.ssn}^^^SSA^SS`],
        }),
        ormMessage({
          controlId: ORPHAN.controlId,
          placer: ORPHAN.placer,
          orderControl: 'XO',
          patient: { mrn: 'MRN-9003' },
        }),
      ];
      for (const message of messages) {
        const ack = ackFields(await client.send(Buffer.from(message, 'latin1')));
        expect(ack.code).toBe('AA');
      }
    } finally {
      await client.close();
    }

    const radiology = await loggedIn(stack.sidecar, ['radiology']);
    await waitFor('the three messages to be processed', async () => {
      const response = await radiology.get('/api/hl7/messages');
      const states = (response.body as { messages: { control_id: string; state: string }[] }).messages.map(
        (message) => `${message.control_id}:${message.state}`,
      );
      const expected = [
        `${ORDER.controlId}:processed`,
        `${ADMISSION.controlId}:processed`,
        `${ORPHAN.controlId}:failed`,
      ];
      return expected.every((entry) => states.includes(entry)) ? true : undefined;
    });

    const physician = await loggedIn(stack.sidecar, ['physician']);
    const request = await physician.request('POST', '/api/order-requests', {
      patient: { mrn: ORDER.mrn, mrnIssuer: 'HOSP', familyName: 'TESTCASE', givenName: 'ROBIN' },
      procedure: { code: 'SECREAD', text: 'Second read of outside study' },
      reason: 'outside CT for second opinion',
    });
    expect(request.status).toBe(201);
    await waitFor('the order request to die', async () => {
      const response = await radiology.get('/api/hl7/outbox?state=dead');
      return (response.body as { messages: unknown[] }).messages.length > 0 ? true : undefined;
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the messages, the raw text as text, the order, the patient and the outbox', async () => {
    const user = await createUser(stack.sidecar, ['radiology']);
    const { page, problems, context } = await openPage(browser, stack.sidecar.url);
    try {
      await logIn(page, user);
      // One entry in the main navigation; the HL7 pages have a navigation of their own.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'HL7', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'HL7 messages' }).waitFor();
      expect(await page.getByRole('navigation', { name: 'HL7' }).getByRole('link').allTextContents()).toEqual([
        'Messages',
        'Orders',
        'Patients',
        'Outbox',
      ]);

      // The message log: all three, newest first, the failed one with its reason.
      const rows = page.getByTestId('hl7-message-row');
      await expect.poll(() => rows.count()).toBe(3);
      const rowTexts = await rows.allTextContents();
      expect(rowTexts[0]).toContain(ORPHAN.controlId);
      expect(rowTexts[0]).toContain('failed');
      expect(rowTexts[0]).toContain('order_not_found');
      expect(rowTexts[1]).toContain(ADMISSION.controlId);
      expect(rowTexts[1]).toContain('ADT^A04');
      expect(rowTexts[2]).toContain(ORDER.controlId);
      expect(rowTexts[2]).toContain('ORM^O01');
      expect(rowTexts[2]).toContain('EMR / HOSP');
      expect(rowTexts[2]).toContain('processed');
      await screenshot(page, 'ui-hl7-messages');

      // Filters go to the server.
      await page.getByLabel('Message type').fill('ADT^A04');
      await page.getByLabel('Message type').press('Enter');
      await expect.poll(() => rows.count()).toBe(1);
      expect(await rows.first().textContent()).toContain(ADMISSION.controlId);
      await page.getByRole('button', { name: 'Clear' }).click();
      await expect.poll(() => rows.count()).toBe(3);

      // One message: raw text and ACK as text, one segment a line; the heading takes the focus.
      await page.getByRole('link', { name: ORDER.controlId, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: `HL7 message ${ORDER.controlId}` }).waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
      expect(new URL(page.url()).search).toMatch(/^\?id=\d+$/);
      const raw = (await page.getByTestId('hl7-raw-message').textContent()) ?? '';
      const lines = raw.split('\n');
      expect(lines[0]).toMatch(/^MSH\|\^~\\&\|EMR\|HOSP\|/);
      expect(lines.map((line) => line.slice(0, 3))).toEqual(['MSH', 'PID', 'PV1', 'ORC', 'OBR']);
      expect(raw).toContain(`PID|1||${ORDER.mrn}^^^HOSP^MR||${HOSTILE_NAME}^ROBIN`);
      expect(await page.getByTestId('hl7-ack-message').textContent()).toMatch(
        new RegExp(`^MSH\\|.*\\nMSA\\|AA\\|${ORDER.controlId}`),
      );
      await expectNoInjectedMarkup(page);
      await screenshot(page, 'ui-hl7-message-detail');

      // Back to the list, at the link that opened the message.
      await page.getByRole('link', { name: '← All messages' }).click();
      await page.getByRole('heading', { level: 1, name: 'HL7 messages' }).waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(ORDER.controlId);

      // The failed message is re-processed.
      await page.getByRole('link', { name: ORPHAN.controlId, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: `HL7 message ${ORPHAN.controlId}` }).waitFor();
      await page.getByRole('button', { name: 'Re-process' }).click();
      await page.getByText('The message was queued for processing again').waitFor();
      // Its order still does not exist: processed once more, it fails again.
      await expect.poll(() => page.locator('.meta-list').textContent(), { timeout: 10_000 }).toMatch(/^State\s*failed/);
      const reprocessed = await stack.sidecar.services?.db
        .selectFrom('audit_events')
        .select('details')
        .where('object_type', '=', 'hl7-message')
        .where('event_name', '=', 'orderRecord')
        .execute();
      expect(reprocessed?.map((event) => event.details)).toEqual([expect.stringContaining('reprocess')]);
      await screenshot(page, 'ui-hl7-message-reprocessed');

      // The order: the hostile name is shown as the text it is.
      await openSection(page, 'Orders');
      const orderRow = page.getByTestId('order-row').filter({ hasText: ORDER.placer });
      await orderRow.waitFor();
      const orderText = (await orderRow.textContent()) ?? '';
      for (const expected of [
        ORDER.accession,
        ORDER.mrn,
        `${HOSTILE_NAME}, ROBIN`,
        'CT CHEST WITH CONTRAST',
        'CT',
        'new',
      ]) {
        expect(orderText).toContain(expected);
      }
      await expectNoInjectedMarkup(page);
      await screenshot(page, 'ui-hl7-orders');
      await page.getByLabel('Accession number').fill(ORDER.accession);
      await page.getByRole('button', { name: 'Search' }).click();
      await expect.poll(() => page.getByTestId('order-row').count()).toBe(1);
      await page.getByRole('link', { name: ORDER.placer, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: `Order ${ORDER.placer}` }).waitFor();
      expect(await page.getByTestId('order-patient-name').textContent()).toBe(`${HOSTILE_NAME}, ROBIN`);
      const history = (await page.getByTestId('order-events').textContent()) ?? '';
      expect(history).toContain('created');
      expect(history).toContain('NW');
      await expectNoInjectedMarkup(page);
      await screenshot(page, 'ui-hl7-order-detail');

      // The patient from the ADT, found by the start of the family name, with every identifier.
      await openSection(page, 'Patients');
      await page.getByLabel('Family name starts with').fill(ADMISSION.family.slice(0, 6));
      await page.getByRole('button', { name: 'Search' }).click();
      await expect.poll(() => page.getByTestId('patient-row').count()).toBe(1);
      expect(await page.getByTestId('patient-row').textContent()).toContain(ADMISSION.mrn);
      await screenshot(page, 'ui-hl7-patients');
      await page.getByRole('link', { name: ADMISSION.mrn, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: `Patient ${ADMISSION.mrn}` }).waitFor();
      expect(await page.getByTestId('patient-name').textContent()).toBe(`${ADMISSION.family}, KIM`);
      const identifiers = (await page.getByTestId('patient-identifiers').textContent()) ?? '';
      expect(identifiers).toContain(ADMISSION.mrn);
      expect(identifiers).toContain(ADMISSION.ssn);
      expect(await page.getByTestId('patient-events').textContent()).toContain('ADT^A04');
      await screenshot(page, 'ui-hl7-patient-detail');
      // Birth date search; the order's patient is known too, under its name as text.
      await page.getByRole('link', { name: '← All patients' }).click();
      await page.getByRole('button', { name: 'Clear' }).click();
      await page.getByLabel('Birth date').fill('1975-06-12');
      await page.getByRole('button', { name: 'Search' }).click();
      await expect.poll(() => page.getByTestId('patient-row').count()).toBe(1);
      expect(await page.getByTestId('patient-row').textContent()).toContain(`${HOSTILE_NAME}, ROBIN`);
      await expectNoInjectedMarkup(page);

      // The outbox: the dead order request is retried.
      await openSection(page, 'Outbox');
      const outboxRow = page.getByTestId('outbox-row').first();
      await outboxRow.waitFor();
      expect(await outboxRow.textContent()).toContain('dead');
      expect(await outboxRow.textContent()).toContain('Order request');
      await screenshot(page, 'ui-hl7-outbox');
      await outboxRow.getByRole('button', { name: /^Retry/ }).click();
      await page.getByText(/was queued to be sent again/).waitFor();
      await screenshot(page, 'ui-hl7-outbox-retried');

      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  it('shows a physician no HL7 pages', async () => {
    const user = await createUser(stack.sidecar, ['physician']);
    const { page, problems, context } = await openPage(browser, stack.sidecar.url);
    try {
      await logIn(page, user);
      const navigation = page.getByRole('navigation', { name: 'Main' });
      await navigation.getByRole('link', { name: 'Inbox', exact: true }).waitFor();
      expect(await navigation.getByRole('link').allTextContents()).toEqual(['Import media', 'Inbox', 'My shares']);
      // Typed in by hand, the address shows a notice and asks the server for nothing.
      await page.goto('/hl7/messages');
      await page.getByText('This page is not available with your roles.').waitFor();
      expect(await page.getByTestId('hl7-messages').count()).toBe(0);
      expect(await page.getByRole('navigation', { name: 'HL7' }).count()).toBe(0);
      await screenshot(page, 'ui-hl7-physician');
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });
  it('pages through more messages than fit on one page', async () => {
    // Runs last: the messages it adds would crowd the lists the other tests read.
    const port = stack.sidecar.services?.hl7?.address?.port ?? 0;
    const client = new MllpClient({ host: '127.0.0.1', port });
    await client.connect();
    try {
      const acks = await Promise.all(
        Array.from({ length: PAGE_SIZE + 2 }, (_, index) =>
          client.send(
            Buffer.from(
              adtMessage(`CTRL-UI-A31-${index}`, 'A31', { mrn: ADMISSION.mrn, familyName: ADMISSION.family }),
              'latin1',
            ),
          ),
        ),
      );
      expect(acks.map((ack) => ackFields(ack).code)).toEqual(acks.map(() => 'AA'));
    } finally {
      await client.close();
    }
    const user = await createUser(stack.sidecar, ['radiology']);
    const { page, problems, context } = await openPage(browser, stack.sidecar.url);
    try {
      await logIn(page, user);
      await page.goto('/hl7/messages');
      await page.getByRole('heading', { level: 1, name: 'HL7 messages' }).waitFor();
      await page.getByLabel('Message type').fill('ADT^A31');
      await page.getByRole('button', { name: 'Search' }).click();
      const rows = page.getByTestId('hl7-message-row');
      const paging = page.getByRole('navigation', { name: 'Message pages' });
      await expect.poll(() => rows.count()).toBe(PAGE_SIZE);
      expect(await rows.first().textContent()).toContain(`CTRL-UI-A31-${PAGE_SIZE + 1}`);
      expect(await paging.getByRole('button', { name: /Newer/ }).isDisabled()).toBe(true);

      await paging.getByRole('button', { name: /Older/ }).click();
      await expect.poll(() => rows.count()).toBe(2);
      expect(await rows.allTextContents()).toEqual([
        expect.stringContaining('CTRL-UI-A31-1'),
        expect.stringContaining('CTRL-UI-A31-0'),
      ]);
      expect(await paging.textContent()).toContain('Page 2');
      expect(await paging.getByRole('button', { name: /Older/ }).isDisabled()).toBe(true);
      await screenshot(page, 'ui-hl7-messages-page-2');

      await paging.getByRole('button', { name: /Newer/ }).click();
      await expect.poll(() => rows.count()).toBe(PAGE_SIZE);
      expect(await rows.first().textContent()).toContain(`CTRL-UI-A31-${PAGE_SIZE + 1}`);
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });
});
