import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningOrthanc } from '@outside/orthanc-config';
import { makeSyntheticCd } from '../fixtures/synthetic-media.ts';
import { buildZip, folderEntries } from '../fixtures/zip-writer.ts';
import { orthancRest } from '../support/orthanc-rest.ts';
import { PYDICOM_TEST_FILES } from '../support/pydicom-files.ts';
import { servicesOf, startOrthancForTest, startStack, type TestStack } from '../support/stack.ts';
import { loggedIn } from '../support/users.ts';
import type { ApiSession } from '../support/http-session.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'plugin-server', 'src', 'cli.js');
const actor = { userId: null, username: 'test', sourceIp: null };

interface Counts {
  files: number;
  stored: number;
  alreadyStored: number;
  duplicateOnMedia: number;
  notDicom: number;
  corrupt: number;
  rejected: number;
}

describe('media import into a real Orthanc', () => {
  let orthanc: RunningOrthanc;
  let stack: TestStack;
  let scratch: string;

  beforeAll(async () => {
    orthanc = await startOrthancForTest();
    scratch = await mkdtemp(join(tmpdir(), 'outside-import-test-'));
  });
  afterAll(async () => {
    await orthanc.stop();
    await rm(scratch, { recursive: true, force: true });
  });
  beforeEach(async () => {
    const rest = orthancRest(orthanc);
    for (const id of await rest.studyIds()) await rest.call('DELETE', `/studies/${id}`);
    stack = await startStack({ orthanc, config: { import: { workDir: join(scratch, 'work') } } });
    return () => stack.stop();
  });

  function importer() {
    const services = stack.sidecar.services;
    if (services === undefined) throw new Error('not started');
    return services.importer;
  }

  it("imports pydicom's dicomdirtests folder with the counts its DICOMDIRs declare", async () => {
    const session = await importer().createSession({
      createdBy: { id: null, username: 'test' },
      department: 'radiology',
      sourceLabel: 'dicomdirtests',
      sourceKind: 'folder',
      patient: {},
    });
    await importer().importFolder(session.id, join(PYDICOM_TEST_FILES, 'dicomdirtests'), { recordDicomdir: true });
    const finished = await importer().finish(session.id, actor);
    // DICOMDIR: 2 patients, 6 studies, 31 images; TINY_ALPHA/DICOMDIR: 1 study of 50 images.
    expect(finished.studies).toHaveLength(7);
    expect(new Set(finished.studies.map((study) => study.patientId)).size).toBe(3);
    expect(finished.counts.stored).toBe(81);
    expect(finished.counts.rejected + finished.counts.corrupt).toBe(0);
    const index = await importer().sessions.mediaIndex(session.id);
    const main = index?.dicomdirs.find((dicomdir) => dicomdir.path === 'DICOMDIR');
    expect(main?.declared).toEqual({ patients: 2, studies: 6, series: 13, instances: 31 });
    expect(index?.dicomdirs.find((dicomdir) => dicomdir.path === 'TINY_ALPHA/DICOMDIR')?.declared?.instances).toBe(50);
    expect(index?.clean).toBe(true);
    const statistics = (await orthancRest(orthanc).call('GET', '/statistics')).json as {
      CountInstances: number;
      CountStudies: number;
    };
    expect(statistics).toMatchObject({ CountInstances: 81, CountStudies: 7 });
    // Imported studies are ready as soon as the import finishes, without waiting for StableAge.
    const states = await stack.sidecar.services?.db.selectFrom('studies').select('state').execute();
    expect(states?.every((row) => row.state === 'ready')).toBe(true);
  });

  it("gives every file of pydicom's messy test folder an outcome, and one bad file never stops the rest", async () => {
    const session = await importer().createSession({
      createdBy: { id: null, username: 'test' },
      department: 'radiology',
      sourceLabel: 'messy',
      sourceKind: 'folder',
      patient: {},
    });
    await importer().importFolder(session.id, PYDICOM_TEST_FILES);
    const finished = await importer().finish(session.id, actor);
    const files = await importer().sessions.files(session.id);
    const outcome = (path: string) => files.find((file) => file.path === path)?.outcome;
    expect(outcome('CT_small.dcm')).toBe('stored');
    expect(outcome('rtplan.dcm')).toBe('stored');
    // pydicom keeps one instance in several encodings: all but the first are duplicates on the media.
    expect(files.filter((file) => file.path.startsWith('MR_small') && file.outcome === 'stored')).toHaveLength(1);
    expect(outcome('MR_small_RLE.dcm')).toMatch(/stored|duplicate-on-media/);
    expect(outcome('MR_truncated.dcm')).toBe('corrupt');
    expect(outcome('rtplan_truncated.dcm')).toBe('corrupt');
    expect(outcome('README.txt')).toBe('not-dicom');
    expect(outcome('test1.json')).toBe('not-dicom');
    const counts: Counts = finished.counts;
    expect(counts.stored).toBeGreaterThan(40);
    expect(counts.duplicateOnMedia).toBeGreaterThan(5);
    expect(counts.files).toBe(files.length);
    // Every file is accounted for exactly once.
    expect(
      counts.stored +
        counts.alreadyStored +
        counts.duplicateOnMedia +
        counts.notDicom +
        counts.corrupt +
        counts.rejected,
    ).toBe(counts.files);
    for (const file of files.filter((f) => f.outcome === 'corrupt' || f.outcome === 'rejected')) {
      expect(file.reason, file.path).toBeTruthy();
    }
    const statistics = (await orthancRest(orthanc).call('GET', '/statistics')).json as { CountInstances: number };
    expect(statistics.CountInstances).toBe(counts.stored);
    // The importer reads each file once into buffers it reuses for the next files (of every size
    // here, compressed or not): what Orthanc stored must be each file, byte for byte.
    const stored = await servicesOf(stack)
      .db.selectFrom('import_files')
      .select(['relative_path', 'orthanc_instance_id'])
      .where('import_id', '=', session.id)
      .where('outcome', '=', 'stored')
      .execute();
    expect(stored).toHaveLength(counts.stored);
    for (const row of stored) {
      const kept = await orthancRest(orthanc).raw('GET', `/instances/${row.orthanc_instance_id ?? ''}/file`);
      expect(
        Buffer.from(kept.bytes).equals(await readFile(join(PYDICOM_TEST_FILES, row.relative_path))),
        row.relative_path,
      ).toBe(true);
    }
  });

  it('imports a synthetic CD with `outside import`, reports a re-import as already stored, and exits 0', async () => {
    const cd = await makeSyntheticCd(join(scratch, 'cd-cli'), { slicesPerSeries: 120, rows: 128, columns: 128 });
    const env = {
      ...process.env,
      OUTSIDE_DATABASE_SQLITE_PATH: stack.databasePath,
      OUTSIDE_ORTHANC_URL: orthanc.httpUrl,
      OUTSIDE_ORTHANC_USERNAME: orthanc.credentials.username,
      OUTSIDE_ORTHANC_PASSWORD: orthanc.credentials.password,
      OUTSIDE_IMPORT_WORK_DIR: join(scratch, 'work'),
    };
    const first = await run(
      process.execPath,
      [cli, 'import', cd.root, '--mrn', 'LOCAL123', '--department', 'radiology'],
      { env },
    );
    expect(first.stdout).toMatch(/stored\s+120\b/);
    expect(first.stdout).toMatch(new RegExp(`not DICOM\\s+${cd.junkFiles.length + 1}\\b`));
    expect(first.stdout).toMatch(/studies\s+1\b/);
    // The stack's sidecar is running: the command hands the import to it over the control socket
    // beside the database, so its own (here unusable) Orthanc settings do not matter.
    const second = await run(process.execPath, [cli, 'import', cd.root], {
      env: { ...env, OUTSIDE_ORTHANC_URL: 'http://127.0.0.1:9' },
    });
    expect(second.stdout).toMatch(/already stored\s+120\b/);
    const statistics = (await orthancRest(orthanc).call('GET', '/statistics')).json as { CountInstances: number };
    expect(statistics.CountInstances).toBe(120);
    const imports = await importer().sessions.list(10);
    expect(imports[1]?.patient.mrn).toBe('LOCAL123');
    expect(imports[1]?.studies[0]?.StudyInstanceUID).toBe(cd.studies[0]?.StudyInstanceUID);
  });

  it('exits non-zero from `outside import` run in its own process when a DICOM file could not be stored', async () => {
    const env = {
      ...process.env,
      OUTSIDE_DATABASE_SQLITE_PATH: stack.databasePath,
      OUTSIDE_ORTHANC_URL: orthanc.httpUrl,
      OUTSIDE_ORTHANC_USERNAME: orthanc.credentials.username,
      OUTSIDE_ORTHANC_PASSWORD: orthanc.credentials.password,
      // Without the control socket the command imports in its own process.
      OUTSIDE_IMPORT_CONTROL_SOCKET: 'off',
    };
    const failed = await run(process.execPath, [cli, 'import', PYDICOM_TEST_FILES], { env }).catch(
      (error: unknown) => error as { code: number; stdout: string },
    );
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stdout: string }).stdout).toMatch(/corrupt: MR_truncated\.dcm/);
  });

  describe('over HTTP', () => {
    let frontdesk: ApiSession;
    beforeEach(async () => {
      frontdesk = await loggedIn(stack.sidecar, ['frontdesk']);
    });

    async function createImport(patient: Record<string, string> = {}) {
      const created = await frontdesk.request<{ import: { id: string } }>('POST', '/api/imports', {
        department: 'cardiology',
        sourceLabel: 'test',
        patient,
      });
      expect(created.status).toBe(201);
      return created.body.import.id;
    }

    async function uploadMultipart(id: string, root: string, paths: string[]) {
      const form = new FormData();
      for (const path of paths) {
        const { readFile } = await import('node:fs/promises');
        form.append('file', new Blob([await readFile(join(root, path))]), path);
      }
      return frontdesk.raw('POST', `/api/imports/${id}/files`, form);
    }

    it('uploads a folder in multipart batches, streams progress and reports every file', async () => {
      const cd = await makeSyntheticCd(join(scratch, 'cd-http'), { slicesPerSeries: 40, rows: 64, columns: 64 });
      const id = await createImport({ mrn: 'MRN-77', name: 'Someone Else', birthDate: cd.patient.birthDate });
      const events = frontdesk.events(`/api/imports/${id}/events`);
      const all = [...cd.instances.map((i) => i.path), ...cd.junkFiles, 'DICOMDIR'];
      const batch1 = await uploadMultipart(id, cd.root, all.slice(0, 25));
      expect(batch1.status).toBe(200);
      expect((batch1.body as { received: number }).received).toBe(25);
      const batch2 = await uploadMultipart(id, cd.root, all.slice(25));
      expect(batch2.status).toBe(200);
      const finished = await frontdesk.request<{
        import: { counts: Counts; studies: unknown[]; warnings: string[]; state: string };
      }>('POST', `/api/imports/${id}/finish`);
      expect(finished.status).toBe(200);
      expect(finished.body.import.state).toBe('finished');
      expect(finished.body.import.counts).toMatchObject({
        stored: 40,
        notDicom: cd.junkFiles.length + 1,
        corrupt: 0,
        rejected: 0,
      });
      expect(finished.body.import.studies).toHaveLength(1);
      expect(finished.body.import.warnings.join(' ')).toMatch(/name entered does not match/);
      const received = await events.until('finished');
      expect(received.some((event) => event.event === 'progress')).toBe(true);
      const report = await frontdesk.get(`/api/imports/${id}`);
      expect((report.body as { files: unknown[] }).files).toHaveLength(all.length);
    });

    it('uploads one zip; refuses zip-slip paths and zip bombs with a 4xx, storing nothing', async () => {
      const cd = await makeSyntheticCd(join(scratch, 'cd-zip'), { slicesPerSeries: 10, rows: 64, columns: 64 });
      const good = buildZip(await folderEntries(cd.root));
      const id = await createImport();
      const accepted = await frontdesk.raw('POST', `/api/imports/${id}/zip`, good, 'application/zip');
      expect(accepted.status).toBe(200);
      expect(
        (accepted.body as { outcomes: { outcome: string }[] }).outcomes.filter((o) => o.outcome === 'stored'),
      ).toHaveLength(10);

      const rest = orthancRest(orthanc);
      const before = ((await rest.call('GET', '/statistics')).json as { CountInstances: number }).CountInstances;
      const slip = buildZip([
        { name: 'ok/IM1', data: new Uint8Array(10) },
        { name: '../../etc/evil', data: new Uint8Array(10) },
      ]);
      const slipId = await createImport();
      const refusedSlip = await frontdesk.raw('POST', `/api/imports/${slipId}/zip`, slip, 'application/zip');
      expect(refusedSlip.status).toBe(400);
      expect(JSON.stringify(refusedSlip.body)).toMatch(/zip refused/);

      const bomb = buildZip([{ name: 'bomb.bin', data: new Uint8Array(200 * 1024 * 1024), method: 'deflate' }]);
      const bombId = await createImport();
      const refusedBomb = await frontdesk.raw('POST', `/api/imports/${bombId}/zip`, bomb, 'application/zip');
      expect(refusedBomb.status).toBe(413);
      const after = ((await rest.call('GET', '/statistics')).json as { CountInstances: number }).CountInstances;
      expect(after).toBe(before);
    });

    it('refuses upload paths that try to leave the upload, and files over the size limit', async () => {
      const id = await createImport();
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(10)]), '../escape');
      const refused = await frontdesk.raw('POST', `/api/imports/${id}/files`, form);
      expect(refused.status).toBe(400);

      const small = await startStack({
        orthanc,
        config: { import: { workDir: join(scratch, 'work-small'), maxFileBytes: 1000 } },
      });
      try {
        const user = await loggedIn(small.sidecar, ['frontdesk']);
        const created = await user.request<{ import: { id: string } }>('POST', '/api/imports', {
          department: 'radiology',
        });
        const big = new FormData();
        big.append('file', new Blob([new Uint8Array(5000)]), 'CD/BIG');
        const tooBig = await user.raw('POST', `/api/imports/${created.body.import.id}/files`, big);
        expect(tooBig.status).toBe(413);
        expect(JSON.stringify(tooBig.body)).toMatch(/single-file size limit/);
      } finally {
        await small.stop();
      }
    });

    it('refuses another role and an unknown import', async () => {
      const admin = await loggedIn(stack.sidecar, ['admin']);
      expect((await admin.request('POST', '/api/imports', { department: 'x' })).status).toBe(403);
      expect((await frontdesk.get('/api/imports/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    });
  });

  it('writes a zip that fits in memory for the refusal tests', async () => {
    // Guards the assumption above: the bomb zip is small on the wire and large when inflated.
    const bomb = buildZip([{ name: 'bomb.bin', data: new Uint8Array(50 * 1024 * 1024), method: 'deflate' }]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await writeFile(join(scratch, 'bomb.zip'), bomb);
  });
});
