import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orthancRest } from '../support/orthanc-rest.ts';
import { pydicomFile } from '../support/pydicom-files.ts';
import { catchUpChanges, startStack, type TestStack } from '../support/stack.ts';
import { loggedIn } from '../support/users.ts';

describe('study API', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack();
    await orthancRest(stack.orthanc).upload(pydicomFile('CT_small.dcm'));
    await catchUpChanges(stack);
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('lists studies and shows one, auditing every read of patient data', async () => {
    const physician = await loggedIn(stack.sidecar, ['physician']);
    const list = await physician.get('/api/studies');
    expect(list.status).toBe(200);
    const studies = (list.body as { studies: { id: string; original: { patientId: string } }[] }).studies;
    expect(studies).toHaveLength(1);
    const id = studies[0]?.id ?? '';
    expect(studies[0]?.original.patientId).toBe('1CT1');

    const one = await physician.get(`/api/studies/${id}`);
    expect(one.status).toBe(200);
    expect((one.body as { transitions: { toState: string }[] }).transitions[0]?.toState).toBe('received');

    const events = await stack.sidecar.services?.db
      .selectFrom('audit_events')
      .select(['event_id', 'object_type', 'object_id'])
      .where('event_name', 'in', ['query', 'patientRecordRead'])
      .orderBy('seq')
      .execute();
    expect(events).toEqual([
      { event_id: '110112', object_type: 'study-list', object_id: 'studies' },
      { event_id: '110110', object_type: 'study', object_id: id },
    ]);
    // Audit details carry ids, never the patient's name.
    const details = await stack.sidecar.services?.db.selectFrom('audit_events').select('details').execute();
    expect(JSON.stringify(details)).not.toContain('CompressedSamples');
  });

  it('rejects malformed input with a clear 400 and unknown studies with 404', async () => {
    const physician = await loggedIn(stack.sidecar, ['physician']);
    const bad = await physician.get('/api/studies/not-a-uuid');
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { message: string } }).error.message).toMatch(/params\.id/);
    const missing = await physician.get('/api/studies/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    const badQuery = await physician.get('/api/studies?state=nonsense');
    expect(badQuery.status).toBe(400);
  });
});
