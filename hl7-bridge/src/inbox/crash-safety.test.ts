// Crash safety (issue 4): the bridge runs in a child process on a real SQLite file (WAL,
// synchronous=FULL). A client that resends anything not yet ACKed pipelines 2,000 orders; after
// 1,000 ACKs the bridge is killed with SIGKILL, restarted on the same file, and the client
// finishes. Every message that was ACKed must be stored exactly once, with the ACK the client
// got, and processed into exactly one order.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MllpClient } from '../mllp/index.ts';
import { ackFields, latin1, ormMessage } from '../testing/hl7-test-messages.ts';
import { createTestDatabase, waitFor, type TestDatabase } from '../testing/hl7-test-support.ts';

const RUNNER = fileURLToPath(new URL('../testing/hl7-bridge-runner.ts', import.meta.url));
const MESSAGE_COUNT = 2_000;
const KILL_AFTER_ACKS = 1_000;
const WINDOW = 25;

interface Runner {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  readonly exited: Promise<void>;
}

const children: ChildProcessWithoutNullStreams[] = [];
let database: TestDatabase | undefined;

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  }
  await database?.cleanup();
  database = undefined;
});

async function startRunner(path: string): Promise<Runner> {
  const child = spawn(process.execPath, [RUNNER, path], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  child.stderr.resume();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`runner exited with ${String(code)} before listening`)));
  });
  return { child, port, exited };
}

/**
 * Sends every payload until each has an ACK: up to WINDOW pipelined at a time, and after any
 * connection failure reconnects (to whatever port `currentPort` then gives) and resends every
 * payload still without an ACK, in order. What mllp senders do after a lost connection.
 */
async function sendUntilAcked(
  payloads: readonly Buffer[],
  currentPort: () => Promise<number>,
  onAck: (ackCount: number) => void,
): Promise<(Buffer | undefined)[]> {
  const acks: (Buffer | undefined)[] = payloads.map(() => undefined);
  let ackCount = 0;
  while (ackCount < payloads.length) {
    const client = new MllpClient({ host: '127.0.0.1', port: await currentPort(), connectTimeoutMs: 2_000 });
    try {
      await client.connect();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    const unacked = payloads.flatMap((_, index) => (acks[index] === undefined ? [index] : []));
    let failed = false;
    for (let start = 0; start < unacked.length && !failed; start += WINDOW) {
      const chunk = unacked.slice(start, start + WINDOW);
      const results = await Promise.allSettled(
        chunk.map(async (index) => {
          const payload = payloads[index];
          if (payload === undefined) throw new Error('no payload');
          const ack = await client.send(payload);
          acks[index] = ack;
          ackCount += 1;
          onAck(ackCount);
        }),
      );
      failed = results.some((result) => result.status === 'rejected');
    }
    await client.close();
  }
  return acks;
}

describe('crash safety', () => {
  it('keeps every ACKed message exactly once and processes it after a SIGKILL and restart', async () => {
    database = await createTestDatabase('outside-hl7-crash-');
    const path = database.path;
    // The child owns the file now; the test reads it only through a read-only connection.
    await database.close();

    const payloads = Array.from({ length: MESSAGE_COUNT }, (_, index) =>
      latin1(
        ormMessage({
          controlId: `CRASH${index}`,
          placer: `PLACER${index}`,
          accession: `ACC${index}`,
          patient: { mrn: `MRN${index % 97}` },
        }),
      ),
    );

    let runner = await startRunner(path);
    let port = Promise.resolve(runner.port);
    let ackedAtKill: number | undefined;
    const acks = await sendUntilAcked(
      payloads,
      () => port,
      (ackCount) => {
        if (ackedAtKill !== undefined || ackCount < KILL_AFTER_ACKS) return;
        ackedAtKill = ackCount;
        const killed = runner;
        killed.child.kill('SIGKILL');
        port = killed.exited.then(async () => {
          runner = await startRunner(path);
          return runner.port;
        });
      },
    );

    expect(ackedAtKill).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(ackedAtKill).toBeLessThan(MESSAGE_COUNT);
    expect(acks.map((ack) => (ack === undefined ? 'none' : ackFields(ack).code))).toEqual(payloads.map(() => 'AA'));

    const reader = new SqliteDatabase(path, { readonly: true });
    try {
      await waitFor(
        () =>
          (reader.prepare("select count(*) as n from hl7_inbox where state = 'processed'").get() as { n: number }).n ===
          MESSAGE_COUNT,
      );
      const rows = reader.prepare('select control_id, state, ack_message from hl7_inbox order by id').all() as {
        control_id: string;
        state: string;
        ack_message: Buffer;
      }[];
      expect(rows).toHaveLength(MESSAGE_COUNT);
      const byControlId = new Map(rows.map((row) => [row.control_id, row]));
      expect(byControlId.size).toBe(MESSAGE_COUNT);
      payloads.forEach((_, index) => {
        const row = byControlId.get(`CRASH${index}`);
        expect(row?.state).toBe('processed');
        // The client got exactly the stored ACK, whether first-hand or replayed after the restart.
        expect(row?.ack_message.equals(acks[index] ?? Buffer.alloc(0))).toBe(true);
      });
      const orders = reader
        .prepare('select count(*) as n, count(distinct order_key) as keys from hl7_orders')
        .get() as {
        n: number;
        keys: number;
      };
      expect(orders).toEqual({ n: MESSAGE_COUNT, keys: MESSAGE_COUNT });
      const events = reader.prepare("select count(*) as n from hl7_order_events where event = 'created'").get() as {
        n: number;
      };
      expect(events.n).toBe(MESSAGE_COUNT);
    } finally {
      reader.close();
    }
  }, 120_000);
});
