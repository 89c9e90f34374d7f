// Receiving over a real MLLP listener into a real SQLite file: the durable inbox, ACK codes for
// malformed input, duplicate and conflicting keys, batches, enhanced mode and storage failure.

import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MllpClient } from '../mllp/index.ts';
import { ackFields, adtMessage, latin1, ormMessage } from '../testing/hl7-test-messages.ts';
import {
  createTestDatabase,
  sendAndWait,
  startTestBridge,
  waitFor,
  type TestBridge,
  type TestDatabase,
} from '../testing/hl7-test-support.ts';

const patient = { mrn: 'MRN001' };
let database: TestDatabase;
let running: TestBridge | undefined;

afterEach(async () => {
  await running?.bridge.stop();
  running = undefined;
  await database.cleanup();
});

async function start(overrides: Parameters<typeof startTestBridge>[1] = {}): Promise<TestBridge> {
  database = await createTestDatabase();
  running = await startTestBridge(database, overrides);
  return running;
}

function inboxRows() {
  return database.db.selectFrom('hl7_inbox').selectAll().orderBy('id').execute();
}

/** ERR-3.1 of every ERR segment (v2.5 layout). */
function errorCodes(ack: Buffer): string[] {
  return ackFields(ack)
    .segments.filter((segment) => segment.startsWith('ERR|'))
    .map((segment) => segment.split('|')[3]?.split('^')[0] ?? '');
}

describe('malformed input', () => {
  const ORM = ormMessage({ controlId: 'BAD1', placer: 'P1', patient });
  const cases = [
    ['no MSH', latin1('PID|1||MRN001^^^HOSP^MR\rORC|NW|P1\r'), 'AR', '100'],
    ['wrong encoding characters', latin1(ORM.replace('MSH|^~\\&|', 'MSH|^~|')), 'AR', '102'],
    ['unknown message type', latin1(ORM.replace('ORM^O01^ORM_O01', 'ZZZ^Z99')), 'AR', '200'],
    ['missing PID-3', latin1(ORM.replace('MRN001^^^HOSP^MR', '')), 'AE', '101'],
    [
      'non-UTF-8 bytes under a UTF-8 MSH-18',
      latin1(
        ormMessage({ controlId: 'BAD2', placer: 'P1', patient, mshExtra: '||||||UNICODE UTF-8' }).replace(
          'TESTPATIENT',
          'M\xfcLLER',
        ),
      ),
      'AE',
      '102',
    ],
  ] as const;

  it.each(cases)('%s is answered %s with ERR code %s and kept as rejected', async (_name, payload, code, errorCode) => {
    const { port } = await start();
    const [ack] = await sendAndWait(port, [payload]);
    if (ack === undefined) throw new Error('no ACK');
    expect(ackFields(ack).code).toBe(code);
    expect(errorCodes(ack)).toEqual([errorCode]);
    const rows = await inboxRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'rejected', ack_code: code, error_code: errorCode, dedup_key: null });
    expect(rows[0]?.raw_message.equals(payload)).toBe(true);
    expect(rows[0]?.ack_message.equals(ack)).toBe(true);
  });

  it('closes only the connection that sends an oversized frame; others keep being served', async () => {
    const { port } = await start({ maxFrameBytes: 4096 });
    const healthy = new MllpClient({ host: '127.0.0.1', port });
    await healthy.connect();
    const first = await healthy.send(latin1(ormMessage({ controlId: 'OK1', placer: 'P1', patient })));
    expect(ackFields(first).code).toBe('AA');

    const oversized = connect({ host: '127.0.0.1', port });
    const closed = new Promise<Buffer>((resolve) => {
      const received: Buffer[] = [];
      oversized.on('data', (chunk: Buffer) => received.push(chunk));
      oversized.on('error', () => undefined);
      oversized.on('close', () => resolve(Buffer.concat(received)));
    });
    oversized.write(Buffer.concat([Buffer.from([0x0b]), latin1(`MSH|^~\\&|${'X'.repeat(10_000)}`)]));
    expect((await closed).length).toBe(0);

    const second = await healthy.send(latin1(ormMessage({ controlId: 'OK2', placer: 'P2', patient })));
    expect(ackFields(second).code).toBe('AA');
    await healthy.close();
    expect((await inboxRows()).map((row) => row.control_id)).toEqual(['OK1', 'OK2']);
  });
});

describe('duplicates and key conflicts', () => {
  it('answers a resend with the stored ACK byte for byte and creates one order', async () => {
    const { port, bridge } = await start();
    const message = latin1(ormMessage({ controlId: 'DUP1', placer: 'P1', accession: 'ACC1', patient }));
    // The sender lost the first ACK and resends, once as is and once with CRLF line ends.
    const acks = await sendAndWait(port, [
      message,
      message,
      latin1(message.toString('latin1').replaceAll('\r', '\r\n')),
    ]);
    expect(acks[0] !== undefined && acks.every((ack) => ack.equals(acks[0] ?? Buffer.alloc(0)))).toBe(true);
    expect(ackFields(acks[0] ?? Buffer.alloc(0)).code).toBe('AA');
    await bridge.processDueNow();
    expect(await inboxRows()).toHaveLength(1);
    const orders = await database.db.selectFrom('hl7_orders').selectAll().execute();
    expect(orders.map((order) => order.accession_number)).toEqual(['ACC1']);
  });

  it('answers a different message under a used key with AR and an alert, keeping both', async () => {
    const { port, alerts, bridge } = await start();
    const acks = await sendAndWait(port, [
      latin1(ormMessage({ controlId: 'K1', placer: 'P1', accession: 'ACC1', patient })),
      latin1(ormMessage({ controlId: 'K1', placer: 'P2', accession: 'ACC2', patient })),
    ]);
    expect(acks.map((ack) => ackFields(ack).code)).toEqual(['AA', 'AR']);
    expect(errorCodes(acks[1] ?? Buffer.alloc(0))).toEqual(['205']);
    const rows = await inboxRows();
    expect(rows.map((row) => [row.state, row.error_code])).toEqual([
      ['pending', null],
      ['rejected', '205'],
    ]);
    expect(alerts).toEqual([
      {
        type: 'duplicate_key_conflict',
        inboxMessageId: rows[1]?.id,
        originalInboxMessageId: rows[0]?.id,
        sendingApplication: 'EMR',
        sendingFacility: 'HOSP',
        controlId: 'K1',
      },
    ]);
    await bridge.processDueNow();
    const orders = await database.db.selectFrom('hl7_orders').select('accession_number').execute();
    expect(orders).toEqual([{ accession_number: 'ACC1' }]);
  });

  it('lets a corrected message reuse the key of a rejected one', async () => {
    const { port } = await start();
    const good = ormMessage({ controlId: 'FIX1', placer: 'P1', patient });
    const acks = await sendAndWait(port, [latin1(good.replace('MRN001^^^HOSP^MR', '')), latin1(good)]);
    expect(acks.map((ack) => ackFields(ack).code)).toEqual(['AE', 'AA']);
    expect((await inboxRows()).map((row) => row.state)).toEqual(['rejected', 'pending']);
  });

  it('treats the same key from another sending facility as another message', async () => {
    const { port } = await start();
    const message = ormMessage({ controlId: 'SAME', placer: 'P1', patient });
    const acks = await sendAndWait(port, [latin1(message), latin1(message.replace('|EMR|HOSP|', '|EMR|CLINIC|'))]);
    expect(acks.map((ack) => ackFields(ack).code)).toEqual(['AA', 'AA']);
  });
});

describe('batches', () => {
  it('answers every message of a BHS batch, in order, in a batch of ACKs', async () => {
    const { port } = await start();
    const messages = [
      ormMessage({ controlId: 'B1', placer: 'P1', patient }),
      ormMessage({ controlId: 'B2', placer: 'P2', patient }).replace('MRN001^^^HOSP^MR', ''),
      adtMessage('B3', 'A08', patient),
    ];
    const batch = `BHS|^~\\&|EMR|HOSP|OUTSIDE|HOSP|20240301101500||||BATCH7\r${messages.join('')}BTS|3\r`;
    const [ack] = await sendAndWait(port, [latin1(batch)]);
    const segments =
      ack
        ?.toString('latin1')
        .split('\r')
        .filter((segment) => segment !== '') ?? [];
    expect(segments[0]).toMatch(/^BHS\|\^~\\&\|OUTSIDE\|HOSP\|EMR\|HOSP\|\d{14}[+-]\d{4}\|\|\|\|B\w+\|BATCH7$/);
    expect(
      segments.filter((segment) => segment.startsWith('MSA|')).map((segment) => segment.split('|').slice(1, 3)),
    ).toEqual([
      ['AA', 'B1'],
      ['AE', 'B2'],
      ['AA', 'B3'],
    ]);
    expect(segments.at(-1)).toBe('BTS|3');
    const rows = await inboxRows();
    expect(rows.map((row) => [row.control_id, row.state, row.batch_control_id])).toEqual([
      ['B1', 'pending', 'BATCH7'],
      ['B2', 'rejected', 'BATCH7'],
      ['B3', 'pending', 'BATCH7'],
    ]);
    // Each message keeps exactly its own bytes.
    expect(rows[0]?.raw_message.toString('latin1')).toBe(messages[0]?.slice(0, -1));
  });

  it('wraps the batch answer in FHS/FTS for a file batch', async () => {
    const { port } = await start();
    const file =
      'FHS|^~\\&|EMR|HOSP|OUTSIDE|HOSP|20240301101500||||FILE1\r' +
      'BHS|^~\\&|EMR|HOSP|OUTSIDE|HOSP|20240301101500||||BATCH1\r' +
      `${ormMessage({ controlId: 'F1', placer: 'P1', patient })}BTS|1\rFTS|1\r`;
    const [ack] = await sendAndWait(port, [latin1(file)]);
    const segments =
      ack
        ?.toString('latin1')
        .split('\r')
        .filter((segment) => segment !== '') ?? [];
    expect(segments.map((segment) => segment.slice(0, 3))).toEqual(['FHS', 'BHS', 'MSH', 'MSA', 'BTS', 'FTS']);
    expect(segments[0]?.endsWith('|FILE1')).toBe(true);
    expect(segments.at(-1)).toBe('FTS|1');
  });
});

describe('enhanced acknowledgment mode', () => {
  it('answers commit ACKs: CA when stored, CE for content errors, CR for header rejections', async () => {
    const { port } = await start();
    const enhanced = (controlId: string) => ormMessage({ controlId, placer: controlId, patient, mshExtra: '|||AL|NE' });
    const acks = await sendAndWait(port, [
      latin1(enhanced('E1')),
      latin1(enhanced('E2').replace('MRN001^^^HOSP^MR', '')),
      latin1(enhanced('E3').replace('|P|2.5', '|P|2.9')),
    ]);
    expect(acks.map((ack) => ackFields(ack).code)).toEqual(['CA', 'CE', 'CR']);
  });
});

describe('storage failure', () => {
  it('answers AR 207 and alerts when the inbox cannot be written', async () => {
    const { port, alerts } = await start();
    await database.db.schema.alterTable('hl7_inbox').renameTo('hl7_inbox_gone').execute();
    const [ack] = await sendAndWait(port, [latin1(ormMessage({ controlId: 'S1', placer: 'P1', patient }))]);
    expect(ackFields(ack ?? Buffer.alloc(0)).code).toBe('AR');
    expect(errorCodes(ack ?? Buffer.alloc(0))).toEqual(['207']);
    await waitFor(() => alerts.length > 0);
    expect(alerts[0]).toMatchObject({ type: 'store_failed', controlId: 'S1' });
    await database.db.schema.alterTable('hl7_inbox_gone').renameTo('hl7_inbox').execute();
    expect(await inboxRows()).toHaveLength(0);
  });
});
