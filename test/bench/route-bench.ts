// `npm run bench -- route`: a 500-instance 512x512 CT archived from the staging Orthanc to a PACS
// Orthanc through the outbox (POST /api/studies/:id/archive, then the sidecar's own route worker
// until the job is `verified` and the study `archived`), against, in the same run, (a) DCMTK
// storescu sending the same files from disk on one association and (b) Orthanc's own synchronous
// POST /modalities/{id}/store of the same staged study. Every measurement gets a fresh PACS;
// best of ROUNDS, interleaved. The outbox's time is also split by Orthanc call (C-FIND before,
// C-STORE, C-FIND verify), timed around the sidecar's own OrthancClient.
// The study is synthetic and already carries its local identifiers, so it is marked reconciled in
// the database instead of being coerced (coercion has its own bench, `match`): all three paths
// then send byte-identical instances.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { orthancAuthorizationHeader, startOrthanc, type RunningOrthanc } from '@outside/orthanc-config';
import type { OrthancClient } from '@outside/plugin-server';
import { tempDirs } from '../fixtures/temp-dir.ts';
import { startStack, type TestStack } from '../support/stack.ts';
import type { ApiSession } from '../support/http-session.ts';
import { loggedIn } from '../support/users.ts';
import { printTable, syntheticCt, timed, type BenchRow } from './bench-support.ts';

const run = promisify(execFile);
const SLICES = 500;
const ROUNDS = 3;
const TARGET_RATIO = 0.9;
/** The shipped default rule sends a radiology study to the destination of this name. */
const DESTINATION = 'radiology-pacs';
/** The staging Orthanc's modality for the plain Orthanc baseline (not a sidecar destination). */
const DIRECT_MODALITY = 'bench-direct';
const PATIENT = { id: 'MRN-ROUTE-1', name: 'SYNTHETIC^ROUTING', birthDate: '19700101', sex: 'O' as const };
const OUTBOX = 'outbox (archive API -> verified)';
const STORESCU = 'storescu from disk, 1 association';
const ORTHANC_STORE = 'Orthanc /modalities/{id}/store';

interface Span {
  call: string;
  start: number;
  end: number;
}

/**
 * Times the Orthanc calls a delivery makes, on the sidecar's own client (the route worker holds
 * the same object): the breakdown costs a clock read per call.
 */
function recordDeliveryCalls(client: OrthancClient): { spans: Span[] } {
  const recorder: { spans: Span[] } = { spans: [] };
  const record = async <T>(call: string, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await work();
    } finally {
      recorder.spans.push({ call, start, end: performance.now() });
    }
  };
  const studyInstances = client.studyInstances.bind(client);
  const findAtModality = client.findAtModality.bind(client);
  const storeToModality = client.storeToModality.bind(client);
  client.studyInstances = (id) => record('list', () => studyInstances(id));
  client.findAtModality = (name, level, query, timeoutSeconds) =>
    record(`C-FIND ${level}`, () => findAtModality(name, level, query, timeoutSeconds));
  client.storeToModality = (name, ids, timeoutSeconds) =>
    record('C-STORE', () => storeToModality(name, ids, timeoutSeconds));
  return recorder;
}

interface Breakdown {
  total: number;
  queued: number;
  list: number;
  findBefore: number;
  findBeforeCalls: number;
  store: number;
  storeCalls: number;
  storeGaps: number;
  findAfter: number;
  findAfterCalls: number;
  finish: number;
}

/** Splits one outbox delivery (milliseconds from the archive POST at `begin`) by Orthanc call. */
function breakdown(spans: readonly Span[], begin: number, finished: number): Breakdown {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const stores = sorted.filter((span) => span.call === 'C-STORE');
  const firstStore = stores[0]?.start ?? Infinity;
  const lastStore = stores.at(-1)?.end ?? -Infinity;
  const finds = sorted.filter((span) => span.call.startsWith('C-FIND'));
  const before = finds.filter((span) => span.end <= firstStore);
  const after = finds.filter((span) => span.start >= lastStore);
  const sum = (items: readonly Span[]) => items.reduce((total, span) => total + span.end - span.start, 0);
  const store = sum(stores);
  return {
    total: finished - begin,
    queued: (sorted[0]?.start ?? finished) - begin,
    list: sum(sorted.filter((span) => span.call === 'list')),
    findBefore: sum(before),
    findBeforeCalls: before.length,
    store,
    storeCalls: stores.length,
    storeGaps: stores.length === 0 ? 0 : lastStore - firstStore - store,
    findAfter: sum(after),
    findAfterCalls: after.length,
    finish: finished - (sorted.at(-1)?.end ?? finished),
  };
}

async function orthancJson(orthanc: RunningOrthanc, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${orthanc.httpUrl}${path}`, {
    method,
    headers: { authorization: orthancAuthorizationHeader(orthanc.credentials) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Orthanc ${method} ${path}: HTTP ${response.status} ${text}`);
  // PUT and DELETE of a modality answer with an empty body.
  return text === '' ? undefined : JSON.parse(text);
}

async function expectHeld(pacs: RunningOrthanc, path: string): Promise<void> {
  const held = ((await orthancJson(pacs, 'GET', '/statistics')) as { CountInstances: number }).CountInstances;
  if (held !== SLICES) throw new Error(`${path}: the PACS holds ${held} instances, not ${SLICES}`);
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

interface Setup {
  stack: TestStack;
  studyId: string;
  orthancStudyId: string;
  physician: ApiSession;
  admin: ApiSession;
  recorder: { spans: Span[] };
  destinationId: string | undefined;
}

function services(stack: TestStack) {
  const started = stack.sidecar.services;
  if (started === undefined) throw new Error('sidecar not started');
  return started;
}

/** The study in staging, known to the sidecar and reconciled to the identifiers it already carries. */
async function stageStudy(stack: TestStack, files: readonly Uint8Array[]): Promise<{ id: string; orthancId: string }> {
  const { orthanc, changeFeed, db } = services(stack);
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < files.length) {
        const body = files[next++];
        if (body !== undefined) await orthanc.uploadInstance(body);
      }
    }),
  );
  await changeFeed.sweep();
  const row = await db.selectFrom('studies').select(['id', 'orthanc_id']).executeTakeFirstOrThrow();
  if (row.orthanc_id === null) throw new Error('the staged study has no Orthanc id');
  await db
    .updateTable('studies')
    .set({
      state: 'matched',
      department: 'radiology',
      resolution: 'manual',
      local_mrn: PATIENT.id,
      coercion_state: 'done',
      coerced_patient_id: PATIENT.id,
    })
    .where('id', '=', row.id)
    .execute();
  return { id: row.id, orthancId: row.orthanc_id };
}

/** Points the `radiology-pacs` destination at `pacs` through the admin API (created the first time). */
async function pointDestinationAt(setup: Setup, pacs: RunningOrthanc): Promise<void> {
  const settings = { kind: 'dicom', aet: pacs.aet, host: '127.0.0.1', port: pacs.dicomPort };
  const response =
    setup.destinationId === undefined
      ? await setup.admin.post<{ destination: { id: string }; warnings: string[] }>('/api/destinations', {
          name: DESTINATION,
          ...settings,
        })
      : await setup.admin.request<{ destination: { id: string }; warnings: string[] }>(
          'PUT',
          `/api/destinations/${setup.destinationId}`,
          settings,
        );
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`destination not saved: HTTP ${response.status} ${JSON.stringify(response.body)}`);
  }
  if (response.body.warnings.length > 0) throw new Error(response.body.warnings.join('; '));
  setup.destinationId = response.body.destination.id;
}

async function outbox(setup: Setup): Promise<{ seconds: number; breakdown: Breakdown; attempts: number }> {
  const pacs = await startOrthanc({ profile: 'pacs-radiology' });
  const { db } = services(setup.stack);
  try {
    await pointDestinationAt(setup, pacs);
    // The study went `archived` in the previous round; a physician tags it again.
    await db.updateTable('studies').set({ state: 'matched' }).where('id', '=', setup.studyId).execute();
    setup.recorder.spans = [];
    const begin = performance.now();
    const queued = await setup.physician.post<{ jobIds: number[] }>(`/api/studies/${setup.studyId}/archive`, {});
    const jobId = queued.body.jobIds[0];
    if (queued.status !== 200 || jobId === undefined) {
      throw new Error(`archive refused: HTTP ${queued.status} ${JSON.stringify(queued.body)}`);
    }
    let attempts = 0;
    for (;;) {
      const job = await db
        .selectFrom('route_jobs')
        .select(['state', 'attempts', 'last_error'])
        .where('id', '=', jobId)
        .executeTakeFirstOrThrow();
      attempts = job.attempts;
      if (job.state === 'dead' || job.state === 'retry_wait') {
        throw new Error(`route job ${jobId} is ${job.state}: ${job.last_error ?? ''}`);
      }
      if (job.state === 'verified') {
        const study = await db
          .selectFrom('studies')
          .select('state')
          .where('id', '=', setup.studyId)
          .executeTakeFirstOrThrow();
        if (study.state === 'archived') break;
      }
      if (performance.now() - begin > 120_000) throw new Error(`route job ${jobId} not verified within 120 s`);
      // 10 ms: fine enough for a transfer of seconds, light enough not to compete with it.
      await sleep(10);
    }
    const finished = performance.now();
    await expectHeld(pacs, OUTBOX);
    return {
      seconds: (finished - begin) / 1000,
      breakdown: breakdown(setup.recorder.spans, begin, finished),
      attempts,
    };
  } finally {
    await pacs.stop();
  }
}

async function storescu(folder: string): Promise<number> {
  const pacs = await startOrthanc({ profile: 'pacs-radiology' });
  try {
    const { seconds } = await timed(() =>
      run('storescu', ['-aec', pacs.aet, '+sd', '+r', '127.0.0.1', String(pacs.dicomPort), folder], {
        env: { ...process.env, TCP_NODELAY: '1' },
      }),
    );
    await expectHeld(pacs, STORESCU);
    return seconds;
  } finally {
    await pacs.stop();
  }
}

async function orthancStore(setup: Setup): Promise<number> {
  const pacs = await startOrthanc({ profile: 'pacs-radiology' });
  const staging = setup.stack.orthanc;
  try {
    await orthancJson(staging, 'PUT', `/modalities/${DIRECT_MODALITY}`, {
      AET: pacs.aet,
      Host: '127.0.0.1',
      Port: pacs.dicomPort,
    });
    const { seconds } = await timed(() =>
      orthancJson(staging, 'POST', `/modalities/${DIRECT_MODALITY}/store`, {
        Resources: [setup.orthancStudyId],
        Synchronous: true,
      }),
    );
    await expectHeld(pacs, ORTHANC_STORE);
    return seconds;
  } finally {
    try {
      await orthancJson(staging, 'DELETE', `/modalities/${DIRECT_MODALITY}`);
    } finally {
      await pacs.stop();
    }
  }
}

function printBreakdown(measured: Breakdown): void {
  const ms = (value: number) => value.toFixed(0).padStart(6);
  const share = (value: number) => `${((100 * value) / measured.total).toFixed(1).padStart(5)} %`;
  const known =
    measured.queued +
    measured.list +
    measured.findBefore +
    measured.store +
    measured.storeGaps +
    measured.findAfter +
    measured.finish;
  const lines: [string, number][] = [
    ['archive POST -> first Orthanc call (queue, rules, worker wake-up)', measured.queued],
    ['list the staged instances (REST)', measured.list],
    [`C-FIND before (${measured.findBeforeCalls} queries)`, measured.findBefore],
    [`C-STORE (${measured.storeCalls} synchronous store calls)`, measured.store],
    ['between C-STORE calls (progress update)', measured.storeGaps],
    [`C-FIND verify (${measured.findAfterCalls} query)`, measured.findAfter],
    ['last C-FIND -> study archived (job states, audit, poll)', measured.finish],
    ['other gaps', measured.total - known],
  ];
  console.log('\nOutbox delivery of the best round, by step\n');
  for (const [step, value] of lines) console.log(`  ${step.padEnd(66)} ${ms(value)} ms ${share(value)}`);
  console.log(`  ${'total'.padEnd(66)} ${ms(measured.total)} ms`);
  console.log(
    `  C-STORE alone: ${((1000 * SLICES) / measured.store).toFixed(1)} instances/s over ${measured.storeCalls} calls`,
  );
}

export async function routeBench(): Promise<void> {
  const temp = tempDirs('bench-route');
  const scratch = await temp.make();
  let stack: TestStack | undefined;
  try {
    console.log(`generating a ${SLICES}-slice 512x512 CT ...`);
    const { files, bytes } = syntheticCt(SLICES, PATIENT, 'ACC-ROUTE-1');
    const folder = join(scratch, 'ct');
    await mkdir(folder);
    for (const [index, file] of files.entries()) {
      await writeFile(join(folder, `CT${String(index + 1).padStart(4, '0')}.dcm`), file);
    }

    stack = await startStack({ config: { routing: { allowLoopbackDestinations: true, pollIntervalMs: 100 } } });
    const staged = await stageStudy(stack, files);
    const setup: Setup = {
      stack,
      studyId: staged.id,
      orthancStudyId: staged.orthancId,
      admin: await loggedIn(stack.sidecar, ['admin']),
      physician: await loggedIn(stack.sidecar, ['physician']),
      recorder: recordDeliveryCalls(services(stack).orthanc),
      destinationId: undefined,
    };

    const best = new Map<string, number>();
    const keep = (name: string, seconds: number) => best.set(name, Math.min(best.get(name) ?? Infinity, seconds));
    let bestBreakdown: Breakdown | undefined;
    const anomalies: string[] = [];
    // Interleaved rounds, best of each: on a shared two-core machine one run measures the neighbours.
    for (let round = 1; round <= ROUNDS; round++) {
      const ours = await outbox(setup);
      if (ours.attempts !== 1) anomalies.push(`round ${round}: the route job took ${ours.attempts} attempts`);
      if (ours.seconds < (best.get(OUTBOX) ?? Infinity)) bestBreakdown = ours.breakdown;
      keep(OUTBOX, ours.seconds);
      const fromDisk = await storescu(folder);
      keep(STORESCU, fromDisk);
      const direct = await orthancStore(setup);
      keep(ORTHANC_STORE, direct);
      // Each round's times side by side: the neighbours' load shows as a spread here.
      console.log(
        `round ${round}/${ROUNDS}: outbox ${ours.seconds.toFixed(2)} s (its C-STORE calls ` +
          `${(ours.breakdown.store / 1000).toFixed(2)} s), storescu ${fromDisk.toFixed(2)} s, ` +
          `Orthanc store ${direct.toFixed(2)} s`,
      );
    }

    const notes: Record<string, string> = {
      [OUTBOX]: 'C-FIND, C-STORE via staging Orthanc, C-FIND verify',
      [STORESCU]: 'TCP_NODELAY=1',
      [ORTHANC_STORE]: 'Synchronous, whole study, 1 call',
    };
    const rows: BenchRow[] = [OUTBOX, STORESCU, ORTHANC_STORE].map((name) => ({
      name,
      seconds: best.get(name) ?? NaN,
      instances: SLICES,
      bytes,
      note: notes[name],
    }));
    printTable(
      `Routing of a ${SLICES}-slice 512x512 CT (${(bytes / 1024 / 1024).toFixed(0)} MB) to a PACS Orthanc, best of ${ROUNDS}, fresh PACS each`,
      rows,
      STORESCU,
    );
    const ours = best.get(OUTBOX) ?? NaN;
    const viaStorescu = (best.get(STORESCU) ?? NaN) / ours;
    console.log('');
    console.log(
      `outbox / storescu = ${viaStorescu.toFixed(2)} (target >= ${TARGET_RATIO}: ${viaStorescu >= TARGET_RATIO ? 'met' : 'NOT met'})`,
    );
    console.log(`outbox / Orthanc store = ${((best.get(ORTHANC_STORE) ?? NaN) / ours).toFixed(2)}`);
    if (bestBreakdown !== undefined) printBreakdown(bestBreakdown);
    for (const anomaly of anomalies) console.log(`anomaly: ${anomaly}`);
  } finally {
    await stack?.stop();
    await temp.cleanup();
  }
}
