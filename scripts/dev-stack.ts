// Runs the whole system locally: the staging Orthanc, the two demo "hospital PACS" Orthancs and
// the sidecar, with data kept under .data/ between runs. Stops everything on Ctrl-C.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { startOrthanc, type RunningOrthanc } from '@outside/orthanc-config';
import { loadConfig, OrthancClient, Sidecar } from '@outside/plugin-server';
import { DestinationStore } from '../plugin-server/src/routing/destinations-store.ts';

const root = join(import.meta.dirname, '..');
const dataDir = join(root, '.data');
mkdirSync(dataDir, { recursive: true, mode: 0o700 });

// Ports away from Debian's own orthanc service (8042/4242), which may be running on the machine.
const PORTS = {
  staging: { http: 18042, dicom: 14242 },
  radiology: { http: 18043, dicom: 14243 },
  cardiology: { http: 18044, dicom: 14244 },
};

const secretsSchema = z.object({
  orthancPassword: z.string(),
  pacsPassword: z.string(),
  demoUsers: z.array(z.object({ username: z.string(), password: z.string(), roles: z.array(z.string()) })),
});
type Secrets = z.infer<typeof secretsSchema>;

function secrets(): Secrets {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return secretsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const password = () => randomBytes(12).toString('base64url');
  const created: Secrets = {
    orthancPassword: password(),
    pacsPassword: password(),
    demoUsers: [
      { username: 'demo', password: password(), roles: ['frontdesk', 'physician', 'radiology'] },
      { username: 'frontdesk', password: password(), roles: ['frontdesk'] },
      { username: 'physician', password: password(), roles: ['physician'] },
      { username: 'radiology', password: password(), roles: ['radiology'] },
      { username: 'admin', password: password(), roles: ['admin'] },
    ],
  };
  writeFileSync(file, JSON.stringify(created, null, 2), { mode: 0o600 });
  return created;
}

const keys = secrets();
const started: RunningOrthanc[] = [];
let sidecar: Sidecar | undefined;

async function shutdown(code: number): Promise<never> {
  await sidecar?.stop();
  await Promise.all(started.map((orthanc) => orthanc.stop()));
  process.exit(code);
}

try {
  const pacsCredentials = { username: 'outside', password: keys.pacsPassword };
  const [staging, radiology, cardiology] = await Promise.all([
    startOrthanc({
      profile: 'staging',
      dataDir: join(dataDir, 'orthanc-staging'),
      httpPort: PORTS.staging.http,
      dicomPort: PORTS.staging.dicom,
      credentials: { username: 'outside', password: keys.orthancPassword },
    }),
    startOrthanc({
      profile: 'pacs-radiology',
      dataDir: join(dataDir, 'pacs-radiology'),
      httpPort: PORTS.radiology.http,
      dicomPort: PORTS.radiology.dicom,
      credentials: pacsCredentials,
    }),
    startOrthanc({
      profile: 'pacs-cardiology',
      dataDir: join(dataDir, 'pacs-cardiology'),
      httpPort: PORTS.cardiology.http,
      dicomPort: PORTS.cardiology.dicom,
      credentials: pacsCredentials,
    }),
  ]);
  started.push(staging, radiology, cardiology);

  const config = loadConfig({
    overrides: {
      database: { sqlitePath: join(dataDir, 'outside.sqlite') },
      orthanc: { url: staging.httpUrl, username: 'outside', password: keys.orthancPassword },
      // The demo PACS run on this machine.
      routing: { allowLoopbackDestinations: true },
    },
  });
  sidecar = new Sidecar(config);
  const services = await sidecar.open();
  for (const user of keys.demoUsers) {
    if ((await services.users.findByUsername(user.username)) === undefined) {
      await services.users.create({
        username: user.username,
        displayName: `Demo ${user.username}`,
        password: user.password,
        roles: z.array(z.enum(['frontdesk', 'physician', 'radiology', 'admin'])).parse(user.roles),
      });
    }
  }
  // The demo PACS as routing destinations, named as the shipped routing rules expect.
  const destinations = new DestinationStore(services.db, { allowLoopbackDestinations: true });
  for (const [name, pacs] of [
    ['radiology-pacs', radiology],
    ['cardiology-pacs', cardiology],
  ] as const) {
    if ((await destinations.byName(name)) === undefined) {
      await destinations.create({
        name,
        kind: 'dicom',
        aet: pacs.aet,
        host: '127.0.0.1',
        port: pacs.dicomPort,
        storageCommitment: true,
      });
    }
    // The PACS sends its storage commitment reports back to the staging Orthanc.
    await new OrthancClient({
      url: pacs.httpUrl,
      username: pacsCredentials.username,
      password: pacsCredentials.password,
      timeoutMs: 10_000,
    }).putModality('outside-staging', { AET: staging.aet, Host: '127.0.0.1', Port: staging.dicomPort });
  }
  await sidecar.start();

  console.log(`
Outside Studies is running.

  Sidecar (web UI and API):  ${sidecar.url}
  OHIF viewer:               ${sidecar.url}/viewer/  (physician or radiology login)
  Staging Orthanc:           ${staging.httpUrl}  DICOM ${staging.aet}@127.0.0.1:${staging.dicomPort}  (sidecar only)
  Demo radiology PACS:       ${radiology.httpUrl}  DICOM ${radiology.aet}@127.0.0.1:${radiology.dicomPort}
  Demo cardiology PACS:      ${cardiology.httpUrl}  DICOM ${cardiology.aet}@127.0.0.1:${cardiology.dicomPort}
  HL7 MLLP listener:         ${services.hl7?.address === undefined ? 'off' : `127.0.0.1:${services.hl7.address.port}`}

  Demo logins (also in .data/secrets.json):
${keys.demoUsers.map((user) => `    ${user.username.padEnd(10)} ${user.password}   ${user.roles.join(', ')}`).join('\n')}

Press Ctrl-C to stop.`);
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await shutdown(1);
}
