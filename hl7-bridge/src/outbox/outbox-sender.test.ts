// Outbound order requests and application ACKs against a real MLLP listener playing the EMR: it
// first refuses connections, then answers AE, then AA. A manual clock decides when a retry is due.

import { afterEach, describe, expect, it } from 'vitest';
import { parseHl7Config } from '../config/hl7-config.ts';
import { isHl7Error } from '../hl7-errors.ts';
import { assessMessage } from '../inbox/assess-message.ts';
import { MllpServer } from '../mllp/index.ts';
import { ackFields, latin1, ormMessage } from '../testing/hl7-test-messages.ts';
import {
  createTestDatabase,
  manualClock,
  sendAndWait,
  startTestBridge,
  waitFor,
  type TestBridge,
  type TestDatabase,
} from '../testing/hl7-test-support.ts';

let database: TestDatabase;
let running: TestBridge | undefined;
let emr: MllpServer | undefined;

afterEach(async () => {
  await running?.bridge.stop();
  running = undefined;
  await emr?.stop();
  emr = undefined;
  await database.cleanup();
});

/** A port with nothing listening on it (connections are refused). */
async function freePort(): Promise<number> {
  const probe = new MllpServer({ port: 0, handler: async (payload) => payload });
  const { port } = await probe.start();
  await probe.stop();
  return port;
}

/** The EMR: records what it receives and answers with the next scripted acknowledgment code. */
async function startEmr(port: number, codes: string[]): Promise<Buffer[]> {
  const received: Buffer[] = [];
  emr = new MllpServer({
    port,
    handler: async (payload) => {
      received.push(payload);
      const controlId = payload.toString('latin1').split('\r')[0]?.split('|')[9] ?? '';
      const code = codes.shift() ?? 'AA';
      return latin1(
        `MSH|^~\\&|EMR|HOSP|OUTSIDE|HOSP|20240301101500||ACK^O01^ACK|E${received.length}|P|2.5\rMSA|${code}|${controlId}\r`,
      );
    },
  });
  await emr.start();
  return received;
}

const REQUEST = {
  patient: {
    mrn: 'MRN001',
    mrnIssuer: 'HOSP',
    familyName: 'TESTPATIENT',
    givenName: 'ALEX',
    birthDate: '1980-02-14',
    sex: 'F',
  },
  procedure: { code: 'SECREAD', text: 'SECOND READ OF OUTSIDE STUDY', codingSystem: 'L' },
  reason: 'Outside CT^head, please review',
  requestedBy: { userId: 'dr.reader', familyName: 'READER', givenName: 'DANA' },
  studyInstanceUid: '1.2.840.99.42',
};

async function outboxRow(id: number) {
  return database.db.selectFrom('hl7_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe('outbound order requests', () => {
  it('retries while the EMR refuses connections and answers AE, and is sent once it answers AA', async () => {
    const clock = manualClock();
    const port = await freePort();
    database = await createTestDatabase();
    running = await startTestBridge(
      database,
      { outboundEnabled: true, outboundPort: port, outboundMaxAttempts: 5 },
      { now: clock.now },
    );

    const { outboxMessageId, controlId, placerOrderNumber } = await running.bridge.enqueueOrderRequest(REQUEST);
    await waitFor(async () => (await outboxRow(outboxMessageId)).attempts === 1);
    await waitFor(async () => (await outboxRow(outboxMessageId)).state === 'retry_wait');
    expect(await outboxRow(outboxMessageId)).toMatchObject({ last_error: 'connection_refused', ack_code: null });

    const received = await startEmr(port, ['AE', 'AA']);
    clock.advance(60_000);
    await waitFor(async () => (await outboxRow(outboxMessageId)).attempts === 2);
    await waitFor(async () => (await outboxRow(outboxMessageId)).state === 'retry_wait');
    expect(await outboxRow(outboxMessageId)).toMatchObject({ last_error: 'answered AE', ack_code: 'AE' });

    clock.advance(60_000);
    await waitFor(async () => (await outboxRow(outboxMessageId)).state === 'sent');
    expect(await outboxRow(outboxMessageId)).toMatchObject({
      attempts: 3,
      ack_code: 'AA',
      last_error: null,
      sent_at: clock.now().toISOString(),
      study_instance_uid: '1.2.840.99.42',
      requested_by: 'dr.reader',
    });

    // Every attempt carried the same bytes, under the same control id.
    expect(received).toHaveLength(2);
    expect(received[0]?.equals(received[1] ?? Buffer.alloc(0))).toBe(true);
    // Our own inbound mapping reads the request back as the order we meant.
    const assessed = assessMessage(received[0] ?? Buffer.alloc(0), parseHl7Config({}));
    expect(assessed.header.fields).toMatchObject({
      messageCode: 'ORM',
      triggerEvent: 'O01',
      controlId,
      version: '2.5',
    });
    expect(assessed.verdict).toMatchObject({
      code: 'AA',
      mapped: {
        patient: {
          mrn: 'MRN001',
          mrnIssuer: 'HOSP',
          name: { familyName: 'TESTPATIENT', givenName: 'ALEX' },
          birthDate: '1980-02-14',
          sex: 'F',
        },
        orders: [
          {
            orderControl: 'NW',
            placerOrderNumber,
            placerApplication: 'OUTSIDE',
            procedureCode: 'SECREAD',
            procedureText: 'SECOND READ OF OUTSIDE STUDY',
            studyInstanceUid: '1.2.840.99.42',
            orderingProviderId: 'dr.reader',
            orderingProviderName: 'READER, DANA',
            reasonForStudy: 'Outside CT^head, please review',
          },
        ],
      },
    });
  });

  it('goes dead after the last attempt, alerts, and can be retried', async () => {
    const clock = manualClock();
    const port = await freePort();
    database = await createTestDatabase();
    running = await startTestBridge(
      database,
      { outboundEnabled: true, outboundPort: port, outboundMaxAttempts: 2 },
      { now: clock.now },
    );
    const { outboxMessageId, controlId } = await running.bridge.enqueueOrderRequest(REQUEST);
    await waitFor(async () => (await outboxRow(outboxMessageId)).state === 'retry_wait');
    clock.advance(60_000);
    await waitFor(async () => (await outboxRow(outboxMessageId)).state === 'dead');
    expect(running.alerts).toEqual([
      { type: 'outbound_dead', outboxMessageId, controlId, kind: 'order_request', reason: 'connection_refused' },
    ]);

    await startEmr(port, ['AA']);
    await running.bridge.retryOutbound(outboxMessageId);
    await waitFor(async () => (await outboxRow(outboxMessageId)).state === 'sent');
    await expect(running.bridge.retryOutbound(outboxMessageId)).rejects.toSatisfy(
      (error) => isHl7Error(error) && error.code === 'invalid_state',
    );
  });

  it('refuses an invalid request with invalid_input and stores nothing', async () => {
    database = await createTestDatabase();
    running = await startTestBridge(database);
    await expect(running.bridge.enqueueOrderRequest({ ...REQUEST, studyInstanceUid: 'not-a-uid' })).rejects.toSatisfy(
      (error) => isHl7Error(error) && error.code === 'invalid_input',
    );
    expect(await database.db.selectFrom('hl7_outbox').selectAll().execute()).toEqual([]);
  });
});

describe('enhanced-mode application acknowledgments', () => {
  it('sends AA after processing when MSH-16 is AL, and AE on failure when it is ER', async () => {
    const port = await freePort();
    const received = await startEmr(port, ['CA', 'CA']);
    database = await createTestDatabase();
    running = await startTestBridge(database, { outboundEnabled: true, outboundPort: port });
    const patient = { mrn: 'MRN001' };
    const acks = await sendAndWait(running.port, [
      latin1(ormMessage({ controlId: 'EN1', placer: 'P1', patient, mshExtra: '|||AL|AL' })),
      // A cancel for an order that does not exist fails after its attempts (test config: 3).
      latin1(ormMessage({ controlId: 'EN2', placer: 'P404', orderControl: 'CA', patient, mshExtra: '|||AL|ER' })),
      latin1(ormMessage({ controlId: 'EN3', placer: 'P2', patient, mshExtra: '|||AL|ER' })),
    ]);
    expect(acks.map((ack) => ackFields(ack).code)).toEqual(['CA', 'CA', 'CA']);
    await waitFor(() => received.length === 2);
    await waitFor(async () => {
      const rows = await database.db.selectFrom('hl7_outbox').select('state').execute();
      return rows.length === 2 && rows.every((row) => row.state === 'sent');
    });
    const answers = received.map((payload) => {
      const segments = payload.toString('latin1').split('\r');
      return {
        msh: segments[0]?.split('|').slice(8, 16),
        msa: segments[1]?.split('|').slice(0, 3),
        err: segments[2]?.split('|')[3],
      };
    });
    expect(answers).toEqual([
      {
        msh: ['ACK^O01^ACK', expect.any(String), 'P', '2.5', '', '', 'AL', 'NE'],
        msa: ['MSA', 'AA', 'EN1'],
        err: undefined,
      },
      {
        msh: ['ACK^O01^ACK', expect.any(String), 'P', '2.5', '', '', 'AL', 'NE'],
        msa: ['MSA', 'AE', 'EN2'],
        err: '207^Application internal error^HL70357',
      },
    ]);
  });
});
