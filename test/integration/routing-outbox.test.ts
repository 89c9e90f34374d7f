import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startOrthanc, type RunningOrthanc } from '@outside/orthanc-config';
import { OrthancClient } from '@outside/plugin-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteJob } from '../../plugin-server/src/domain/routing.ts';
import { buildPlan, enqueueCoercion } from '../../plugin-server/src/coerce/coercion-jobs.ts';
import { unmatchOrder } from '../../plugin-server/src/reconcile/reconcile-study.ts';
import { makeUid, syntheticInstance, type SyntheticModality } from '../fixtures/synthetic-dicom.ts';
import { orthancRest } from '../support/orthanc-rest.ts';
import { startStack, waitFor, type TestStack } from '../support/stack.ts';
import { loggedIn } from '../support/users.ts';
import type { ApiSession } from '../support/http-session.ts';

// The outbox end to end, with real peers: reconciled studies are archived by rule to the
// radiology and the cardiology PACS (two Orthancs), a destination that is down at first is
// retried until it comes up, and a destination refusing the SOP class (storescp configured for
// MR only) is dead with the reason while the other jobs keep flowing.

const STORESCP_MR_ONLY = `[[TransferSyntaxes]]
[Uncompressed]
TransferSyntax1 = LocalEndianExplicit
TransferSyntax2 = OppositeEndianExplicit
TransferSyntax3 = LittleEndianImplicit

[[PresentationContexts]]
[MROnly]
PresentationContext1 = MRImageStorage\\Uncompressed
PresentationContext2 = VerificationSOPClass\\Uncompressed

[[Profiles]]
[MRONLY]
PresentationContexts = MROnly
`;

describe('routing outbox', () => {
  let stack: TestStack;
  let radiologyPacs: RunningOrthanc;
  let cardiologyPacs: RunningOrthanc;
  let physician: ApiSession;
  let radiology: ApiSession;
  let admin: ApiSession;
  let scratch: string;
  let storescp: ChildProcess | undefined;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'outside-routing-'));
    [radiologyPacs, cardiologyPacs] = await Promise.all([
      startOrthanc({ profile: 'pacs-radiology' }),
      startOrthanc({ profile: 'pacs-cardiology' }),
    ]);
    stack = await startStack({
      config: { routing: { allowLoopbackDestinations: true, retryBaseMs: 300, pollIntervalMs: 100 } },
    });
    admin = await loggedIn(stack.sidecar, ['admin']);
    // The radiology PACS confirms with storage commitment: it must know our AE to report back.
    await new OrthancClient({
      url: radiologyPacs.httpUrl,
      username: radiologyPacs.credentials.username,
      password: radiologyPacs.credentials.password,
      timeoutMs: 10_000,
    }).putModality('staging', { AET: stack.orthanc.aet, Host: '127.0.0.1', Port: stack.orthanc.dicomPort });
    await addDestination('radiology-pacs', radiologyPacs.aet, radiologyPacs.dicomPort, true);
    await addDestination('cardiology-pacs', cardiologyPacs.aet, cardiologyPacs.dicomPort);
    physician = await loggedIn(stack.sidecar, ['physician']);
    radiology = await loggedIn(stack.sidecar, ['radiology']);
  });
  afterAll(async () => {
    storescp?.kill('SIGTERM');
    await stack.stop();
    await Promise.all([radiologyPacs.stop(), cardiologyPacs.stop()]);
    await rm(scratch, { recursive: true, force: true });
  });

  function services() {
    const s = stack.sidecar.services;
    if (s === undefined) throw new Error('not started');
    return s;
  }

  async function addDestination(name: string, aet: string, port: number, storageCommitment = false): Promise<void> {
    const created = await admin.post('/api/destinations', {
      name,
      kind: 'dicom',
      aet,
      host: '127.0.0.1',
      port,
      storageCommitment,
    });
    expect(created.status).toBe(201);
    services().routing.wake();
  }

  /** Puts a rule for `department` in front of the others, through the admin API. */
  async function routeDepartment(department: string, destination: string): Promise<void> {
    const current = await admin.get<{
      rules: {
        id: string;
        name: string;
        match: unknown;
        destinations: string[];
        isDefault: boolean;
        enabled: boolean;
      }[];
    }>('/api/routing/rules');
    const rule = {
      name: `Department ${department}`,
      match: { departments: [department], modalities: [], procedureCodes: [], sources: [] },
      destinations: [destination],
      isDefault: false,
      enabled: true,
    };
    const saved = await admin.request('PUT', '/api/routing/rules', { rules: [rule, ...current.body.rules] });
    expect(saved.status).toBe(200);
  }

  /** A study in staging, reconciled (coerced to `mrn`) as the matcher would leave it. */
  async function reconciledStudy(
    mrn: string,
    department: string,
    count: number,
    modality: SyntheticModality = 'CT',
  ): Promise<{ studyId: string; uid: string }> {
    const uid = makeUid();
    const series = makeUid();
    for (let i = 0; i < count; i++) {
      const instance = syntheticInstance({
        patient: { id: `EXT-${mrn}` },
        studyInstanceUID: uid,
        seriesInstanceUID: series,
        instanceNumber: i + 1,
        modality,
        rows: 32,
        columns: 32,
      });
      await services().orthanc.uploadInstance(new Uint8Array(instance.bytes));
    }
    await services().changeFeed.sweep();
    const row = await services()
      .db.selectFrom('studies')
      .selectAll()
      .where('study_instance_uid', '=', uid)
      .executeTakeFirstOrThrow();
    await services()
      .db.updateTable('studies')
      .set({ state: 'matched', department, resolution: 'manual', local_mrn: mrn })
      .where('id', '=', row.id)
      .execute();
    const target = {
      patientId: mrn,
      issuerOfPatientId: 'HOSP',
      patientName: 'ROUTE^TEST',
      patientBirthDate: '19700101',
      patientSex: 'O',
      accessionNumber: `ACC-${mrn}`,
    };
    await enqueueCoercion(
      services().db,
      row.id,
      buildPlan(row, target, 'COERCE', 'test', { modifyingSystem: 'OUTSIDE-TEST', issuerOfAccessionNumber: '' }),
      'test',
    );
    services().coercion.wake();
    await waitFor('the coercion', async () => {
      const study = await services()
        .db.selectFrom('studies')
        .select('coercion_state')
        .where('id', '=', row.id)
        .executeTakeFirstOrThrow();
      return study.coercion_state === 'done' ? true : undefined;
    });
    return { studyId: row.id, uid };
  }

  async function archiveStatus(studyId: string) {
    return (await physician.get<{ state: string; jobs: RouteJob[] }>(`/api/studies/${studyId}/archive-status`)).body;
  }

  async function heldBy(pacs: RunningOrthanc, uid: string): Promise<{ count: number; patientIds: string[] }> {
    const rest = orthancRest(pacs);
    const found = (await rest.call('POST', '/tools/lookup', uid)).json as { ID: string; Type: string }[];
    let count = 0;
    const patientIds: string[] = [];
    for (const study of found.filter((r) => r.Type === 'Study')) {
      const detail = (await rest.call('GET', `/studies/${study.ID}`)).json as {
        PatientMainDicomTags: { PatientID: string };
      };
      patientIds.push(detail.PatientMainDicomTags.PatientID);
      count += ((await rest.call('GET', `/studies/${study.ID}/instances`)).json as unknown[]).length;
    }
    return { count, patientIds };
  }

  it('archives by rule: radiology to the radiology PACS, cardiology to the cardiology PACS, with the coerced identifiers', async () => {
    const rad = await reconciledStudy('MRN-RT1', 'radiology', 6);
    const card = await reconciledStudy('MRN-RT2', 'cardiology', 4);

    const preview = await physician.get<{ decision: { destinations: string[] } }>(
      `/api/studies/${card.studyId}/routing-preview`,
    );
    expect(preview.status).toBe(200);
    expect(preview.body.decision.destinations).toEqual(['cardiology-pacs']);

    for (const study of [rad, card]) {
      const queued = await physician.post<{ decision: { destinations: string[] }; jobIds: number[] }>(
        `/api/studies/${study.studyId}/archive`,
        {},
      );
      expect(queued.status).toBe(200);
      expect(queued.body.jobIds).toHaveLength(1);
    }
    for (const study of [rad, card]) {
      await waitFor('the study to be archived', async () =>
        (await archiveStatus(study.studyId)).state === 'archived' ? true : undefined,
      );
    }
    expect(await heldBy(radiologyPacs, rad.uid)).toEqual({ count: 6, patientIds: ['MRN-RT1'] });
    expect(await heldBy(cardiologyPacs, card.uid)).toEqual({ count: 4, patientIds: ['MRN-RT2'] });
    expect((await heldBy(cardiologyPacs, rad.uid)).count).toBe(0);
    const status = await archiveStatus(rad.studyId);
    expect(status.jobs[0]).toMatchObject({ destination: 'radiology-pacs', state: 'verified', instancesVerified: 6 });
    const history = await radiology.get<{ events: { toState: string; detail: string }[] }>(
      `/api/routing/jobs/${status.jobs[0]?.id}/events`,
    );
    expect(history.body.events.at(-1)?.detail).toBe('6 instances held (storage-commitment)');

    // A study that is not reconciled is refused.
    const unreconciled = await physician.post<{ error: { message: string } }>(
      `/api/studies/${randomUUID()}/archive`,
      {},
    );
    expect(unreconciled.status).toBe(404);
  });

  it('retries a destination that is down and delivers once it is up, without duplicates', async () => {
    const port = await freePort();
    await addDestination('late-pacs', 'LATEPACS', port);
    await routeDepartment('late', 'late-pacs');
    const study = await reconciledStudy('MRN-RT3', 'late', 5);
    expect((await physician.post(`/api/studies/${study.studyId}/archive`, {})).status).toBe(200);
    await waitFor('a failed attempt', async () => {
      const job = (await archiveStatus(study.studyId)).jobs[0];
      return job !== undefined && job.attempts >= 2 && job.state === 'retry_wait' ? job : undefined;
    });
    const late = await startOrthanc({
      profile: 'pacs-radiology',
      dicomPort: port,
      overrides: { DicomAet: 'LATEPACS' },
    });
    try {
      await waitFor(
        'delivery after the destination came up',
        async () => ((await archiveStatus(study.studyId)).state === 'archived' ? true : undefined),
        30_000,
      );
      expect(await heldBy(late, study.uid)).toEqual({ count: 5, patientIds: ['MRN-RT3'] });
      const job = (await archiveStatus(study.studyId)).jobs[0];
      const history = await radiology.get<{ events: { toState: string }[] }>(`/api/routing/jobs/${job?.id}/events`);
      const states = history.body.events.map((event) => event.toState);
      expect(states.filter((state) => state === 'retry_wait').length).toBeGreaterThanOrEqual(2);
      expect(states.at(-1)).toBe('verified');
    } finally {
      await late.stop();
    }
  });

  it('marks a delivery dead when the destination refuses the SOP class, and other jobs keep flowing', async () => {
    const config = join(scratch, 'storescp.cfg');
    await writeFile(config, STORESCP_MR_ONLY);
    const port = await freePort();
    storescp = spawn(
      'storescp',
      ['--config-file', config, 'MRONLY', '--output-directory', scratch, '--aetitle', 'MRONLY', String(port)],
      { env: { ...process.env, TCP_NODELAY: '1' }, stdio: 'ignore' },
    );
    await addDestination('mr-only', 'MRONLY', port);
    await waitFor('storescp to answer', async () => {
      try {
        await services().orthanc.echoModality('mr-only', 2);
        return true;
      } catch {
        return undefined;
      }
    });
    await routeDepartment('mr-only', 'mr-only');
    const refused = await reconciledStudy('MRN-RT4', 'mr-only', 2, 'CT');
    const fine = await reconciledStudy('MRN-RT5', 'radiology', 3);
    expect((await physician.post(`/api/studies/${refused.studyId}/archive`, {})).status).toBe(200);
    expect((await physician.post(`/api/studies/${fine.studyId}/archive`, {})).status).toBe(200);
    const dead = await waitFor('the refused delivery to be dead', async () => {
      const job = (await archiveStatus(refused.studyId)).jobs[0];
      return job?.state === 'dead' ? job : undefined;
    });
    expect(dead.attempts).toBe(1);
    expect(dead.lastError).toMatch(/presentation context|not supported|SOP class/i);
    await waitFor('the other study to be archived', async () =>
      (await archiveStatus(fine.studyId)).state === 'archived' ? true : undefined,
    );

    const queue = await radiology.get<{ jobs: RouteJob[] }>('/api/routing/jobs?state=dead');
    expect(queue.body.jobs.map((job) => job.id)).toContain(dead.id);
    const retried = await radiology.post<RouteJob>(`/api/routing/jobs/${dead.id}/retry`, {});
    expect(retried.body.state).toBe('pending');
    const cancelled = await waitFor('the retried job to fail again', async () => {
      const job = (await archiveStatus(refused.studyId)).jobs[0];
      return job?.state === 'dead' ? job : undefined;
    });
    const gone = await radiology.post<RouteJob>(`/api/routing/jobs/${cancelled.id}/cancel`, {});
    expect(gone.body.state).toBe('cancelled');
    expect((await physician.post(`/api/routing/jobs/${cancelled.id}/cancel`, {})).status).toBe(403);
  });

  it('cancels deliveries not yet made when the order is cancelled before the study is archived', async () => {
    await addDestination('closed-pacs', 'CLOSED', await freePort());
    await routeDepartment('closed', 'closed-pacs');
    const study = await reconciledStudy('MRN-RT6', 'closed', 2);
    await services()
      .db.updateTable('studies')
      .set({ matched_order_id: 999_001 })
      .where('id', '=', study.studyId)
      .execute();
    expect((await physician.post(`/api/studies/${study.studyId}/archive`, {})).status).toBe(200);
    await waitFor('a failed attempt', async () => {
      const job = (await archiveStatus(study.studyId)).jobs[0];
      return job?.state === 'retry_wait' ? job : undefined;
    });
    const { db, config, audit, log } = services();
    await unmatchOrder({ db, config, audit, log }, 999_001, 'order 999001 cancelled');
    const status = await archiveStatus(study.studyId);
    expect(status.state).toBe('identified');
    expect(status.jobs[0]?.state).toBe('cancelled');
  });

  it('archives to an Orthanc peer over HTTP, with credentials the API never returns', async () => {
    const created = await admin.post<{ destination: { hasPassword: boolean } }>('/api/destinations', {
      name: 'vna',
      kind: 'orthanc-peer',
      url: cardiologyPacs.httpUrl,
      username: cardiologyPacs.credentials.username,
      password: cardiologyPacs.credentials.password,
    });
    expect(created.status).toBe(201);
    expect(created.body.destination.hasPassword).toBe(true);
    expect(JSON.stringify((await admin.get('/api/destinations')).body)).not.toContain(
      cardiologyPacs.credentials.password,
    );
    services().routing.wake();
    await routeDepartment('vna', 'vna');
    const study = await reconciledStudy('MRN-RT7', 'vna', 3);
    expect((await physician.post(`/api/studies/${study.studyId}/archive`, {})).status).toBe(200);
    await waitFor('the study to be archived to the peer', async () =>
      (await archiveStatus(study.studyId)).state === 'archived' ? true : undefined,
    );
    expect(await heldBy(cardiologyPacs, study.uid)).toEqual({ count: 3, patientIds: ['MRN-RT7'] });
  });

  it('archives to a DICOMweb archive with STOW-RS, checked and verified with QIDO-RS', async () => {
    const created = await admin.post('/api/destinations', {
      name: 'dicomweb-archive',
      kind: 'dicomweb',
      url: `${radiologyPacs.httpUrl}/dicom-web/`,
      username: radiologyPacs.credentials.username,
      password: radiologyPacs.credentials.password,
    });
    expect(created.status).toBe(201);
    services().routing.wake();
    await routeDepartment('web', 'dicomweb-archive');
    const study = await reconciledStudy('MRN-RT8', 'web', 3);
    expect((await physician.post(`/api/studies/${study.studyId}/archive`, {})).status).toBe(200);
    await waitFor('the study to be archived by STOW-RS', async () =>
      (await archiveStatus(study.studyId)).state === 'archived' ? true : undefined,
    );
    expect(await heldBy(radiologyPacs, study.uid)).toEqual({ count: 3, patientIds: ['MRN-RT8'] });
  });
});
