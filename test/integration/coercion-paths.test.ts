import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningOrthanc } from '@outside/orthanc-config';
import { createLogger, OrthancClient } from '@outside/plugin-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coerceStudy } from '../../plugin-server/src/coerce/coerce-study.ts';
import type { CoercionPlan } from '../../plugin-server/src/domain/coercion.ts';
import { makeUid, syntheticInstance } from '../fixtures/synthetic-dicom.ts';
import { orthancRest } from '../support/orthanc-rest.ts';
import { startOrthancForTest } from '../support/stack.ts';

// coerceStudy against a real Orthanc, on the cases the end-to-end tests do not reach: instances
// that already carry identity history from the outside hospital (kept, item by item, even when
// only some instances have it), and a plan applied twice (the second run changes nothing).

type Tags = Record<string, unknown>;

describe('coerceStudy keeps the history instances already carry', () => {
  let orthanc: RunningOrthanc;
  let client: OrthancClient;
  let spool: string;

  beforeAll(async () => {
    orthanc = await startOrthancForTest();
    client = new OrthancClient({
      url: orthanc.httpUrl,
      username: orthanc.credentials.username,
      password: orthanc.credentials.password,
      timeoutMs: 30_000,
    });
    spool = mkdtempSync(join(tmpdir(), 'outside-coercion-spool-'));
  });
  afterAll(async () => {
    await orthanc.stop();
    rmSync(spool, { recursive: true, force: true });
  });

  const rest = () => orthancRest(orthanc);

  /** Gives a stored instance the history an earlier reconciliation elsewhere would have left. */
  async function addOutsideHistory(instanceId: string): Promise<void> {
    const modified = await client.modifiedInstance(instanceId, {
      Replace: {
        OtherPatientIDsSequence: [{ PatientID: 'OLD-ELSEWHERE', IssuerOfPatientID: 'CLINIC' }],
        OriginalAttributesSequence: [
          {
            ModifiedAttributesSequence: [{ PatientID: 'OLD-ELSEWHERE' }],
            AttributeModificationDateTime: '20200101120000',
            ModifyingSystem: 'ELSEWHERE-PACS',
            SourceOfPreviousValues: 'CLINIC',
            ReasonForTheAttributeModification: 'COERCE',
          },
        ],
      },
      Keep: ['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID'],
      Force: true,
    });
    // Same Patient ID, so the same Orthanc id: remove the plain one before storing the other.
    await client.bulkDelete([instanceId]);
    await client.uploadInstance(modified);
  }

  function plan(uid: string, at: string): CoercionPlan {
    return {
      StudyInstanceUID: uid,
      target: {
        patientId: 'MRN-HIST',
        issuerOfPatientId: 'HOSP',
        patientName: 'HISTORY^HANNA',
        patientBirthDate: '19720707',
        patientSex: 'F',
        accessionNumber: 'ACC-HIST',
      },
      issuerOfAccessionNumber: null,
      reason: 'COERCE',
      coercionDateTime: at,
      modifyingSystem: 'OUTSIDE-TEST',
      sourceOfPreviousValues: 'ST ELSEWHERE',
      why: 'test',
    };
  }

  it('redoes the instances whose history differs, so every instance keeps its own items plus ours', async () => {
    const uid = makeUid();
    const series = makeUid();
    for (let i = 0; i < 6; i++) {
      const instance = syntheticInstance({
        patient: { id: 'EXT-HIST', name: 'HISTORY^HANNA', birthDate: '19720707', sex: 'F' },
        studyInstanceUID: uid,
        seriesInstanceUID: series,
        instanceNumber: i + 1,
        rows: 16,
        columns: 16,
      });
      await client.uploadInstance(new Uint8Array(instance.bytes));
    }
    // The representative (first listed) may or may not be among them: two of six carry history.
    const listed = await client.studyInstances((await client.lookup(uid))[0]?.ID ?? '');
    const withHistory = [listed[1]?.ID ?? '', listed[4]?.ID ?? ''];
    for (const id of withHistory) await addOutsideHistory(id);
    const historySops = new Set<unknown>();
    for (const id of withHistory) historySops.add((await client.instanceShortTags(id))['0008,0018']);

    const first = plan(uid, '20261129010000.000001');
    const options = {
      orthanc: client,
      plan: first,
      spoolDir: join(spool, 'a'),
      concurrency: 2,
      log: createLogger('silent'),
      orthancJobId: null,
      onOrthancJob: async () => undefined,
    };
    const outcome = await coerceStudy(options);
    expect(outcome.strategies).toEqual(['patient-level']);
    expect(outcome.instances).toBe(6);

    const studies = (await client.lookup(uid)).filter((r) => r.Type === 'Study');
    expect(studies).toHaveLength(1);
    for (const instance of await client.studyInstances(outcome.targetStudyId)) {
      const tags = (await rest().call('GET', `/instances/${instance.ID}/tags?short`)).json as Tags;
      expect(tags['0010,0020']).toBe('MRN-HIST');
      const others = (tags['0010,1002'] as Tags[]).map((item) => item['0010,0020']);
      const reasons = (tags['0400,0561'] as Tags[]).map((item) => item['0400,0563']);
      if (historySops.has(tags['0008,0018'])) {
        expect(others).toEqual(['OLD-ELSEWHERE', 'EXT-HIST']);
        expect(reasons).toEqual(['ELSEWHERE-PACS', 'OUTSIDE-TEST']);
      } else {
        expect(others).toEqual(['EXT-HIST']);
        expect(reasons).toEqual(['OUTSIDE-TEST']);
      }
    }
    // Running the same plan again finds nothing to do and changes nothing.
    const snapshot = async () => {
      const all: Tags[] = [];
      for (const instance of await client.studyInstances(outcome.targetStudyId)) {
        all.push((await rest().call('GET', `/instances/${instance.ID}/tags?short`)).json as Tags);
      }
      return all;
    };
    const before = await snapshot();
    const again = await coerceStudy({ ...options, spoolDir: join(spool, 'b') });
    expect(again.strategies).toEqual(['none']);
    expect(await snapshot()).toEqual(before);
  });
});
