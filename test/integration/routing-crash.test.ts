import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { startOrthanc, type RunningOrthanc } from '@outside/orthanc-config';
import { createLogger, Sidecar } from '@outside/plugin-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchStudySnapshot } from '../../plugin-server/src/changes/study-snapshot.ts';
import { upsertStudySnapshot } from '../../plugin-server/src/changes/study-repository.ts';
import { DestinationStore } from '../../plugin-server/src/routing/destinations-store.ts';
import { enqueueRouteJob } from '../../plugin-server/src/routing/route-jobs-store.ts';
import { makeUid, syntheticInstance } from '../fixtures/synthetic-dicom.ts';
import { orthancRest } from '../support/orthanc-rest.ts';
import { spawnSidecar } from '../support/sidecar-process.ts';
import { freePort, sidecarConfig, startOrthancForTest, waitFor } from '../support/stack.ts';

// Issue #6: the sidecar killed (SIGKILL) in the middle of sending a 300-instance study, then
// restarted: the delivery completes and is verified, and the PACS holds each instance once.

const INSTANCES = 300;

describe('delivery survives SIGKILL of the sidecar', () => {
  let staging: RunningOrthanc;
  let pacs: RunningOrthanc;
  let scratch: string;

  beforeAll(async () => {
    [staging, pacs] = await Promise.all([startOrthancForTest(), startOrthanc({ profile: 'pacs-radiology' })]);
    scratch = mkdtempSync(join(tmpdir(), 'outside-routing-crash-'));
  });
  afterAll(async () => {
    await Promise.all([staging.stop(), pacs.stop()]);
    rmSync(scratch, { recursive: true, force: true });
  });

  async function pacsInstances(uid: string): Promise<number> {
    const rest = orthancRest(pacs);
    const found = (await rest.call('POST', '/tools/lookup', uid)).json as { ID: string; Type: string }[];
    let count = 0;
    for (const study of found.filter((r) => r.Type === 'Study')) {
      count += ((await rest.call('GET', `/studies/${study.ID}/instances`)).json as unknown[]).length;
    }
    return count;
  }

  function jobState(databasePath: string): string {
    const db = new SqliteDatabase(databasePath, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('select state from route_jobs').get() as { state: string }).state;
    } finally {
      db.close();
    }
  }

  it('resumes after the kill, sends only what is missing, and verifies', async () => {
    const uid = makeUid();
    const series = makeUid();
    let orthancStudyId = '';
    const rest = orthancRest(staging);
    for (let i = 0; i < INSTANCES; i++) {
      const instance = syntheticInstance({
        patient: { id: 'MRN-CRASH' },
        studyInstanceUID: uid,
        seriesInstanceUID: series,
        instanceNumber: i + 1,
        rows: 128,
        columns: 128,
      });
      const stored = (await rest.call('POST', '/instances', new Uint8Array(instance.bytes))).json as {
        ParentStudy: string;
      };
      orthancStudyId = stored.ParentStudy;
    }

    // A reconciled study queued for the radiology PACS, as the archive action leaves it.
    const databasePath = join(scratch, 'outside.sqlite');
    const sidecar = new Sidecar(sidecarConfig(staging, databasePath, { hl7: { enabled: false } }), {
      logger: createLogger('silent'),
    });
    const services = await sidecar.open();
    const snapshot = await fetchStudySnapshot(services.orthanc, orthancStudyId, services.log);
    if (snapshot.kind === 'gone') throw new Error('study gone');
    await upsertStudySnapshot(services.db, snapshot.snapshot);
    await services.db
      .updateTable('studies')
      .set({ state: 'queued', coercion_state: 'done', coerced_patient_id: 'MRN-CRASH' })
      .where('study_instance_uid', '=', uid)
      .execute();
    const study = await services.db.selectFrom('studies').select('id').executeTakeFirstOrThrow();
    const destination = await new DestinationStore(services.db, { allowLoopbackDestinations: true }).create({
      name: 'radiology-pacs',
      kind: 'dicom',
      aet: pacs.aet,
      host: '127.0.0.1',
      port: pacs.dicomPort,
    });
    await enqueueRouteJob(services.db, study.id, destination.id, 'test');
    await sidecar.stop();

    const env = {
      OUTSIDE_HL7_ENABLED: 'false',
      OUTSIDE_ROUTING_ALLOW_LOOPBACK_DESTINATIONS: 'true',
      OUTSIDE_ROUTING_RETRY_BASE_MS: '200',
      OUTSIDE_ROUTING_POLL_INTERVAL_MS: '100',
    };
    const first = await spawnSidecar(staging, databasePath, await freePort(), env);
    await waitFor(
      'the delivery to be under way',
      async () => ((await pacsInstances(uid)) >= 40 ? true : undefined),
      60_000,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    expect(jobState(databasePath)).toBe('sending');
    const atKill = await pacsInstances(uid);
    expect(atKill).toBeLessThan(INSTANCES);

    const second = await spawnSidecar(staging, databasePath, await freePort(), env);
    try {
      await waitFor(
        'the delivery to be verified',
        async () => (jobState(databasePath) === 'verified' ? true : undefined),
        60_000,
      );
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    expect(await pacsInstances(uid)).toBe(INSTANCES);

    const db = new SqliteDatabase(databasePath, { readonly: true, fileMustExist: true });
    try {
      const events = db.prepare('select to_state as state, detail from route_job_events order by id').all() as {
        state: string;
        detail: string;
      }[];
      expect(events.map((event) => event.state)).toEqual(['pending', 'sending', 'sending', 'sent', 'verified']);
      // The second attempt sent only what the PACS did not hold when it asked.
      const sent = Number(/^(\d+) instances sent/.exec(events[3]?.detail ?? '')?.[1]);
      expect(sent).toBeLessThanOrEqual(INSTANCES - atKill);
      const state = (db.prepare('select state from studies').get() as { state: string }).state;
      expect(state).toBe('archived');
    } finally {
      db.close();
    }
  });
});
