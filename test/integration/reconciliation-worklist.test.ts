import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MllpClient } from '@outside/hl7-bridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ormMessage, type TestOrder } from '../../hl7-bridge/src/testing/hl7-test-messages.ts';
import type { ReconciliationDetail, WorklistPage } from '../../plugin-server/src/domain/reconciliation.ts';
import { makeSyntheticCd, type SyntheticCd } from '../fixtures/synthetic-media.ts';
import { orthancRest } from '../support/orthanc-rest.ts';
import { startStack, waitFor, type TestStack } from '../support/stack.ts';
import { loggedIn } from '../support/users.ts';
import type { ApiSession } from '../support/http-session.ts';

// The radiology worklist through its API, with a real Orthanc and orders over MLLP: what needs a
// human is listed with evidence and the exact tag diff; confirm, manual entry (with the warning
// for unknown identifiers), reference-only and bulk confirm each take the study off the list,
// are audited with before/after identifiers, and end with coerced instances in Orthanc.

const ACTOR = { userId: null, username: 'test-frontdesk', sourceIp: null };

describe('radiology reconciliation worklist API', () => {
  let stack: TestStack;
  let scratch: string;
  let client: MllpClient;
  let radiology: ApiSession;
  let cds = 0;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'outside-worklist-'));
    stack = await startStack({
      config: {
        import: { workDir: join(scratch, 'work') },
        matching: { outsideStudyImportCodes: ['XIMP'], dateWindowDays: 3650, localIssuer: 'HOSP' },
      },
    });
    client = new MllpClient({ host: '127.0.0.1', port: stack.sidecar.services?.hl7?.address?.port ?? 0 });
    await client.connect();
    radiology = await loggedIn(stack.sidecar, ['radiology']);
  });
  afterAll(async () => {
    await client.close();
    await stack.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  function services() {
    const s = stack.sidecar.services;
    if (s === undefined) throw new Error('not started');
    return s;
  }

  async function send(order: Partial<TestOrder> & Pick<TestOrder, 'controlId' | 'placer' | 'patient'>): Promise<void> {
    const message = ormMessage({ procedureCode: 'XIMP', procedureText: 'OUTSIDE CT IMPORT', modality: 'CT', ...order });
    const ack = (await client.send(Buffer.from(message, 'latin1'))).toString('latin1');
    expect(ack).toMatch(/MSA\|AA\|/);
  }

  /** Imports a one-study CD for a patient, claimed by the front desk as `mrn`. */
  async function importCd(mrn: string | null, patient: { name: string; birthDate: string; sex: 'M' | 'F' }) {
    cds += 1;
    const cd: SyntheticCd = await makeSyntheticCd(join(scratch, `cd${cds}`), {
      patient: { id: `EXT-${cds}`, issuer: 'ELSEWHERE', ...patient },
      seriesPerStudy: 1,
      slicesPerSeries: 2,
      rows: 16,
      columns: 16,
      junk: false,
      dicomdir: false,
    });
    const importer = services().importer;
    const session = await importer.createSession({
      createdBy: { id: null, username: 'test-frontdesk' },
      department: 'radiology',
      sourceLabel: 'outside CD',
      sourceKind: 'folder',
      patient: mrn === null ? {} : { mrn },
    });
    await importer.importFolder(session.id, cd.root);
    await importer.finish(session.id, ACTOR);
    const uid = cd.studies[0]?.StudyInstanceUID ?? '';
    const row = await services()
      .db.selectFrom('studies')
      .select('id')
      .where('study_instance_uid', '=', uid)
      .executeTakeFirstOrThrow();
    return { studyId: row.id, uid };
  }

  async function onWorklist(studyId: string): Promise<WorklistPage['items'][number]> {
    return waitFor(`study ${studyId} on the worklist`, async () => {
      const page = await radiology.get<WorklistPage>('/api/worklist?limit=500');
      return page.body.items.find((item) => item.studyId === studyId);
    });
  }

  async function coercedPatientIds(uid: string): Promise<string[]> {
    const rest = orthancRest(stack.orthanc);
    await waitFor('coercion to finish', async () => {
      const row = await services()
        .db.selectFrom('studies')
        .select('coercion_state')
        .where('study_instance_uid', '=', uid)
        .executeTakeFirstOrThrow();
      return row.coercion_state === 'done' ? true : undefined;
    });
    const found = (await rest.call('POST', '/tools/lookup', uid)).json as { ID: string; Type: string }[];
    const ids = [];
    for (const study of found.filter((r) => r.Type === 'Study')) {
      const detail = (await rest.call('GET', `/studies/${study.ID}`)).json as {
        PatientMainDicomTags: { PatientID: string };
      };
      ids.push(detail.PatientMainDicomTags.PatientID);
    }
    return ids;
  }

  async function auditSteps(studyId: string) {
    const rows = await services()
      .db.selectFrom('audit_events')
      .select(['details', 'username'])
      .where('event_name', '=', 'studyReconciled')
      .where('object_id', '=', studyId)
      .execute();
    return rows.map((row) => ({
      username: row.username,
      ...(JSON.parse(row.details) as { step?: string; before?: unknown; after?: unknown }),
    }));
  }

  it('lists an ambiguous study with its candidates, evidence and tag diff; confirming a candidate coerces it and takes it off the list', async () => {
    const { studyId, uid } = await importCd('MRN-W1', { name: 'WORK^ANNA', birthDate: '19750301', sex: 'F' });
    const patient = { mrn: 'MRN-W1', familyName: 'WORK', givenName: 'ANNA', birthDate: '19750301', sex: 'F' };
    await send({ controlId: 'W1-A', placer: 'PW1A', accession: 'ACC-W1A', patient });
    await send({ controlId: 'W1-B', placer: 'PW1B', accession: 'ACC-W1B', patient });

    const item = await waitFor('both candidates to be scored', async () => {
      const page = await radiology.get<WorklistPage>('/api/worklist?reason=ambiguous');
      const found = page.body.items.find((i) => i.studyId === studyId);
      return found !== undefined && found.candidateCount === 2 ? found : undefined;
    });
    expect(item.state).toBe('identified');

    const filtered = await radiology.get<WorklistPage>('/api/worklist?modality=MR');
    expect(filtered.body.items.some((i) => i.studyId === studyId)).toBe(false);

    const detail = (await radiology.get<ReconciliationDetail>(`/api/reconciliation/${studyId}`)).body;
    expect(detail.reason).toBe('ambiguous');
    expect(detail.media.patientId).toBe('EXT-1');
    expect(detail.proposed?.patientId).toBe('MRN-W1');
    expect(detail.candidates.map((c) => c.accessionNumber).sort()).toEqual(['ACC-W1A', 'ACC-W1B']);
    expect(detail.candidates[0]?.evidence.some((e) => e.field === 'procedureCode' && e.outcome === 'match')).toBe(true);
    expect(detail.diff).toEqual(
      expect.arrayContaining([
        { tag: '0010,0020', keyword: 'PatientID', before: 'EXT-1', after: 'MRN-W1' },
        { tag: '0010,0021', keyword: 'IssuerOfPatientID', before: 'ELSEWHERE', after: 'HOSP' },
      ]),
    );

    const chosen = detail.candidates.find((c) => c.accessionNumber === 'ACC-W1B');
    const confirmed = await radiology.post<ReconciliationDetail>(`/api/reconciliation/${studyId}`, {
      action: 'confirm',
      orderId: chosen?.orderId,
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.state).toBe('matched');
    expect(confirmed.body.resolution).toBe('confirmed');
    expect(confirmed.body.reason).toBeNull();
    const after = await radiology.get<WorklistPage>('/api/worklist?limit=500');
    expect(after.body.items.some((i) => i.studyId === studyId)).toBe(false);
    expect(await coercedPatientIds(uid)).toEqual(['MRN-W1']);

    const steps = await auditSteps(studyId);
    const confirm = steps.find((s) => s.step === 'confirmed');
    expect(confirm?.before).toEqual({ patientId: 'EXT-1', accessionNumber: 'SYNACC0001' });
    expect(confirm?.after).toEqual({ patientId: 'MRN-W1', issuer: 'HOSP', accessionNumber: 'ACC-W1B' });
    expect(confirm?.username).not.toBe('system:matcher');

    // A new order for the patient does not override a human decision.
    await send({ controlId: 'W1-C', placer: 'PW1C', accession: 'ACC-W1C', patient });
    await services().reconciler.runOnce();
    const still = (await radiology.get<ReconciliationDetail>(`/api/reconciliation/${studyId}`)).body;
    expect(still.resolution).toBe('confirmed');
    expect(still.proposed?.accessionNumber).toBe('ACC-W1B');
  });

  it('warns before using an MRN or accession no HL7 message mentioned, and takes them once the user accepts', async () => {
    const { studyId, uid } = await importCd(null, { name: 'NOBODY^KNOWN', birthDate: '19010101', sex: 'M' });
    const item = await onWorklist(studyId);
    expect(item.reason).toBe('no-patient-match');

    const warned = await radiology.post<{ error: { code: string; message: string } }>(
      `/api/reconciliation/${studyId}`,
      { action: 'manual', mrn: 'MRN-UNKNOWN', accessionNumber: 'ACC-NONE' },
    );
    expect(warned.status).toBe(409);
    expect(JSON.stringify(warned.body)).toContain('MRN MRN-UNKNOWN is not known from HL7');
    expect(JSON.stringify(warned.body)).toContain('accession ACC-NONE matches no order');

    const accepted = await radiology.post<ReconciliationDetail>(`/api/reconciliation/${studyId}`, {
      action: 'manual',
      mrn: 'MRN-UNKNOWN',
      accessionNumber: 'ACC-NONE',
      acceptUnknown: true,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.resolution).toBe('manual');
    expect(await coercedPatientIds(uid)).toEqual(['MRN-UNKNOWN']);
  });

  it('marks a study as reference only (patient, no order) and bulk-confirms only clear high scorers', async () => {
    const reference = await importCd('MRN-W3', { name: 'REF^ONLY', birthDate: '19600606', sex: 'F' });
    const refPatient = { mrn: 'MRN-W3', familyName: 'REF', givenName: 'ONLY', birthDate: '19600606', sex: 'F' };
    // An ordinary local order (no outside-study code) never clears the threshold by itself.
    await send({
      controlId: 'W3-A',
      placer: 'PW3A',
      accession: 'ACC-W3',
      procedureCode: 'CTCHEST',
      patient: refPatient,
    });
    await waitFor('the reference study to wait below threshold', async () => {
      const page = await radiology.get<WorklistPage>('/api/worklist?limit=500');
      const found = page.body.items.find((i) => i.studyId === reference.studyId);
      return found !== undefined && found.candidateCount === 1 ? found : undefined;
    });

    const bulk = await radiology.post<{ confirmed: string[]; skipped: { studyId: string; why: string }[] }>(
      '/api/worklist/bulk-confirm',
      { studyIds: [reference.studyId], minScore: 60 },
    );
    expect(bulk.body.confirmed).toEqual([]);
    expect(bulk.body.skipped[0]?.why).toContain('60');

    const marked = await radiology.post<ReconciliationDetail>(`/api/reconciliation/${reference.studyId}`, {
      action: 'reference-only',
      mrn: 'MRN-W3',
    });
    expect(marked.body.resolution).toBe('reference-only');
    expect(marked.body.matchedOrderId).toBeNull();
    expect(await coercedPatientIds(reference.uid)).toEqual(['MRN-W3']);

    const low = await radiology.post<{ confirmed: string[] }>('/api/worklist/bulk-confirm', {
      studyIds: [reference.studyId],
      minScore: 0,
    });
    expect(low.body.confirmed).toEqual([]);
  });

  it('is for radiology only, and audits reads of the worklist', async () => {
    const physician = await loggedIn(stack.sidecar, ['physician']);
    expect((await physician.get('/api/worklist')).status).toBe(403);
    const frontdesk = await loggedIn(stack.sidecar, ['frontdesk']);
    expect((await frontdesk.post('/api/worklist/bulk-confirm', { studyIds: ['x'] })).status).toBe(403);
    const reads = await services()
      .db.selectFrom('audit_events')
      .select('object_type')
      .where('event_name', '=', 'query')
      .where('object_type', '=', 'worklist')
      .execute();
    expect(reads.length).toBeGreaterThan(0);
  });
});
