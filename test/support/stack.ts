// Starts what an integration test needs: a real staging Orthanc on free ports and a sidecar on a
// fresh database, and stops both afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, startOrthanc, type RunningOrthanc } from '@outside/orthanc-config';
import { createLogger, loadConfig, Sidecar, type ConfigInput, type Logger } from '@outside/plugin-server';
import { ChangeFeedFollower } from '../../plugin-server/src/changes/change-feed.ts';
import type { NewImportSession } from '../../plugin-server/src/import/import-session-store.ts';

export interface TestStack {
  orthanc: RunningOrthanc;
  sidecar: Sidecar;
  dataDir: string;
  databasePath: string;
  stop(): Promise<void>;
}

export async function startOrthancForTest(overrides: Record<string, unknown> = {}): Promise<RunningOrthanc> {
  // A one-second StableAge keeps tests of the `ready` state short.
  return startOrthanc({ profile: 'staging', overrides: { StableAge: 1, ...overrides } });
}

export function sidecarConfig(orthanc: RunningOrthanc, databasePath: string, overrides: ConfigInput = {}) {
  return loadConfig({
    env: {},
    overrides: {
      ...overrides,
      http: { port: 0, ...overrides.http },
      database: { sqlitePath: databasePath, ...overrides.database },
      orthanc: {
        url: orthanc.httpUrl,
        username: orthanc.credentials.username,
        password: orthanc.credentials.password,
        ...overrides.orthanc,
      },
      changes: { pollIntervalMs: 100, gapSweepDelayMs: 0, ...overrides.changes },
      hl7: { port: 0, ...overrides.hl7 },
      coercion: {
        spoolDir: join(dirname(databasePath), 'coercion-spool'),
        pollIntervalMs: 100,
        retryBaseMs: 500,
        ...overrides.coercion,
      },
      log: { level: process.env.OUTSIDE_TEST_LOG ?? 'silent', ...overrides.log },
    },
  });
}

export async function startStack(
  options: {
    followChanges?: boolean;
    config?: ConfigInput;
    orthanc?: RunningOrthanc;
    /** A logger of the test's own, e.g. to read what the sidecar logs. */
    logger?: Logger;
  } = {},
): Promise<TestStack> {
  const orthanc = options.orthanc ?? (await startOrthancForTest());
  const dataDir = mkdtempSync(join(tmpdir(), 'outside-test-'));
  const databasePath = join(dataDir, 'outside.sqlite');
  const config = sidecarConfig(orthanc, databasePath, options.config);
  const sidecar = new Sidecar(config, {
    followChanges: options.followChanges ?? false,
    logger: options.logger ?? createLogger(config.log.level),
  });
  await sidecar.start();
  return {
    orthanc,
    sidecar,
    dataDir,
    databasePath,
    async stop() {
      await sidecar.stop();
      if (options.orthanc === undefined) await orthanc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export { freePort };

/** The started sidecar's services (database, Orthanc client, importer, workers...). */
export function servicesOf(stack: TestStack) {
  const services = stack.sidecar.services;
  if (services === undefined) throw new Error('sidecar not started');
  return services;
}

/**
 * Records what Orthanc holds now, as the change feed would, for a stack started without following
 * changes: studies uploaded to Orthanc directly become known to the sidecar.
 */
export async function catchUpChanges(stack: TestStack): Promise<void> {
  const { db, orthanc, config } = servicesOf(stack);
  await new ChangeFeedFollower(db, orthanc, config.changes, createLogger('silent')).catchUp();
}

/** Who imports in tests that put studies in place through the importer rather than the UI. */
const FRONT_DESK = 'test-frontdesk';

/** Imports a folder through the sidecar's importer, as the front desk would, and finishes the import. */
export async function importFolderAsFrontDesk(
  stack: TestStack,
  folder: string,
  session: Pick<NewImportSession, 'department' | 'sourceLabel' | 'patient'>,
) {
  const { importer } = servicesOf(stack);
  const created = await importer.createSession({
    createdBy: { id: null, username: FRONT_DESK },
    sourceKind: 'folder',
    ...session,
  });
  await importer.importFolder(created.id, folder);
  return importer.finish(created.id, { userId: null, username: FRONT_DESK, sourceIp: null });
}

/** Polls until `check` returns a value other than undefined; fails with `what` after the deadline. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
