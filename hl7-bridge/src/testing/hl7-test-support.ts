// Helpers for the bridge's tests: a real SQLite file in a temp directory (WAL, synchronous=FULL),
// a bridge on port 0, an MLLP client. Tests clean up with the returned functions.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hl7Bridge } from '../bridge/hl7-bridge.ts';
import { parseHl7Config, type Hl7Config, type Hl7ConfigInput } from '../config/hl7-config.ts';
import { migrateHl7, openHl7Sqlite, type OpenHl7Database } from '../db/open-hl7-sqlite.ts';
import type { Hl7AlertEvent } from '../hl7-alerts.ts';
import { MllpClient } from '../mllp/index.ts';

export interface TestDatabase extends OpenHl7Database {
  readonly directory: string;
  readonly path: string;
  /** Closes the database and removes the directory. */
  cleanup(): Promise<void>;
}

export async function createTestDatabase(prefix = 'outside-hl7-'): Promise<TestDatabase> {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  const path = join(directory, 'hl7.sqlite');
  const open = openHl7Sqlite(path);
  await migrateHl7(open.db);
  return {
    ...open,
    directory,
    path,
    cleanup: async () => {
      await open.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Test settings: port 0, short backoff so retries happen within a test. */
export function testConfig(overrides: Hl7ConfigInput = {}): Hl7Config {
  return parseHl7Config({
    port: 0,
    processingPollIntervalMs: 50,
    processingRetryInitialMs: 10,
    processingRetryMaxMs: 50,
    processingMaxAttempts: 3,
    outboundPollIntervalMs: 50,
    outboundRetryInitialMs: 10,
    outboundRetryMaxMs: 50,
    ...overrides,
  });
}

export interface TestBridge {
  readonly bridge: Hl7Bridge;
  readonly port: number;
  readonly alerts: Hl7AlertEvent[];
}

export async function startTestBridge(
  database: OpenHl7Database,
  overrides: Hl7ConfigInput = {},
  options: { now?: () => Date } = {},
): Promise<TestBridge> {
  const alerts: Hl7AlertEvent[] = [];
  const bridge = new Hl7Bridge({
    db: database.db,
    config: testConfig(overrides),
    onAlert: (event) => alerts.push(event),
    now: options.now,
  });
  const { port } = await bridge.start();
  return { bridge, port, alerts };
}

/** Sends each payload and waits for its ACK before the next (send-and-wait). */
export async function sendAndWait(port: number, payloads: readonly Buffer[]): Promise<Buffer[]> {
  const client = new MllpClient({ host: '127.0.0.1', port });
  await client.connect();
  try {
    const acks: Buffer[] = [];
    for (const payload of payloads) acks.push(await client.send(payload));
    return acks;
  } finally {
    await client.close();
  }
}

/** A clock that moves only when told to, so retry backoff is reached by the test, not by waiting. */
export function manualClock(start = new Date('2024-03-01T10:00:00Z')): {
  now: () => Date;
  advance: (ms: number) => void;
} {
  let time = start.getTime();
  return { now: () => new Date(time), advance: (ms) => (time += ms) };
}

/**
 * Waits until `condition` holds, checking every few milliseconds. A wrong implementation makes
 * the test fail at vitest's timeout; the wait itself asserts nothing about time.
 */
export async function waitFor(condition: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 5));
}
