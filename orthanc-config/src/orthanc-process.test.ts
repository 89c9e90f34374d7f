import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { orthancAuthorizationHeader, readProfile, startOrthanc, ORTHANC_PROFILES } from './index.ts';

describe('Orthanc process supervisor', () => {
  it.each(ORTHANC_PROFILES)(
    'starts the %s profile on free ports with authentication, and stops it cleanly',
    async (profile) => {
      const orthanc = await startOrthanc({ profile });
      try {
        const authorization = orthancAuthorizationHeader(orthanc.credentials);
        const system = await fetch(`${orthanc.httpUrl}/system`, { headers: { authorization } });
        expect(system.status).toBe(200);
        const body = (await system.json()) as { DicomAet: string; DicomPort: number; Name: string };
        expect(body.DicomAet).toBe(readProfile(profile).DicomAet);
        expect(body.DicomPort).toBe(orthanc.dicomPort);
        // Without credentials Orthanc refuses: only the sidecar may talk to it.
        expect((await fetch(`${orthanc.httpUrl}/system`)).status).toBe(401);
        const plugins = (await (
          await fetch(`${orthanc.httpUrl}/plugins`, { headers: { authorization } })
        ).json()) as string[];
        expect(plugins).toContain('dicom-web');
        const config = JSON.parse(readFileSync(orthanc.configPath, 'utf8')) as Record<string, unknown>;
        expect(config.RemoteAccessAllowed).toBe(false);
      } finally {
        await orthanc.stop();
      }
      expect(existsSync(orthanc.dataDir)).toBe(false);
      await expect(fetch(`${orthanc.httpUrl}/system`)).rejects.toThrow();
    },
  );

  it('runs Orthanc with TCP_NODELAY=1 in its environment (DCMTK is ten times slower without)', async () => {
    const orthanc = await startOrthanc({ profile: 'staging' });
    try {
      const environ = readFileSync(`/proc/${orthanc.pid}/environ`, 'utf8').split('\0');
      expect(environ).toContain('TCP_NODELAY=1');
    } finally {
      await orthanc.stop();
    }
  });

  it('runs two instances side by side without sharing anything', async () => {
    const [a, b] = await Promise.all([startOrthanc({ profile: 'staging' }), startOrthanc({ profile: 'staging' })]);
    try {
      expect(a.httpPort).not.toBe(b.httpPort);
      expect(a.dataDir).not.toBe(b.dataDir);
      expect(a.credentials.password).not.toBe(b.credentials.password);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it("reports a clear error, with Orthanc's log, when the requested port is taken", async () => {
    const first = await startOrthanc({ profile: 'staging' });
    try {
      await expect(
        startOrthanc({ profile: 'staging', httpPort: first.httpPort, dicomPort: first.dicomPort }),
      ).rejects.toThrow(/Orthanc \(staging\) exited during start-up/);
    } finally {
      await first.stop();
    }
  });
});

describe('Orthanc process supervisor, parent death', () => {
  it('stops the Orthanc it started when the starting process is killed', async () => {
    const { spawn } = await import('node:child_process');
    const script = `
      import { startOrthanc } from ${JSON.stringify(new URL('./orthanc-process.ts', import.meta.url).pathname)};
      const orthanc = await startOrthanc({ profile: 'staging' });
      console.log(orthanc.pid);
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pid = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (data: Buffer) => resolve(Number(data.toString().trim()))),
    );
    expect(existsSync(`/proc/${pid}`)).toBe(true);
    parent.kill('SIGKILL');
    const deadline = Date.now() + 15_000;
    while (
      existsSync(`/proc/${pid}`) &&
      readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z' &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const gone = !existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] === 'Z';
    expect(gone).toBe(true);
  });
});
