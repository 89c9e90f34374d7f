// HL7 benchmark (issue 4, DESIGN section 10): one MLLP connection, N ORM^O01 messages, first
// send-and-wait (each message waits for its ACK), then pipelined (a sliding window of messages in
// flight). Measured against the whole bridge with the durable inbox (SQLite file, WAL,
// synchronous=FULL, the worker processing in the background), and in the same run against a bare
// MllpServer that answers a fixed ACK without storing anything (the transport's ceiling).
//
//   node hl7-bridge/src/bench/hl7-bench.ts [messageCount] [--no-statement-cache] [--synchronous-off]
//
// The two flags exist to find out where time goes; the targets are about the default run.
//
// Targets: >= 500 messages/s send-and-wait and ACK p99 < 20 ms with durability on.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hl7Bridge } from '../bridge/hl7-bridge.ts';
import { parseHl7Config } from '../config/hl7-config.ts';
import { migrateHl7, openHl7Sqlite } from '../db/open-hl7-sqlite.ts';
import { MllpClient, MllpServer } from '../mllp/index.ts';
import { latin1, ormMessage } from '../testing/hl7-test-messages.ts';

export type BenchMode = 'send-and-wait' | 'pipelined';
export type BenchTarget = 'bridge (durable inbox)' | 'bare ACK listener';

export interface Hl7BenchRow {
  readonly target: BenchTarget;
  readonly mode: BenchMode;
  readonly messages: number;
  readonly seconds: number;
  readonly messagesPerSecond: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

export interface Hl7BenchResult {
  readonly rows: readonly Hl7BenchRow[];
  /** Bridge messages/s divided by bare-listener messages/s, per mode. */
  readonly ratios: Readonly<Record<BenchMode, number>>;
  readonly targets: {
    readonly sendAndWaitMessagesPerSecond: { readonly measured: number; readonly target: 500; readonly met: boolean };
    readonly sendAndWaitP99Ms: { readonly measured: number; readonly target: 20; readonly met: boolean };
  };
  /** Whether every message sent to the bridge was stored (checked after the run). */
  readonly storedMessages: number;
  readonly window: number;
  readonly statementCache: boolean;
  readonly synchronous: 'FULL' | 'NORMAL' | 'OFF';
}

export interface Hl7BenchOptions {
  readonly messageCount?: number;
  /** Messages in flight in pipelined mode. */
  readonly window?: number;
  /**
   * Reuse prepared statements (../db/sqlite-statement-cache.ts). Default true; false measures a
   * database opened exactly like the sidecar's today (plugin-server/src/db/database.ts).
   */
  readonly statementCache?: boolean;
  /** SQLite synchronous mode; FULL (the default) is the durable commit the targets are about. */
  readonly synchronous?: 'FULL' | 'NORMAL' | 'OFF';
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

function payloads(prefix: string, count: number): Buffer[] {
  return Array.from({ length: count }, (_, index) =>
    latin1(
      ormMessage({
        controlId: `${prefix}${index}`,
        placer: `${prefix}P${index}`,
        accession: `${prefix}A${index}`,
        patient: { mrn: `MRN${index % 1000}` },
      }),
    ),
  );
}

async function measure(
  target: BenchTarget,
  mode: BenchMode,
  port: number,
  messages: readonly Buffer[],
  window: number,
): Promise<Hl7BenchRow> {
  const client = new MllpClient({ host: '127.0.0.1', port, ackTimeoutMs: 120_000 });
  await client.connect();
  const latencies: number[] = [];
  const sendOne = async (payload: Buffer): Promise<void> => {
    const started = performance.now();
    await client.send(payload);
    latencies.push(performance.now() - started);
  };
  const started = performance.now();
  if (mode === 'send-and-wait') {
    for (const payload of messages) await sendOne(payload);
  } else {
    let next = 0;
    const lane = async (): Promise<void> => {
      for (let index = next++; index < messages.length; index = next++) {
        const payload = messages[index];
        if (payload !== undefined) await sendOne(payload);
      }
    };
    await Promise.all(Array.from({ length: window }, lane));
  }
  const seconds = (performance.now() - started) / 1000;
  await client.close();
  latencies.sort((a, b) => a - b);
  return {
    target,
    mode,
    messages: messages.length,
    seconds,
    messagesPerSecond: messages.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
    p99Ms: percentile(latencies, 0.99),
  };
}

export async function runHl7Bench(options: Hl7BenchOptions = {}): Promise<Hl7BenchResult> {
  const count = options.messageCount ?? 10_000;
  const window = options.window ?? 100;
  const rows: Hl7BenchRow[] = [];

  const bareAck = latin1('MSH|^~\\&|OUTSIDE|HOSP|EMR|HOSP|20240301101500||ACK^O01^ACK|BENCH|P|2.5\rMSA|AA|BENCH\r');
  const bare = new MllpServer({ port: 0, handler: async () => bareAck });
  const { port: barePort } = await bare.start();
  try {
    rows.push(await measure('bare ACK listener', 'send-and-wait', barePort, payloads('BW', count), window));
    rows.push(await measure('bare ACK listener', 'pipelined', barePort, payloads('BP', count), window));
  } finally {
    await bare.stop();
  }

  const directory = mkdtempSync(join(tmpdir(), 'outside-hl7-bench-'));
  const database = openHl7Sqlite(join(directory, 'bench.sqlite'), {
    synchronous: options.synchronous ?? 'FULL',
    statementCache: options.statementCache ?? true,
  });
  let storedMessages: number;
  try {
    await migrateHl7(database.db);
    const bridge = new Hl7Bridge({ db: database.db, config: parseHl7Config({ port: 0 }) });
    const { port } = await bridge.start();
    try {
      rows.push(await measure('bridge (durable inbox)', 'send-and-wait', port, payloads('DW', count), window));
      rows.push(await measure('bridge (durable inbox)', 'pipelined', port, payloads('DP', count), window));
    } finally {
      await bridge.stop();
    }
    const stored = await database.db
      .selectFrom('hl7_inbox')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('ack_code', '=', 'AA')
      .executeTakeFirstOrThrow();
    storedMessages = Number(stored.count);
  } finally {
    await database.close();
    rmSync(directory, { recursive: true, force: true });
  }

  const rate = (target: BenchTarget, mode: BenchMode) =>
    rows.find((row) => row.target === target && row.mode === mode)?.messagesPerSecond ?? 0;
  const ratio = (mode: BenchMode) => rate('bridge (durable inbox)', mode) / rate('bare ACK listener', mode);
  const durableWait = rows.find((row) => row.target === 'bridge (durable inbox)' && row.mode === 'send-and-wait');
  return {
    rows,
    ratios: { 'send-and-wait': ratio('send-and-wait'), pipelined: ratio('pipelined') },
    targets: {
      sendAndWaitMessagesPerSecond: {
        measured: durableWait?.messagesPerSecond ?? 0,
        target: 500,
        met: (durableWait?.messagesPerSecond ?? 0) >= 500,
      },
      sendAndWaitP99Ms: { measured: durableWait?.p99Ms ?? 0, target: 20, met: (durableWait?.p99Ms ?? Infinity) < 20 },
    },
    storedMessages,
    window,
    statementCache: options.statementCache ?? true,
    synchronous: options.synchronous ?? 'FULL',
  };
}

export function formatHl7BenchTable(result: Hl7BenchResult): string {
  const header = ['target', 'mode', 'messages', 'msg/s', 'p50 ms', 'p95 ms', 'p99 ms'];
  const lines = result.rows.map((row) => [
    row.target,
    row.mode,
    String(row.messages),
    row.messagesPerSecond.toFixed(0),
    row.p50Ms.toFixed(2),
    row.p95Ms.toFixed(2),
    row.p99Ms.toFixed(2),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]?.length ?? 0)),
  );
  const format = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  const { sendAndWaitMessagesPerSecond: rate, sendAndWaitP99Ms: p99 } = result.targets;
  return [
    format(header),
    format(widths.map((width) => '-'.repeat(width))),
    ...lines.map(format),
    '',
    `ratio bridge/bare: send-and-wait ${result.ratios['send-and-wait'].toFixed(2)}, pipelined ${result.ratios.pipelined.toFixed(2)}`,
    `target send-and-wait >= ${rate.target} msg/s: ${rate.measured.toFixed(0)} (${rate.met ? 'met' : 'MISSED'})`,
    `target ACK p99 < ${p99.target} ms: ${p99.measured.toFixed(2)} ms (${p99.met ? 'met' : 'MISSED'})`,
    `messages stored with AA: ${result.storedMessages}`,
    `pipelined: ${result.window} messages in flight, so its latency includes waiting behind them;`,
    `SQLite: WAL, synchronous=${result.synchronous}, statement cache ${result.statementCache ? 'on' : 'off'}`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const commandArguments = process.argv.slice(2);
  const count = commandArguments.find((argument) => /^\d+$/.test(argument));
  const result = await runHl7Bench({
    messageCount: count === undefined ? undefined : Number(count),
    statementCache: !commandArguments.includes('--no-statement-cache'),
    synchronous: commandArguments.includes('--synchronous-off') ? 'OFF' : 'FULL',
  });
  console.log(formatHl7BenchTable(result));
}
