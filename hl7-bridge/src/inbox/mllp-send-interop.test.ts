// A real external sender: `mllp_send` from Debian's python3-hl7 sends a file of mixed messages
// (ORM^O01 v2.3 and v2.5, OMI^O23 v2.5.1, ADT A04/A08/A40) to the bridge. Each must be stored once,
// ACKed AA, and processed. How mllp_send behaves is described in ../mllp/mllp-send-interop.test.ts
// (framed files, or --loose plain text split at MSH; one message at a time; trailing CR stripped).

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { adtMessage, latin1, mergeMessage, omiMessage, ormMessage } from '../testing/hl7-test-messages.ts';
import {
  createTestDatabase,
  startTestBridge,
  waitFor,
  type TestBridge,
  type TestDatabase,
} from '../testing/hl7-test-support.ts';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const MLLP_SEND = '/usr/bin/mllp_send';

const MESSAGES = [
  ormMessage({ controlId: 'MIX1', version: '2.3', placer: 'P1', accession: 'ACC1', patient: { mrn: 'OLD1' } }),
  ormMessage({
    controlId: 'MIX2',
    version: '2.5',
    placer: 'P2',
    accession: 'ACC2',
    studyInstanceUid: '1.2.840.99.2',
    patient: { mrn: 'OLD1' },
  }),
  omiMessage({
    controlId: 'MIX3',
    placer: 'P3',
    accession: 'ACC3',
    studyInstanceUid: '1.2.840.99.3',
    patient: { mrn: 'NEW1' },
  }),
  adtMessage('MIX4', 'A04', { mrn: 'NEW1', familyName: 'TESTPATIENT' }),
  adtMessage('MIX5', 'A08', { mrn: 'NEW1', familyName: 'RENAMED' }),
  mergeMessage('MIX6', { mrn: 'NEW1', familyName: 'RENAMED' }, 'OLD1'),
];
const CONTROL_IDS = MESSAGES.map((_, index) => `MIX${index + 1}`);

let database: TestDatabase;
let running: TestBridge | undefined;

afterEach(async () => {
  await running?.bridge.stop();
  running = undefined;
  await database.cleanup();
});

function frame(text: string): Buffer {
  return Buffer.concat([Buffer.from([0x0b]), latin1(text), Buffer.from([0x1c, 0x0d])]);
}

/** MSA-1/MSA-2 of each framed ACK mllp_send printed. */
function printedAcks(stdout: Buffer): string[][] {
  const acks: string[][] = [];
  for (let start = stdout.indexOf(0x0b); start !== -1; start = stdout.indexOf(0x0b, start + 1)) {
    const end = stdout.indexOf(0x1c, start);
    const payload = stdout.subarray(start + 1, end === -1 ? undefined : end).toString('latin1');
    const msa = payload.split('\r').find((segment) => segment.startsWith('MSA|')) ?? '';
    acks.push(msa.split('|').slice(1, 3));
  }
  return acks;
}

async function sendFile(content: Buffer, extraArguments: string[] = []): Promise<string[][]> {
  database = await createTestDatabase('outside-hl7-mllp-send-');
  running = await startTestBridge(database);
  const file = join(database.directory, 'messages.hl7');
  writeFileSync(file, content);
  const { stdout } = await run(
    PYTHON,
    [MLLP_SEND, ...extraArguments, '--file', file, '--port', String(running.port), '127.0.0.1'],
    { encoding: 'buffer' },
  );
  return printedAcks(stdout);
}

async function expectStoredOnceAndProcessed(): Promise<void> {
  await waitFor(async () => {
    const open = await database.db.selectFrom('hl7_inbox').select('id').where('state', '!=', 'processed').execute();
    return open.length === 0;
  });
  const rows = await database.db
    .selectFrom('hl7_inbox')
    .select(['control_id', 'ack_code', 'state'])
    .orderBy('id')
    .execute();
  expect(rows).toEqual(CONTROL_IDS.map((controlId) => ({ control_id: controlId, ack_code: 'AA', state: 'processed' })));
  const orders = await database.db
    .selectFrom('hl7_orders')
    .select(['placer_order_number', 'mrn', 'accession_number'])
    .orderBy('id')
    .execute();
  // The A40 merged OLD1 into NEW1: both ORM orders were re-keyed.
  expect(orders).toEqual([
    { placer_order_number: 'P1', mrn: 'NEW1', accession_number: 'ACC1' },
    { placer_order_number: 'P2', mrn: 'NEW1', accession_number: 'ACC2' },
    { placer_order_number: 'P3', mrn: 'NEW1', accession_number: 'ACC3' },
  ]);
  const patients = await database.db
    .selectFrom('hl7_patients')
    .select(['mrn', 'family_name', 'status'])
    .orderBy('mrn')
    .execute();
  expect(patients).toEqual([
    { mrn: 'NEW1', family_name: 'RENAMED', status: 'active' },
    { mrn: 'OLD1', family_name: 'TESTPATIENT', status: 'merged' },
  ]);
}

describe('mllp_send (python-hl7) against the bridge', () => {
  it('stores each message of a framed file once, ACKs it AA and processes it', async () => {
    const acks = await sendFile(Buffer.concat(MESSAGES.map(frame)));
    expect(acks).toEqual(CONTROL_IDS.map((controlId) => ['AA', controlId]));
    await expectStoredOnceAndProcessed();
  });

  it('does the same with --loose, LF line ends and the file sent twice (every resend replayed)', async () => {
    const text = MESSAGES.map((message) => message.replaceAll('\r', '\n')).join('');
    const acks = await sendFile(latin1(`${text}${text}`), ['--loose']);
    expect(acks).toEqual([...CONTROL_IDS, ...CONTROL_IDS].map((controlId) => ['AA', controlId]));
    await expectStoredOnceAndProcessed();
  });
});
