import type { RunningOrthanc } from '@outside/orthanc-config';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChangeFeedFollower } from '../../plugin-server/src/changes/change-feed.ts';
import { createLogger } from '../../plugin-server/src/logger.ts';
import { dcmdumpValue, pydicomFile } from '../support/pydicom-files.ts';
import { orthancRest } from '../support/orthanc-rest.ts';
import { startOrthancForTest, startStack, waitFor, type TestStack } from '../support/stack.ts';

// Files of distinct studies that Orthanc 1.10.1 accepts.
const STUDY_FILES = [
  'CT_small.dcm',
  'MR_small.dcm',
  'JPEG2000.dcm',
  'rtplan.dcm',
  'rtdose.dcm',
  'waveform_ecg.dcm',
  'test-SR.dcm',
  'liver_1frame.dcm',
];

function follower(stack: TestStack, batchSize: number): ChangeFeedFollower {
  const services = stack.sidecar.services;
  if (services === undefined) throw new Error('not started');
  return new ChangeFeedFollower(
    services.db,
    services.orthanc,
    { ...services.config.changes, batchSize },
    createLogger('silent'),
  );
}

async function studyRows(stack: TestStack) {
  const db = stack.sidecar.services?.db;
  if (db === undefined) throw new Error('not started');
  return db.selectFrom('studies').selectAll().orderBy('study_instance_uid').execute();
}

describe('change feed against a real Orthanc', () => {
  let orthanc: RunningOrthanc;
  let stack: TestStack;

  beforeAll(async () => {
    orthanc = await startOrthancForTest();
  });
  afterAll(async () => {
    await orthanc.stop();
  });
  afterEach(async () => {
    await stack.stop();
    const rest = orthancRest(orthanc);
    for (const id of await rest.studyIds()) await rest.call('DELETE', `/studies/${id}`);
  });

  it('creates exactly one study row per StudyInstanceUID with the identifiers of the media', async () => {
    stack = await startStack({ orthanc });
    const rest = orthancRest(orthanc);
    await rest.upload(pydicomFile('CT_small.dcm'));
    await rest.upload(pydicomFile('MR_small.dcm'));
    // The same instance twice must not make a second row.
    await rest.upload(pydicomFile('CT_small.dcm'));

    await follower(stack, 100).catchUp();

    const rows = await studyRows(stack);
    expect(rows).toHaveLength(2);
    for (const name of ['CT_small.dcm', 'MR_small.dcm']) {
      const file = pydicomFile(name);
      const row = rows.find((r) => r.study_instance_uid === dcmdumpValue(file, '0020,000D'));
      expect(row, name).toBeDefined();
      expect(row?.original_patient_id).toBe(dcmdumpValue(file, '0010,0020'));
      expect(row?.original_patient_name).toBe(dcmdumpValue(file, '0010,0010'));
      expect(row?.original_patient_birth_date).toBe(dcmdumpValue(file, '0010,0030'));
      expect(row?.original_patient_sex).toBe(dcmdumpValue(file, '0010,0040'));
      expect(row?.original_accession_number).toBe(dcmdumpValue(file, '0008,0050'));
      expect(row?.study_date).toBe(dcmdumpValue(file, '0008,0020'));
      expect(row?.institution_name).toBe(dcmdumpValue(file, '0008,0080'));
      expect(JSON.parse(row?.modalities ?? '[]')).toEqual([dcmdumpValue(file, '0008,0060')]);
      expect(row?.series_count).toBe(1);
      expect(row?.instance_count).toBe(1);
      expect(row?.orthanc_id).toMatch(/^[0-9a-f]{8}-/);
      expect(row?.state).toBe('received');
    }
  });

  it('records the Issuer of Patient ID, which Orthanc does not index', async () => {
    stack = await startStack({ orthanc });
    const rest = orthancRest(orthanc);
    // Orthanc's instance-level modify returns a copy carrying the tag (UIDs kept); it replaces the
    // original, and the follower must read the tag back from the stored file.
    const uploaded = await rest.upload(pydicomFile('CT_small.dcm'));
    const modified = await rest.raw(
      'POST',
      `/instances/${uploaded.ID}/modify`,
      JSON.stringify({
        Replace: { IssuerOfPatientID: 'OUTSIDE-HOSPITAL-A' },
        Keep: ['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID'],
        Force: true,
      }),
    );
    expect(modified.status).toBe(200);
    await rest.call('DELETE', `/studies/${uploaded.ParentStudy}`);
    await rest.call('POST', '/instances', modified.bytes);
    await follower(stack, 100).catchUp();
    const rows = await studyRows(stack);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.original_issuer_of_patient_id).toBe('OUTSIDE-HOSPITAL-A');
  });

  it('loses and duplicates nothing when restarted mid-stream, and repeating batches is harmless', async () => {
    stack = await startStack({ orthanc });
    const rest = orthancRest(orthanc);
    for (const name of STUDY_FILES) await rest.upload(pydicomFile(name));

    // Small batches: stop after two of them, as a crash would.
    const first = follower(stack, 3);
    await first.processBatch();
    await first.processBatch();
    const cursorAtCrash = await first.cursor();
    expect(cursorAtCrash).toBeGreaterThan(0);
    const partial = await studyRows(stack);
    expect(partial.length).toBeLessThan(STUDY_FILES.length);

    // A new follower (as after a restart) resumes from the durable cursor.
    const second = follower(stack, 3);
    expect(await second.cursor()).toBe(cursorAtCrash);
    await second.catchUp();
    const uids = new Set(STUDY_FILES.map((name) => dcmdumpValue(pydicomFile(name), '0020,000D')));
    let rows = await studyRows(stack);
    expect(new Set(rows.map((r) => r.study_instance_uid))).toEqual(uids);
    expect(rows).toHaveLength(uids.size);

    // Replaying the whole log from zero changes nothing.
    await stack.sidecar.services?.db.updateTable('change_feed').set({ last_seq: 0 }).execute();
    await follower(stack, 3).catchUp();
    rows = await studyRows(stack);
    expect(rows).toHaveLength(uids.size);
    const transitions = await stack.sidecar.services?.db
      .selectFrom('study_transitions')
      .select(['study_id', 'to_state'])
      .where('to_state', '=', 'received')
      .execute();
    expect(transitions).toHaveLength(uids.size);
  });

  it('notices a cleared changes log (DELETE /changes) and recovers every study by sweep', async () => {
    stack = await startStack({ orthanc });
    const rest = orthancRest(orthanc);
    await rest.upload(pydicomFile('CT_small.dcm'));
    const feed = follower(stack, 100);
    await feed.catchUp();
    expect(await studyRows(stack)).toHaveLength(1);

    // While the follower is not looking, new studies arrive and the log is cleared.
    for (const name of STUDY_FILES.slice(1, 5)) await rest.upload(pydicomFile(name));
    expect((await rest.call('DELETE', '/changes')).status).toBe(200);

    const batch = await feed.processBatch();
    expect(batch.sweep).toBe('gap');
    await feed.catchUp();
    const rows = await studyRows(stack);
    expect(rows).toHaveLength(5);
    expect(await feed.isSweepDue).toBe(false);
  });

  it('runs a full sweep when its cursor is ahead of Orthanc (a restored or replaced Orthanc)', async () => {
    stack = await startStack({ orthanc });
    const rest = orthancRest(orthanc);
    for (const name of STUDY_FILES.slice(0, 3)) await rest.upload(pydicomFile(name));
    const db = stack.sidecar.services?.db;
    await db
      ?.insertInto('change_feed')
      .values({
        name: 'orthanc-staging',
        last_seq: 1_000_000,
        last_sweep_at: null,
        updated_at: new Date().toISOString(),
      })
      .execute();
    const feed = follower(stack, 100);
    const batch = await feed.processBatch();
    expect(batch.sweep).toBe('cursor-ahead');
    await feed.catchUp();
    expect(await studyRows(stack)).toHaveLength(3);
    const last = ((await rest.call('GET', '/changes?limit=0')).json as { Last: number }).Last;
    expect(await feed.cursor()).toBe(last);
  });

  it('survives a study deleted before it reads it: no crash, no retry loop, no row', async () => {
    stack = await startStack({ orthanc });
    const rest = orthancRest(orthanc);
    const kept = await rest.upload(pydicomFile('MR_small.dcm'));
    const gone = await rest.upload(pydicomFile('CT_small.dcm'));
    expect((await rest.call('DELETE', `/studies/${gone.ParentStudy}`)).status).toBe(200);

    const feed = follower(stack, 100);
    await feed.catchUp();
    const rows = await studyRows(stack);
    expect(rows.map((r) => r.orthanc_id)).toEqual([kept.ParentStudy]);
    // The cursor moved past the deleted study's events: they are not read again.
    const last = ((await rest.call('GET', '/changes?limit=0')).json as { Last: number }).Last;
    expect(await feed.cursor()).toBe(last);
    const again = await feed.processBatch();
    expect(again).toEqual({ done: true, changesRead: 0, studiesRecorded: 0, sweep: 'none' });
  });

  it('keeps the row but drops the Orthanc id of a study deleted after it was recorded', async () => {
    stack = await startStack({ orthanc });
    const rest = orthancRest(orthanc);
    const uploaded = await rest.upload(pydicomFile('CT_small.dcm'));
    const feed = follower(stack, 100);
    await feed.catchUp();
    await rest.call('DELETE', `/studies/${uploaded.ParentStudy}`);
    // Orthanc 1.10.1 logs no Deleted change for a deleted study (it even erases the study's
    // earlier changes), so the feed cannot see this; the periodic sweep does.
    await feed.catchUp();
    expect((await studyRows(stack))[0]?.orthanc_id).toBe(uploaded.ParentStudy);
    await feed.sweep();
    const rows = await studyRows(stack);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.orthanc_id).toBeNull();
  });

  it('follows changes on its own once started, and marks stable studies ready', async () => {
    stack = await startStack({ orthanc, followChanges: true });
    const rest = orthancRest(orthanc);
    const uploaded = await rest.upload(pydicomFile('MR_small.dcm'));
    const row = await waitFor('the study to become ready', async () => {
      const rows = await studyRows(stack);
      return rows.find((r) => r.orthanc_id === uploaded.ParentStudy && r.state === 'ready');
    });
    const transitions = await stack.sidecar.services?.db
      .selectFrom('study_transitions')
      .select(['from_state', 'to_state', 'actor'])
      .where('study_id', '=', row.id)
      .orderBy('seq')
      .execute();
    expect(transitions).toEqual([
      { from_state: null, to_state: 'received', actor: 'system:change-feed' },
      { from_state: 'received', to_state: 'ready', actor: 'system:change-feed' },
    ]);
  });
});
