import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { RunningOrthanc } from '@outside/orthanc-config';
import { createLogger, Sidecar } from '@outside/plugin-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchStudySnapshot } from '../../plugin-server/src/changes/study-snapshot.ts';
import { upsertStudySnapshot } from '../../plugin-server/src/changes/study-repository.ts';
import { buildPlan, enqueueCoercion } from '../../plugin-server/src/coerce/coercion-jobs.ts';
import { makeUid, syntheticInstance } from '../fixtures/synthetic-dicom.ts';
import { orthancRest } from '../support/orthanc-rest.ts';
import { spawnSidecar } from '../support/sidecar-process.ts';
import { freePort, sidecarConfig, startOrthancForTest, waitFor } from '../support/stack.ts';

// Issue #5: a sidecar killed (SIGKILL) in the middle of coercing a 300-instance study, then
// restarted, ends with the study fully coerced, in one Orthanc study, with no duplicates, and a
// stranger sharing the outside Patient ID untouched. Both coercion paths are exercised: the
// per-instance one (outside Patient ID shared) and the patient-level one (study alone).

const INSTANCES = 300;

type Tags = Record<string, unknown>;

describe('coercion survives SIGKILL of the sidecar', () => {
  let orthanc: RunningOrthanc;
  let scratch: string;

  beforeAll(async () => {
    orthanc = await startOrthancForTest();
    scratch = mkdtempSync(join(tmpdir(), 'outside-coercion-crash-'));
  });
  afterAll(async () => {
    await orthanc.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const rest = () => orthancRest(orthanc);

  async function upload(patientId: string, count: number): Promise<{ uid: string; sops: string[]; orthancId: string }> {
    const uid = makeUid();
    const series = makeUid();
    const sops: string[] = [];
    let orthancId = '';
    for (let i = 0; i < count; i++) {
      const instance = syntheticInstance({
        patient: { id: patientId, name: 'CRASH^TEST', birthDate: '19700101', sex: 'F' },
        studyInstanceUID: uid,
        seriesInstanceUID: series,
        instanceNumber: i + 1,
        rows: 128,
        columns: 128,
      });
      const response = await rest().call('POST', '/instances', new Uint8Array(instance.bytes));
      orthancId = (response.json as { ParentStudy: string }).ParentStudy;
      sops.push(instance.SOPInstanceUID);
    }
    return { uid, sops, orthancId };
  }

  async function orthancStudies(uid: string): Promise<{ id: string; patientId: string }[]> {
    const found = (await rest().call('POST', '/tools/lookup', uid)).json as { ID: string; Type: string }[];
    const studies = [];
    for (const resource of found.filter((r) => r.Type === 'Study')) {
      const study = (await rest().call('GET', `/studies/${resource.ID}`)).json as {
        PatientMainDicomTags: { PatientID: string };
      };
      studies.push({ id: resource.ID, patientId: study.PatientMainDicomTags.PatientID });
    }
    return studies;
  }

  async function instanceCount(studyId: string): Promise<number> {
    const list = (await rest().call('GET', `/studies/${studyId}/instances`)).json;
    return Array.isArray(list) ? list.length : 0;
  }

  /** Records the study and queues its coercion, as the matcher would, then closes the database. */
  async function seed(databasePath: string, orthancStudyId: string, mrn: string): Promise<string> {
    const config = sidecarConfig(orthanc, databasePath, { hl7: { enabled: false } });
    const sidecar = new Sidecar(config, { logger: createLogger('silent') });
    const services = await sidecar.open();
    const result = await fetchStudySnapshot(services.orthanc, orthancStudyId, services.log);
    if (result.kind === 'gone') throw new Error('study gone');
    await upsertStudySnapshot(services.db, result.snapshot);
    const row = await services.db
      .selectFrom('studies')
      .selectAll()
      .where('study_instance_uid', '=', result.snapshot.StudyInstanceUID)
      .executeTakeFirstOrThrow();
    const plan = buildPlan(
      row,
      {
        patientId: mrn,
        issuerOfPatientId: 'HOSP',
        patientName: 'CRASH^TEST',
        patientBirthDate: '19700101',
        patientSex: 'F',
        accessionNumber: `ACC-${mrn}`,
      },
      'COERCE',
      'crash test',
      { modifyingSystem: 'OUTSIDE-TEST', issuerOfAccessionNumber: '' },
    );
    await enqueueCoercion(services.db, row.id, plan, 'test');
    await sidecar.stop();
    return plan.coercionDateTime;
  }

  function coercionState(databasePath: string): string | null {
    const db = new SqliteDatabase(databasePath, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('select coercion_state as state from studies').get() as { state: string | null };
      return row.state;
    } finally {
      db.close();
    }
  }

  async function crashAndRecover(sharedWithStranger: boolean): Promise<void> {
    const outsideId = `EXT-${makeUid().slice(-8)}`;
    const mrn = `MRN-${makeUid().slice(-6)}`;
    const stranger = sharedWithStranger ? await upload(outsideId, 3) : undefined;
    const study = await upload(outsideId, INSTANCES);
    const databasePath = join(mkdtempSync(join(scratch, 'db-')), 'outside.sqlite');
    const coercionDateTime = await seed(databasePath, study.orthancId, mrn);
    const env = {
      OUTSIDE_HL7_ENABLED: 'false',
      OUTSIDE_COERCION_SPOOL_DIR: join(databasePath, '..', 'spool'),
      OUTSIDE_COERCION_RETRY_BASE_MS: '200',
      OUTSIDE_COERCION_CONCURRENCY: '2',
    };

    const first = await spawnSidecar(orthanc, databasePath, await freePort(), env);
    await waitFor(
      'coercion to be under way',
      async () => {
        const target = (await orthancStudies(study.uid)).find((s) => s.patientId === mrn);
        return target !== undefined && (await instanceCount(target.id)) >= 30 ? true : undefined;
      },
      60_000,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    expect(coercionState(databasePath)).toBe('pending');

    const second = await spawnSidecar(orthanc, databasePath, await freePort(), env);
    try {
      await waitFor(
        'coercion to finish after the restart',
        async () => (coercionState(databasePath) === 'done' ? true : undefined),
        60_000,
      );
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }

    const studies = await orthancStudies(study.uid);
    expect(studies).toHaveLength(1);
    expect(studies[0]?.patientId).toBe(mrn);
    const list = (await rest().call('GET', `/studies/${studies[0]?.id}/instances`)).json as { ID: string }[];
    expect(list).toHaveLength(INSTANCES);
    const sops = new Set<string>();
    for (const instance of list) {
      const tags = (await rest().call('GET', `/instances/${instance.ID}/tags?short`)).json as Tags;
      sops.add(String(tags['0008,0018']));
      expect(tags['0010,0020']).toBe(mrn);
      expect(tags['0008,0015']).toBe(coercionDateTime);
      expect(tags['0020,000d']).toBe(study.uid);
      expect(tags['0400,0561']).toHaveLength(1);
    }
    expect([...sops].sort()).toEqual([...study.sops].sort());

    if (stranger !== undefined) {
      const strangerStudies = await orthancStudies(stranger.uid);
      expect(strangerStudies).toEqual([{ id: stranger.orthancId, patientId: outsideId }]);
      expect(await instanceCount(stranger.orthancId)).toBe(3);
    }
  }

  it('finishes the per-instance path (outside Patient ID shared with a stranger) after SIGKILL', async () => {
    await crashAndRecover(true);
  });

  it('finishes the patient-level path (the study is alone under its outside Patient ID) after SIGKILL', async () => {
    await crashAndRecover(false);
  });
});
