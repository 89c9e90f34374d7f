// Processing stored messages into orders and patients, over the real listener and a real SQLite
// file: the order lifecycle, OMI^O23 with IPC, ADT demographics, A40 merges, retries with backoff,
// failures and reprocessing. A manual clock decides when a retry is due.

import { afterEach, describe, expect, it } from 'vitest';
import type { InboxState } from '../db/hl7-schema.ts';
import { isHl7Error } from '../hl7-errors.ts';
import { ackFields, adtMessage, latin1, mergeMessage, omiMessage, ormMessage } from '../testing/hl7-test-messages.ts';
import {
  createTestDatabase,
  manualClock,
  sendAndWait,
  startTestBridge,
  waitFor,
  type TestBridge,
  type TestDatabase,
} from '../testing/hl7-test-support.ts';

const patient = { mrn: 'MRN001', familyName: 'TESTPATIENT', givenName: 'ALEX', birthDate: '19800214', sex: 'F' };
let database: TestDatabase;
let running: TestBridge | undefined;

afterEach(async () => {
  await running?.bridge.stop();
  running = undefined;
  await database.cleanup();
});

async function start(clock = manualClock()): Promise<TestBridge> {
  database = await createTestDatabase();
  running = await startTestBridge(database, {}, { now: clock.now });
  return running;
}

async function send(port: number, ...messages: string[]): Promise<void> {
  const acks = await sendAndWait(port, messages.map(latin1));
  expect(acks.map((ack) => ackFields(ack).code)).toEqual(messages.map(() => 'AA'));
}

async function stateOf(controlId: string): Promise<InboxState | undefined> {
  const row = await database.db
    .selectFrom('hl7_inbox')
    .select('state')
    .where('control_id', '=', controlId)
    .executeTakeFirst();
  return row?.state;
}

async function waitForState(controlId: string, state: InboxState): Promise<void> {
  await waitFor(async () => (await stateOf(controlId)) === state);
}

async function inboxId(controlId: string): Promise<number> {
  const row = await database.db
    .selectFrom('hl7_inbox')
    .select('id')
    .where('control_id', '=', controlId)
    .executeTakeFirstOrThrow();
  return row.id;
}

function orders() {
  return database.db.selectFrom('hl7_orders').selectAll().orderBy('id').execute();
}

function orderEvents() {
  return database.db
    .selectFrom('hl7_order_events')
    .select(['order_id', 'inbox_message_id', 'event', 'order_control', 'status_before', 'status_after', 'details'])
    .orderBy('id')
    .execute();
}

describe('order lifecycle', () => {
  it('creates on NW, updates on XO, cancels on CA, recording each message', async () => {
    const { port } = await start();
    await send(
      port,
      ormMessage({ controlId: 'L1', placer: 'P1', accession: 'ACC1', studyInstanceUid: '1.2.840.99.1', patient }),
      ormMessage({
        controlId: 'L2',
        placer: 'P1',
        orderControl: 'XO',
        accession: 'ACC1B',
        procedureCode: 'CTCHEST',
        patient,
      }),
      ormMessage({ controlId: 'L3', placer: 'P1', orderControl: 'CA', patient }),
    );
    await waitForState('L3', 'processed');
    const [l1, l2, l3] = [await inboxId('L1'), await inboxId('L2'), await inboxId('L3')];
    const [order, ...others] = await orders();
    expect(others).toEqual([]);
    expect(order).toMatchObject({
      order_key: 'P|EMR|P1',
      status: 'cancelled',
      order_control: 'CA',
      mrn: 'MRN001',
      mrn_issuer: 'HOSP',
      patient_family_name: 'TESTPATIENT',
      patient_birth_date: '1980-02-14',
      patient_sex: 'F',
      accession_number: 'ACC1B',
      procedure_code: 'CTCHEST',
      study_instance_uid: '1.2.840.99.1',
      modality: 'CT',
      created_by_message_id: l1,
      last_message_id: l3,
    });
    expect(await orderEvents()).toEqual([
      {
        order_id: order?.id,
        inbox_message_id: l1,
        event: 'created',
        order_control: 'NW',
        status_before: null,
        status_after: 'new',
        details: '{}',
      },
      {
        order_id: order?.id,
        inbox_message_id: l2,
        event: 'updated',
        order_control: 'XO',
        status_before: 'new',
        status_after: 'new',
        details: JSON.stringify({ changed: ['accession_number', 'procedure_code'] }),
      },
      {
        order_id: order?.id,
        inbox_message_id: l3,
        event: 'cancelled',
        order_control: 'CA',
        status_before: 'new',
        status_after: 'cancelled',
        details: JSON.stringify({ changed: [] }),
      },
    ]);
  });

  it('follows SC status changes and refuses XO on a cancelled order without retrying', async () => {
    const { port, alerts } = await start();
    await send(
      port,
      ormMessage({ controlId: 'S1', placer: 'P1', patient }),
      ormMessage({ controlId: 'S2', placer: 'P1', orderControl: 'SC', orderStatus: 'IP', patient }),
      ormMessage({ controlId: 'S3', placer: 'P1', orderControl: 'SC', orderStatus: 'CA', patient }),
      ormMessage({ controlId: 'S4', placer: 'P1', orderControl: 'XO', accession: 'LATE', patient }),
    );
    await waitForState('S4', 'failed');
    const row = await database.db
      .selectFrom('hl7_inbox')
      .select(['attempts', 'error_code', 'error_detail'])
      .where('control_id', '=', 'S4')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      attempts: 1,
      error_code: 'invalid_transition',
      error_detail: 'ORC 1 (XO): invalid_transition',
    });
    expect((await orders()).map((order) => [order.status, order.accession_number])).toEqual([['cancelled', null]]);
    expect((await orderEvents()).map((event) => [event.event, event.status_after])).toEqual([
      ['created', 'new'],
      ['status_changed', 'in_progress'],
      ['cancelled', 'cancelled'],
    ]);
    expect(alerts).toEqual([
      {
        type: 'processing_failed',
        inboxMessageId: await inboxId('S4'),
        controlId: 'S4',
        messageType: 'ORM^O01',
        reason: 'invalid_transition',
      },
    ]);
  });

  it('maps OMI^O23 with IPC into an order', async () => {
    const { port } = await start();
    await send(
      port,
      omiMessage({ controlId: 'O1', placer: 'P9', accession: 'ACC9', studyInstanceUid: '1.2.840.99.9', patient }),
    );
    await waitForState('O1', 'processed');
    expect(await orders()).toMatchObject([
      {
        placer_order_number: 'P9',
        accession_number: 'ACC9',
        requested_procedure_id: 'RPP9',
        scheduled_procedure_step_id: 'SPSP9',
        study_instance_uid: '1.2.840.99.9',
        modality: 'MR',
        procedure_code: 'MRKNEE',
        status: 'new',
      },
    ]);
  });
});

describe('patients', () => {
  it('creates on A04, updates on A08 with the changed fields, and keeps every PID-3 identifier', async () => {
    const { port } = await start();
    await send(
      port,
      adtMessage('A1', 'A04', { ...patient, otherIdentifiers: ['999-99-9999^^^SSA^SS'] }),
      adtMessage('A2', 'A08', { ...patient, familyName: 'MARRIEDNAME', otherIdentifiers: ['NEW77^^^OTHERHOSP^MR'] }),
      adtMessage('A3', 'A31', { ...patient, familyName: 'MARRIEDNAME', otherIdentifiers: ['NEW77^^^OTHERHOSP^MR'] }),
    );
    await waitForState('A3', 'processed');
    const rows = await database.db.selectFrom('hl7_patients').selectAll().execute();
    expect(rows).toMatchObject([
      {
        mrn: 'MRN001',
        mrn_issuer: 'HOSP',
        family_name: 'MARRIEDNAME',
        given_name: 'ALEX',
        birth_date: '1980-02-14',
        sex: 'F',
        status: 'active',
      },
    ]);
    const identifiers = await database.db
      .selectFrom('hl7_patient_identifiers')
      .select(['identifier', 'assigning_authority', 'identifier_type'])
      .orderBy('id')
      .execute();
    expect(identifiers).toEqual([
      { identifier: 'MRN001', assigning_authority: 'HOSP', identifier_type: 'MR' },
      { identifier: 'NEW77', assigning_authority: 'OTHERHOSP', identifier_type: 'MR' },
    ]);
    const events = await database.db
      .selectFrom('hl7_patient_events')
      .select(['event', 'message_type', 'details', 'inbox_message_id'])
      .orderBy('id')
      .execute();
    expect(events).toEqual([
      { event: 'created', message_type: 'ADT^A04', details: '{}', inbox_message_id: await inboxId('A1') },
      {
        event: 'updated',
        message_type: 'ADT^A08',
        details: JSON.stringify({ changed: ['family_name'] }),
        inbox_message_id: await inboxId('A2'),
      },
      {
        event: 'no_change',
        message_type: 'ADT^A31',
        details: JSON.stringify({ changed: [] }),
        inbox_message_id: await inboxId('A3'),
      },
    ]);
  });

  it('applies an A40 merge to patients and re-keys the orders of the retired MRN', async () => {
    const { port } = await start();
    const old = { ...patient, mrn: 'OLD1' };
    await send(
      port,
      adtMessage('M1', 'A04', old),
      ormMessage({ controlId: 'M2', placer: 'P1', patient: old }),
      ormMessage({ controlId: 'M3', placer: 'P2', patient: old }),
      ormMessage({ controlId: 'M4', placer: 'P3', patient: { ...patient, mrn: 'UNRELATED' } }),
      mergeMessage('M5', { ...patient, mrn: 'NEW1' }, 'OLD1'),
    );
    await waitForState('M5', 'processed');
    const merge = await inboxId('M5');
    expect(
      (await orders()).map((order) => [order.placer_order_number, order.mrn, order.last_message_id === merge]),
    ).toEqual([
      ['P1', 'NEW1', true],
      ['P2', 'NEW1', true],
      ['P3', 'UNRELATED', false],
    ]);
    const mergeEvents = (await orderEvents()).filter((event) => event.event === 'patient_merged');
    expect(mergeEvents.map((event) => [event.inbox_message_id, JSON.parse(event.details)])).toEqual([
      [merge, { priorMrn: 'OLD1', priorMrnIssuer: 'HOSP' }],
      [merge, { priorMrn: 'OLD1', priorMrnIssuer: 'HOSP' }],
    ]);
    const patients = await database.db
      .selectFrom('hl7_patients')
      .select(['id', 'mrn', 'status', 'merged_into_patient_id'])
      .orderBy('id')
      .execute();
    const survivor = patients.find((row) => row.mrn === 'NEW1');
    expect(patients.find((row) => row.mrn === 'OLD1')).toMatchObject({
      status: 'merged',
      merged_into_patient_id: survivor?.id,
    });
    expect(survivor).toMatchObject({ status: 'active', merged_into_patient_id: null });
  });
});

describe('retries, failures and reprocessing', () => {
  it('retries an XO that arrived before its NW and applies it once the NW is in', async () => {
    const clock = manualClock();
    const { port } = await start(clock);
    await send(port, ormMessage({ controlId: 'R1', placer: 'P1', orderControl: 'XO', accession: 'FROM-XO', patient }));
    await waitForState('R1', 'retry_wait');
    await send(port, ormMessage({ controlId: 'R2', placer: 'P1', accession: 'FROM-NW', patient }));
    await waitForState('R2', 'processed');
    expect(await stateOf('R1')).toBe('retry_wait');
    expect((await orders()).map((order) => order.accession_number)).toEqual(['FROM-NW']);

    clock.advance(60_000);
    await waitForState('R1', 'processed');
    expect((await orders()).map((order) => order.accession_number)).toEqual(['FROM-XO']);
    const row = await database.db
      .selectFrom('hl7_inbox')
      .select(['attempts', 'error_code'])
      .where('control_id', '=', 'R1')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ attempts: 2, error_code: null });
  });

  it('fails after the last attempt with the reason, alerts, and reprocesses on request', async () => {
    const clock = manualClock();
    const { port, alerts, bridge } = await start(clock);
    await send(port, ormMessage({ controlId: 'F1', placer: 'P1', orderControl: 'CA', patient }));
    for (let attempt = 1; attempt < 3; attempt += 1) {
      await waitFor(async () => {
        const row = await database.db
          .selectFrom('hl7_inbox')
          .select('attempts')
          .where('control_id', '=', 'F1')
          .executeTakeFirstOrThrow();
        return row.attempts === attempt;
      });
      clock.advance(60_000);
    }
    await waitForState('F1', 'failed');
    const failed = await inboxId('F1');
    expect(
      await database.db
        .selectFrom('hl7_inbox')
        .select(['attempts', 'error_code'])
        .where('id', '=', failed)
        .executeTakeFirstOrThrow(),
    ).toEqual({ attempts: 3, error_code: 'order_not_found' });
    expect(alerts).toEqual([
      {
        type: 'processing_failed',
        inboxMessageId: failed,
        controlId: 'F1',
        messageType: 'ORM^O01',
        reason: 'order_not_found',
      },
    ]);

    await send(port, ormMessage({ controlId: 'F2', placer: 'P1', patient }));
    await waitForState('F2', 'processed');
    await bridge.reprocess(failed);
    await waitForState('F1', 'processed');
    expect((await orders()).map((order) => order.status)).toEqual(['cancelled']);
  });

  it('refuses to reprocess a message that is not failed, or does not exist', async () => {
    const { port, bridge } = await start();
    await send(port, adtMessage('X1', 'A08', patient));
    await waitForState('X1', 'processed');
    const id = await inboxId('X1');
    await expect(bridge.reprocess(id)).rejects.toSatisfy(
      (error) => isHl7Error(error) && error.code === 'invalid_state',
    );
    await expect(bridge.reprocess(id + 1000)).rejects.toSatisfy(
      (error) => isHl7Error(error) && error.code === 'not_found',
    );
  });

  it('never processes a rejected message', async () => {
    const { port, bridge } = await start();
    const acks = await sendAndWait(port, [
      latin1(ormMessage({ controlId: 'N1', placer: 'P1', patient }).replace('MRN001^^^HOSP^MR', '')),
    ]);
    expect(ackFields(acks[0] ?? Buffer.alloc(0)).code).toBe('AE');
    expect(await bridge.processDueNow()).toBe(0);
    expect(await stateOf('N1')).toBe('rejected');
    expect(await orders()).toEqual([]);
  });
});
