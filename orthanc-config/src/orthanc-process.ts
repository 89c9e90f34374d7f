// Starts and stops Orthanc processes for the dev stack and for tests: each gets its own storage
// folder and, unless told otherwise, free ports, so no run depends on another's leftovers.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

export const ORTHANC_PROFILES = ['staging', 'pacs-radiology', 'pacs-cardiology'] as const;
export type OrthancProfile = (typeof ORTHANC_PROFILES)[number];

export interface OrthancCredentials {
  username: string;
  password: string;
}

export interface OrthancProcessOptions {
  /** Which committed configuration (orthanc-config/configs/<profile>.json) to start from. */
  profile: OrthancProfile;
  /** Storage and index folder; a temporary folder (removed on stop) when absent. */
  dataDir?: string;
  httpPort?: number;
  dicomPort?: number;
  aet?: string;
  credentials?: OrthancCredentials;
  /** Top-level configuration options that replace the profile's. */
  overrides?: Record<string, unknown>;
  /** How long to wait for the REST API to answer. */
  startTimeoutMs?: number;
  /**
   * HTTP authentication (default on, always on outside benchmarks): only the viewer benchmark's
   * baseline turns it off, for a browser reading this Orthanc's DICOMweb directly on loopback.
   */
  authentication?: boolean;
}

export interface RunningOrthanc {
  readonly profile: OrthancProfile;
  readonly httpUrl: string;
  readonly httpPort: number;
  readonly dicomPort: number;
  readonly aet: string;
  readonly credentials: OrthancCredentials;
  readonly dataDir: string;
  readonly configPath: string;
  readonly logPath: string;
  readonly pid: number;
  /** Graceful stop (SIGTERM, then SIGKILL after a grace period); removes a temporary data folder. */
  stop(): Promise<void>;
}

const configsDir = join(import.meta.dirname, '..', 'configs');

export function orthancExecutable(): string {
  return process.env.ORTHANC_BIN ?? 'Orthanc';
}

export function readProfile(profile: OrthancProfile): Record<string, unknown> {
  return JSON.parse(readFileSync(join(configsDir, `${profile}.json`), 'utf8')) as Record<string, unknown>;
}

function basicAuth(credentials: OrthancCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

class OrthancStartError extends Error {
  readonly portInUse: boolean;
  constructor(message: string, portInUse: boolean) {
    super(message);
    this.name = 'OrthancStartError';
    this.portInUse = portInUse;
  }
}

async function startOnce(options: OrthancProcessOptions): Promise<RunningOrthanc> {
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `orthanc-${options.profile}-`));
  mkdirSync(dataDir, { recursive: true });
  const httpPort = options.httpPort ?? (await freePort());
  const dicomPort = options.dicomPort ?? (await freePort());
  const credentials = options.credentials ?? { username: 'outside', password: randomBytes(18).toString('base64url') };
  const base = readProfile(options.profile);
  const aet = options.aet ?? String(base.DicomAet);
  const config = {
    ...base,
    ...options.overrides,
    StorageDirectory: join(dataDir, 'storage'),
    IndexDirectory: join(dataDir, 'index'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: aet,
    AuthenticationEnabled: options.authentication ?? true,
    RegisteredUsers: { [credentials.username]: credentials.password },
  };
  const configPath = join(dataDir, 'orthanc.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
  const logPath = join(dataDir, 'orthanc.log');
  const log = createWriteStream(logPath, { flags: 'a' });

  // setpriv (util-linux) asks the kernel to SIGTERM Orthanc when this process dies, then execs it
  // (same pid): a test runner killed mid-run leaves no Orthanc behind holding ports and CPU.
  const child = spawn('setpriv', ['--pdeathsig', 'TERM', '--', orthancExecutable(), configPath], {
    env: { ...process.env, TCP_NODELAY: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));

  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const cleanup = () => {
    log.end();
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    const failure = await Promise.race([
      spawnFailed.then((error) => `could not run ${orthancExecutable()}: ${error.message}`),
      exited.then(() => 'exited during start-up'),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 100)),
    ]);
    if (failure !== null) {
      const tail = readFileSync(logPath, 'utf8').split('\n').slice(-15).join('\n');
      cleanup();
      const portInUse = /already in use|cannot bind|Address already/i.test(tail);
      throw new OrthancStartError(`Orthanc (${options.profile}) ${failure}:\n${tail}`, portInUse);
    }
    try {
      const response = await fetch(`${httpUrl}/system`, { headers: { authorization: basicAuth(credentials) } });
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      cleanup();
      throw new OrthancStartError(`Orthanc (${options.profile}) did not answer within the start timeout`, false);
    }
  }

  let stopping: Promise<void> | undefined;
  return {
    profile: options.profile,
    httpUrl,
    httpPort,
    dicomPort,
    aet,
    credentials,
    dataDir,
    configPath,
    logPath,
    pid: child.pid ?? -1,
    stop() {
      stopping ??= (async () => {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, 15_000))) {
          child.kill('SIGKILL');
          await exited;
        }
        cleanup();
      })();
      return stopping;
    },
  };
}

/**
 * Starts an Orthanc and resolves once its REST API answers. When the ports were chosen here and
 * another process took one of them between the choice and Orthanc's bind, it tries fresh ports.
 */
export async function startOrthanc(options: OrthancProcessOptions): Promise<RunningOrthanc> {
  const portsChosenHere = options.httpPort === undefined || options.dicomPort === undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (!(error instanceof OrthancStartError && error.portInUse && portsChosenHere && attempt < 3)) throw error;
    }
  }
}

export { basicAuth as orthancAuthorizationHeader };
