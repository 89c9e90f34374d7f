// The read side the sidecar's API uses: filters, paging, and raw text decoded for display.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adtMessage, latin1, ormMessage } from '../testing/hl7-test-messages.ts';
import {
  createTestDatabase,
  sendAndWait,
  startTestBridge,
  waitFor,
  type TestBridge,
  type TestDatabase,
} from '../testing/hl7-test-support.ts';
import {
  getInboxMessageDetail,
  getOrder,
  getPatient,
  listInboxMessages,
  listOrders,
  listOutbox,
  listPatients,
} from './hl7-queries.ts';

let database: TestDatabase;
let running: TestBridge;

beforeEach(async () => {
  database = await createTestDatabase();
  running = await startTestBridge(database);
  await sendAndWait(running.port, [
    Buffer.from(
      ormMessage({
        controlId: 'Q1',
        placer: 'P1',
        accession: 'ACC1',
        studyInstanceUid: '1.2.840.99.1',
        patient: { mrn: 'M1', familyName: 'MÜLLER_X' },
        mshExtra: '||||||UNICODE UTF-8',
      }),
      'utf8',
    ),
    latin1(
      ormMessage({ controlId: 'Q2', placer: 'P2', accession: 'ACC2', patient: { mrn: 'M2', familyName: 'MULLER' } }),
    ),
    latin1(
      ormMessage({ controlId: 'Q3', placer: 'P3', orderControl: 'CA', patient: { mrn: 'M2' } }).replace(
        'M2^^^HOSP^MR',
        '',
      ),
    ),
    latin1(adtMessage('Q4', 'A08', { mrn: 'M3', familyName: 'MULLERSON', birthDate: '19700101' })),
  ]);
  await waitFor(async () => (await listInboxMessages(database.db, { state: 'processed' })).length === 3);
});

afterEach(async () => {
  await running.bridge.stop();
  await database.cleanup();
});

describe('HL7 queries', () => {
  it('lists inbox messages newest first, filtered and paged, without their bytes', async () => {
    const all = await listInboxMessages(database.db);
    expect(all.map((row) => row.control_id)).toEqual(['Q4', 'Q3', 'Q2', 'Q1']);
    expect(all[0]).not.toHaveProperty('raw_message');
    expect((await listInboxMessages(database.db, { state: 'rejected' })).map((row) => row.control_id)).toEqual(['Q3']);
    expect((await listInboxMessages(database.db, { messageType: 'ADT^A08' })).map((row) => row.control_id)).toEqual([
      'Q4',
    ]);
    const firstPage = await listInboxMessages(database.db, { limit: 2 });
    const secondPage = await listInboxMessages(database.db, { limit: 2, beforeId: firstPage.at(-1)?.id });
    expect([...firstPage, ...secondPage].map((row) => row.control_id)).toEqual(['Q4', 'Q3', 'Q2', 'Q1']);
  });

  it('shows the raw message and ACK as text decoded per MSH-18, one segment per line', async () => {
    const [first] = await listInboxMessages(database.db, { controlId: 'Q1' });
    const detail = await getInboxMessageDetail(database.db, first?.id ?? 0);
    expect(detail?.rawText).toContain('PID|1||M1^^^HOSP^MR||MÜLLER_X^ALEX');
    expect(detail?.rawText.split('\n')[0]).toMatch(/^MSH\|/);
    expect(detail?.ackText).toMatch(/\nMSA\|AA\|Q1\n$/);
    expect(await getInboxMessageDetail(database.db, 9999)).toBeUndefined();
  });

  it('finds orders by MRN, accession, Study UID and status, with their history', async () => {
    expect(
      (await listOrders(database.db, { mrn: 'M1', mrnIssuer: 'HOSP' })).map((order) => order.placer_order_number),
    ).toEqual(['P1']);
    expect(
      (await listOrders(database.db, { accessionNumber: 'ACC2' })).map((order) => order.placer_order_number),
    ).toEqual(['P2']);
    expect(
      (await listOrders(database.db, { studyInstanceUid: '1.2.840.99.1' })).map((order) => order.accession_number),
    ).toEqual(['ACC1']);
    expect((await listOrders(database.db, { status: ['new', 'scheduled'] })).length).toBe(2);
    expect(await listOrders(database.db, { status: 'cancelled' })).toEqual([]);
    const [order] = await listOrders(database.db, { placerOrderNumber: 'P1' });
    const detail = await getOrder(database.db, order?.id ?? 0);
    expect(detail?.events.map((event) => event.event)).toEqual(['created']);
  });

  it('finds patients by MRN, family name prefix (LIKE wildcards escaped) and birth date', async () => {
    expect((await listPatients(database.db, { familyNamePrefix: 'MULLER' })).map((row) => row.mrn).sort()).toEqual([
      'M2',
      'M3',
    ]);
    expect((await listPatients(database.db, { familyNamePrefix: 'MÜLLER_' })).map((row) => row.mrn)).toEqual(['M1']);
    expect((await listPatients(database.db, { familyNamePrefix: 'M_LLER' })).map((row) => row.mrn)).toEqual([]);
    expect((await listPatients(database.db, { birthDate: '1970-01-01' })).map((row) => row.mrn)).toEqual(['M3']);
    const [patient] = await listPatients(database.db, { mrn: 'M3' });
    const detail = await getPatient(database.db, patient?.id ?? 0);
    expect(detail?.identifiers.map((identifier) => identifier.identifier)).toEqual(['M3']);
    expect(detail?.events.map((event) => event.message_type)).toEqual(['ADT^A08']);
  });

  it('lists the outbox without payloads', async () => {
    const { outboxMessageId } = await running.bridge.enqueueOrderRequest({
      patient: { mrn: 'M1', mrnIssuer: 'HOSP', familyName: 'X' },
      procedure: { code: 'SECREAD' },
      requestedBy: { userId: 'u1' },
    });
    const rows = await listOutbox(database.db, { state: 'pending' });
    expect(rows.map((row) => row.id)).toEqual([outboxMessageId]);
    expect(rows[0]).not.toHaveProperty('payload');
  });
});
