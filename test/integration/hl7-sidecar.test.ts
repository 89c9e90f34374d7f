import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MllpClient } from '@outside/hl7-bridge';
import { ormMessage } from '../../hl7-bridge/src/testing/hl7-test-messages.ts';
import { startStack, waitFor, type TestStack } from '../support/stack.ts';
import { loggedIn } from '../support/users.ts';

const run = promisify(execFile);

describe('the HL7 bridge inside the sidecar', () => {
  let stack: TestStack;
  let port: number;
  let scratch: string;

  beforeAll(async () => {
    stack = await startStack();
    port = stack.sidecar.services?.hl7?.address?.port ?? 0;
    expect(port).toBeGreaterThan(0);
    scratch = await mkdtemp(join(tmpdir(), 'outside-hl7-sidecar-'));
  });
  afterAll(async () => {
    await stack.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('stores an order sent by a real external client (mllp_send), ACKs AA, and shows it to radiology with an audit trail', async () => {
    const message = ormMessage({
      controlId: 'CTRL-SIDE-1',
      placer: 'PL1001',
      accession: 'ACC1001',
      patient: { mrn: 'MRN-555', familyName: 'TESTCASE', givenName: 'ROBIN' },
    });
    const file = join(scratch, 'orm.hl7');
    await writeFile(file, `\u000b${message}\u001c\r`, 'latin1');
    const sent = await run('/usr/bin/mllp_send', ['--file', file, '--port', String(port), '127.0.0.1']);
    expect(sent.stdout).toMatch(/MSA\|AA\|CTRL-SIDE-1/);

    const radiology = await loggedIn(stack.sidecar, ['radiology']);
    const orders = await waitFor('the order to be processed', async () => {
      const response = await radiology.get('/api/orders?mrn=MRN-555');
      const list = (response.body as { orders: { accession_number: string; id: number }[] }).orders;
      return list.length > 0 ? list : undefined;
    });
    expect(orders[0]?.accession_number).toBe('ACC1001');
    const messages = await radiology.get('/api/hl7/messages?controlId=CTRL-SIDE-1');
    const id = (messages.body as { messages: { id: number }[] }).messages[0]?.id;
    const detail = await radiology.get(`/api/hl7/messages/${id}`);
    expect((detail.body as { rawText: string }).rawText).toContain('PID|1||MRN-555');
    const audited = await stack.sidecar.services?.db
      .selectFrom('audit_events')
      .select(['event_name', 'object_type'])
      .where('object_type', 'in', ['orders', 'hl7-message'])
      .execute();
    expect(audited).toEqual(
      expect.arrayContaining([
        { event_name: 'query', object_type: 'orders' },
        { event_name: 'patientRecordRead', object_type: 'hl7-message' },
      ]),
    );
    // Physicians may not read the back office's message log.
    const physician = await loggedIn(stack.sidecar, ['physician']);
    expect((await physician.get('/api/orders')).status).toBe(403);
  });

  it('answers a resend with the same ACK bytes and turns a different message under the same key into AR plus an audited alert', async () => {
    const client = new MllpClient({ host: '127.0.0.1', port });
    await client.connect();
    try {
      const first = ormMessage({ controlId: 'CTRL-DUP', placer: 'PL2001', patient: { mrn: 'MRN-777' } });
      const ack1 = await client.send(Buffer.from(first, 'latin1'));
      const ack2 = await client.send(Buffer.from(first, 'latin1'));
      expect(ack2.equals(ack1)).toBe(true);
      const other = ormMessage({ controlId: 'CTRL-DUP', placer: 'PL2002', patient: { mrn: 'MRN-778' } });
      const ack3 = (await client.send(Buffer.from(other, 'latin1'))).toString('latin1');
      expect(ack3).toMatch(/MSA\|AR\|CTRL-DUP/);
    } finally {
      await client.close();
    }
    const alert = await waitFor('the alert to be audited', async () =>
      stack.sidecar.services?.db
        .selectFrom('audit_events')
        .select(['event_id', 'details'])
        .where('event_name', '=', 'securityAlert')
        .where('object_id', '=', 'duplicate_key_conflict')
        .executeTakeFirst(),
    );
    expect(alert.event_id).toBe('110113');
    expect(alert.details).not.toContain('MRN-77');
  });

  it('queues an order request from a physician for the EMR', async () => {
    const physician = await loggedIn(stack.sidecar, ['physician']);
    const created = await physician.request<{ outboxMessageId: number; placerOrderNumber: string }>(
      'POST',
      '/api/order-requests',
      {
        patient: { mrn: 'MRN-555', mrnIssuer: 'HOSP', familyName: 'TESTCASE', givenName: 'ROBIN' },
        procedure: { code: 'SECREAD', text: 'Second read of outside study' },
        reason: 'outside CT for second opinion',
      },
    );
    expect(created.status).toBe(201);
    const radiology = await loggedIn(stack.sidecar, ['radiology']);
    const outbox = await radiology.get('/api/hl7/outbox');
    const entries = (outbox.body as { messages: { id: number; state: string }[] }).messages;
    expect(entries.find((entry) => entry.id === created.body.outboxMessageId)?.state).toBe('pending');
  });
});
