import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { RunningOrthanc } from '@outside/orthanc-config';
import { waitFor } from './stack.ts';

const cli = join(import.meta.dirname, '..', '..', 'plugin-server', 'src', 'cli.js');

export interface SidecarProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/** Runs `outside serve` as a real process, configured through OUTSIDE_* variables. */
export async function spawnSidecar(
  orthanc: RunningOrthanc,
  databasePath: string,
  port: number,
  env: Record<string, string> = {},
): Promise<SidecarProcess> {
  const child = spawn(process.execPath, [cli, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      OUTSIDE_HTTP_PORT: String(port),
      OUTSIDE_DATABASE_SQLITE_PATH: databasePath,
      OUTSIDE_ORTHANC_URL: orthanc.httpUrl,
      OUTSIDE_ORTHANC_USERNAME: orthanc.credentials.username,
      OUTSIDE_ORTHANC_PASSWORD: orthanc.credentials.password,
      OUTSIDE_LOG_LEVEL: 'warn',
      OUTSIDE_HL7_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the sidecar to answer /healthz', async () => {
    if (child.exitCode !== null) throw new Error(`outside serve exited with ${child.exitCode}`);
    try {
      return (await fetch(`${url}/healthz`)).ok ? true : undefined;
    } catch {
      return undefined;
    }
  });
  return { child, url, exited };
}
