import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeMessage, ormMessage, type TestOrder } from '../../hl7-bridge/src/testing/hl7-test-messages.ts';
import { makeSyntheticCd, type SyntheticCd } from '../fixtures/synthetic-media.ts';
import { orthancRest } from '../support/orthanc-rest.ts';
import { startStack, waitFor, type TestStack } from '../support/stack.ts';

// Issue #5 end to end with real parts: a CD imported through the importer, orders sent by
// python3-hl7's mllp_send, the matcher and the coercion worker inside the sidecar, and the
// result read back from the staging Orthanc (tags and the stored file through DCMTK dcmdump).

const run = promisify(execFile);
const ACTOR = { userId: null, username: 'test-frontdesk', sourceIp: null };

type Tags = Record<string, unknown>;

describe('reconciliation: match, coerce the IHE way, un-match, re-key', () => {
  let stack: TestStack;
  let scratch: string;
  let hl7Port = 0;
  let sent = 0;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'outside-reconcile-'));
    stack = await startStack({
      // The change feed runs too, as in production: it sees both sides of every coercion.
      followChanges: true,
      config: {
        import: { workDir: join(scratch, 'work') },
        matching: { outsideStudyImportCodes: ['XIMP'], dateWindowDays: 3650, localIssuer: 'HOSP' },
        coercion: { issuerOfAccessionNumber: 'HOSP-RIS', modifyingSystem: 'OUTSIDE-TEST' },
      },
    });
    hl7Port = stack.sidecar.services?.hl7?.address?.port ?? 0;
  });
  afterAll(async () => {
    await stack.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  function services() {
    const s = stack.sidecar.services;
    if (s === undefined) throw new Error('not started');
    return s;
  }
  const rest = () => orthancRest(stack.orthanc);

  async function mllpSend(message: string): Promise<void> {
    sent += 1;
    const file = join(scratch, `message-${sent}.hl7`);
    await writeFile(file, `\u000b${message}\u001c\r`, 'latin1');
    const result = await run('/usr/bin/mllp_send', ['--file', file, '--port', String(hl7Port), '127.0.0.1']);
    expect(result.stdout).toMatch(/MSA\|AA\|/);
  }

  async function importFolder(folder: string, mrn: string): Promise<string[]> {
    const importer = services().importer;
    const session = await importer.createSession({
      createdBy: { id: null, username: 'test-frontdesk' },
      department: 'radiology',
      sourceLabel: 'outside CD',
      sourceKind: 'folder',
      patient: { mrn },
    });
    await importer.importFolder(session.id, folder);
    return (await importer.finish(session.id, ACTOR)).warnings;
  }

  async function studyRow(uid: string) {
    return services()
      .db.selectFrom('studies')
      .selectAll()
      .where('study_instance_uid', '=', uid)
      .executeTakeFirstOrThrow();
  }

  async function orthancStudies(uid: string): Promise<string[]> {
    const found = (await rest().call('POST', '/tools/lookup', uid)).json as { ID: string; Type: string }[];
    return found.filter((r) => r.Type === 'Study').map((r) => r.ID);
  }

  async function instancesOf(uid: string): Promise<{ id: string; tags: Tags }[]> {
    const [studyId, ...others] = await orthancStudies(uid);
    expect(others).toEqual([]);
    const list = (await rest().call('GET', `/studies/${studyId}/instances`)).json as { ID: string }[];
    const result = [];
    for (const instance of list) {
      const tags = (await rest().call('GET', `/instances/${instance.ID}/tags?short`)).json as Tags;
      result.push({ id: instance.ID, tags });
    }
    return result;
  }

  function order(overrides: Partial<TestOrder> & Pick<TestOrder, 'controlId' | 'placer' | 'patient'>): string {
    return ormMessage({ procedureCode: 'XIMP', procedureText: 'OUTSIDE CT IMPORT', modality: 'CT', ...overrides });
  }

  async function twoPatientCd(
    name: string,
    mrnFor: string,
  ): Promise<{ folder: string; jane: SyntheticCd; other: SyntheticCd }> {
    const folder = join(scratch, name);
    await mkdir(folder);
    const jane = await makeSyntheticCd(join(folder, 'A'), {
      patient: { id: 'EXT-77', name: `DOE^JANE${mrnFor}`, birthDate: '19800115', sex: 'F', issuer: 'ST ELSEWHERE' },
      seriesPerStudy: 2,
      slicesPerSeries: 3,
      rows: 32,
      columns: 32,
      accessionNumber: 'OUT-ACC-1',
      institutionName: 'St Elsewhere Hospital',
      junk: false,
      dicomdir: false,
    });
    const other = await makeSyntheticCd(join(folder, 'B'), {
      patient: { id: 'EXT-77', name: 'ROE^RICHARD', birthDate: '19500505', sex: 'M', issuer: 'ST ELSEWHERE' },
      seriesPerStudy: 1,
      slicesPerSeries: 2,
      rows: 32,
      columns: 32,
      junk: false,
      dicomdir: false,
    });
    return { folder, jane, other };
  }

  it('matches an imported study to the ORM^O01 sent with mllp_send and coerces every instance per DESIGN section 4, leaving a stranger with the same outside Patient ID untouched', async () => {
    const { folder, jane, other } = await twoPatientCd('cd1', '1');
    await importFolder(folder, 'MRN-9001');
    const janeUid = jane.studies[0]?.StudyInstanceUID ?? '';
    const otherUid = other.studies[0]?.StudyInstanceUID ?? '';

    await mllpSend(
      order({
        controlId: 'REC-1',
        placer: 'PL-9001',
        accession: 'ACC-9001',
        patient: { mrn: 'MRN-9001', familyName: 'DOE', givenName: 'JANE1', birthDate: '19800115', sex: 'F' },
      }),
    );

    const coerced = await waitFor('the study to be matched and coerced', async () => {
      const row = await studyRow(janeUid);
      return row.coercion_state === 'done' ? row : undefined;
    });
    expect(coerced.state).toBe('matched');
    expect(coerced.resolution).toBe('auto');
    expect(coerced.local_accession_number).toBe('ACC-9001');

    const instances = await instancesOf(janeUid);
    expect(instances.map((i) => i.tags['0008,0018']).sort()).toEqual(
      jane.instances.map((i) => i.SOPInstanceUID).sort(),
    );
    const series = new Set(jane.instances.map((i) => i.SeriesInstanceUID));
    for (const { tags } of instances) {
      expect(tags['0020,000d']).toBe(janeUid);
      expect(series.has(String(tags['0020,000e']))).toBe(true);
      expect(tags['0010,0020']).toBe('MRN-9001');
      expect(tags['0010,0021']).toBe('HOSP');
      expect(tags['0010,0010']).toBe('DOE^JANE1');
      expect(tags['0010,0030']).toBe('19800115');
      expect(tags['0010,0040']).toBe('F');
      expect(tags['0008,0050']).toBe('ACC-9001');
      expect(tags['0008,0051']).toEqual([{ '0040,0031': 'HOSP-RIS' }]);
      expect(tags['0010,1002']).toEqual([{ '0010,0020': 'EXT-77', '0010,0021': 'ST ELSEWHERE', '0010,0022': 'TEXT' }]);
      const original = tags['0400,0561'] as Tags[];
      expect(original).toHaveLength(1);
      const item = original[0] ?? {};
      expect(item['0400,0565']).toBe('COERCE');
      expect(item['0400,0563']).toBe('OUTSIDE-TEST');
      expect(item['0400,0564']).toBe('St Elsewhere Hospital');
      expect(String(item['0400,0562'])).toMatch(/^\d{14}\.\d{6}$/);
      expect(tags['0008,0015']).toBe(item['0400,0562']);
      // Only the attributes whose value changed (the name was already the same).
      expect(item['0400,0550']).toEqual([
        {
          '0008,0050': 'OUT-ACC-1',
          '0010,0020': 'EXT-77',
          '0010,0021': 'ST ELSEWHERE',
        },
      ]);
    }

    // The stored file itself, read with DCMTK.
    const first = instances[0];
    if (first === undefined) throw new Error('no instance');
    const file = join(scratch, 'coerced.dcm');
    await writeFile(file, (await rest().raw('GET', `/instances/${first.id}/file`)).bytes);
    const dump = (await run('dcmdump', ['+P', '0400,0565', '+P', '0010,0020', '+P', '0008,0015', file])).stdout;
    expect(dump).toContain('[COERCE]');
    expect(dump).toContain('[MRN-9001]');
    expect(dump).toContain('[EXT-77]');

    // The other person on the same CD, same outside Patient ID: untouched, waiting for a human.
    const stranger = await instancesOf(otherUid);
    expect(stranger).toHaveLength(2);
    for (const { tags } of stranger) {
      expect(tags['0010,0020']).toBe('EXT-77');
      expect(tags['0010,0010']).toBe('ROE^RICHARD');
      expect(tags['0400,0561']).toBeUndefined();
    }
    const strangerRow = await studyRow(otherUid);
    expect(strangerRow.review_reason).not.toBeNull();
    expect(strangerRow.coercion_state).toBeNull();

    // The change feed's view: still one row per StudyInstanceUID, now pointing at the coerced study.
    const [coercedOrthancId] = await orthancStudies(janeUid);
    expect((await studyRow(janeUid)).orthanc_id).toBe(coercedOrthancId);
    const count = await services()
      .db.selectFrom('studies')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('study_instance_uid', '=', janeUid)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);

    // Audited: the automatic match and the coercion.
    const audit = await services()
      .db.selectFrom('audit_events')
      .select('details')
      .where('event_name', '=', 'studyReconciled')
      .where('object_id', '=', coerced.id)
      .execute();
    const steps = audit.map((row) => (JSON.parse(row.details) as { step: string }).step);
    expect(steps).toEqual(expect.arrayContaining(['auto-matched', 'coerced']));

    // A re-import of the same CD is recognised and folded in, not duplicated.
    const warnings = await importFolder(join(folder, 'A'), 'MRN-9001');
    expect(warnings).toContain(
      `Study ${janeUid} was imported and reconciled before: its instances are folded into the reconciled study, not duplicated.`,
    );
    await waitFor('the re-imported copy to be folded in', async () => {
      const studies = await orthancStudies(janeUid);
      const row = await studyRow(janeUid);
      return studies.length === 1 && row.coercion_state === 'done' ? true : undefined;
    });
    const again = await instancesOf(janeUid);
    expect(again).toHaveLength(jane.instances.length);
    expect(again.every(({ tags }) => tags['0010,0020'] === 'MRN-9001')).toBe(true);

    // The order is cancelled before archiving: un-matched, back on the worklist, identifiers restored.
    await mllpSend(
      order({
        controlId: 'REC-1-CA',
        placer: 'PL-9001',
        accession: 'ACC-9001',
        orderControl: 'CA',
        patient: { mrn: 'MRN-9001', familyName: 'DOE', givenName: 'JANE1', birthDate: '19800115', sex: 'F' },
      }),
    );
    const unmatched = await waitFor('the study to be un-matched and restored', async () => {
      const row = await studyRow(janeUid);
      return row.review_reason === 'order-cancelled' &&
        row.coercion_state === 'done' &&
        row.coerced_patient_id === 'EXT-77'
        ? row
        : undefined;
    });
    expect(unmatched.state).toBe('identified');
    expect(unmatched.matched_order_id).toBeNull();
    const restored = await instancesOf(janeUid);
    for (const { tags } of restored) {
      expect(tags['0010,0020']).toBe('EXT-77');
      expect(tags['0008,0050']).toBe('OUT-ACC-1');
      const history = tags['0400,0561'] as Tags[];
      expect(history.map((item) => item['0400,0565'])).toEqual(['COERCE', 'CORRECT']);
    }
  });

  it('re-keys a coerced study when ADT^A40 merges its MRN into another', async () => {
    const { folder, jane } = await twoPatientCd('cd2', '2');
    await importFolder(join(folder, 'A'), 'MRN-9100');
    const uid = jane.studies[0]?.StudyInstanceUID ?? '';
    await mllpSend(
      order({
        controlId: 'REC-2',
        placer: 'PL-9100',
        accession: 'ACC-9100',
        patient: { mrn: 'MRN-9100', familyName: 'DOE', givenName: 'JANE2', birthDate: '19800115', sex: 'F' },
      }),
    );
    await waitFor('the study to be coerced to MRN-9100', async () => {
      const row = await studyRow(uid);
      return row.coercion_state === 'done' && row.coerced_patient_id === 'MRN-9100' ? row : undefined;
    });
    await mllpSend(
      mergeMessage(
        'REC-2-A40',
        { mrn: 'MRN-9200', familyName: 'DOE', givenName: 'JANE2', birthDate: '19800115', sex: 'F' },
        'MRN-9100',
      ),
    );
    const rekeyed = await waitFor('the study to be re-keyed to MRN-9200', async () => {
      const row = await studyRow(uid);
      return row.coercion_state === 'done' && row.coerced_patient_id === 'MRN-9200' ? row : undefined;
    });
    expect(rekeyed.local_mrn).toBe('MRN-9200');
    expect(rekeyed.local_accession_number).toBe('ACC-9100');
    for (const { tags } of await instancesOf(uid)) {
      expect(tags['0010,0020']).toBe('MRN-9200');
      expect(tags['0008,0050']).toBe('ACC-9100');
      const others = (tags['0010,1002'] as Tags[]).map((item) => item['0010,0020']);
      expect(others).toEqual(['EXT-77', 'MRN-9100']);
    }
  });

  it('re-scores on an order change (XO) and rewrites the new accession in place, the Patient ID staying the same', async () => {
    const { folder, jane } = await twoPatientCd('cd3', '3');
    await importFolder(join(folder, 'A'), 'MRN-9300');
    const uid = jane.studies[0]?.StudyInstanceUID ?? '';
    const patient = { mrn: 'MRN-9300', familyName: 'DOE', givenName: 'JANE3', birthDate: '19800115', sex: 'F' };
    await mllpSend(order({ controlId: 'REC-3', placer: 'PL-9300', accession: 'ACC-9300', patient }));
    await waitFor('the first coercion', async () => {
      const row = await studyRow(uid);
      return row.coercion_state === 'done' && row.local_accession_number === 'ACC-9300' ? row : undefined;
    });
    await mllpSend(
      order({ controlId: 'REC-3-XO', placer: 'PL-9300', accession: 'ACC-9301', orderControl: 'XO', patient }),
    );
    const changed = await waitFor('the accession change to be coerced', async () => {
      const row = await studyRow(uid);
      return row.coercion_state === 'done' && row.local_accession_number === 'ACC-9301' ? row : undefined;
    });
    expect(changed.state).toBe('matched');
    const instances = await instancesOf(uid);
    expect(instances).toHaveLength(jane.instances.length);
    for (const { tags } of instances) {
      expect(tags['0010,0020']).toBe('MRN-9300');
      expect(tags['0008,0050']).toBe('ACC-9301');
      const history = tags['0400,0561'] as Tags[];
      expect(history).toHaveLength(2);
      expect(history[1]?.['0400,0550']).toEqual([{ '0008,0050': 'ACC-9300' }]);
    }
    // Nothing left in the spool: every rewritten instance was stored back.
    const spool = join(stack.dataDir, 'coercion-spool', changed.id);
    const left = await readdir(spool).catch(() => []);
    expect(left).toEqual([]);
  });
});
