import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startOrthanc, type RunningOrthanc } from '@outside/orthanc-config';
import { OrthancClient } from '@outside/plugin-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFailure, deliverStudy } from '../../plugin-server/src/routing/deliver-study.ts';
import { makeUid, syntheticInstance } from '../fixtures/synthetic-dicom.ts';
import { orthancRest } from '../support/orthanc-rest.ts';
import { startOrthancForTest, waitFor } from '../support/stack.ts';

// One delivery attempt against real DICOM peers: a PACS Orthanc (C-FIND and C-STORE) and DCMTK's
// storescp (C-STORE only). What the destination already holds is not sent again; a Study UID held
// under another Patient ID stops the delivery; pixel data arrives byte-identical.

function client(orthanc: RunningOrthanc): OrthancClient {
  return new OrthancClient({
    url: orthanc.httpUrl,
    username: orthanc.credentials.username,
    password: orthanc.credentials.password,
    timeoutMs: 60_000,
  });
}

describe('delivering a study to a DICOM destination', () => {
  let staging: RunningOrthanc;
  let pacs: RunningOrthanc;
  let storescp: ChildProcess | undefined;
  let storescpDir: string;
  let storescpPort: number;

  beforeAll(async () => {
    [staging, pacs] = await Promise.all([
      startOrthancForTest(),
      startOrthanc({ profile: 'pacs-radiology', overrides: { TcpNoDelay: true } }),
    ]);
    await client(staging).putModality('radiology-pacs', { AET: pacs.aet, Host: '127.0.0.1', Port: pacs.dicomPort });
    storescpDir = mkdtempSync(join(tmpdir(), 'outside-storescp-'));
    storescpPort = await freePort();
    storescp = spawn('storescp', ['--output-directory', storescpDir, '--aetitle', 'STORESCP', String(storescpPort)], {
      env: { ...process.env, TCP_NODELAY: '1' },
      stdio: 'ignore',
    });
    await client(staging).putModality('storescp', { AET: 'STORESCP', Host: '127.0.0.1', Port: storescpPort });
    await waitFor('storescp to answer C-ECHO', async () => {
      try {
        await client(staging).echoModality('storescp', 2);
        return true;
      } catch {
        return undefined;
      }
    });
  });
  afterAll(async () => {
    storescp?.kill('SIGTERM');
    await Promise.all([staging.stop(), pacs.stop()]);
    rmSync(storescpDir, { recursive: true, force: true });
  });

  async function stage(patientId: string, count: number, target: RunningOrthanc = staging) {
    const uid = makeUid();
    const series = makeUid();
    const instances = [];
    let orthancStudyId = '';
    for (let i = 0; i < count; i++) {
      const instance = syntheticInstance({
        patient: { id: patientId, name: 'ROUTE^TEST' },
        studyInstanceUID: uid,
        seriesInstanceUID: series,
        instanceNumber: i + 1,
        sliceIndex: i,
        rows: 32,
        columns: 32,
      });
      orthancStudyId = (await client(target).uploadInstance(new Uint8Array(instance.bytes))).ParentStudy;
      instances.push(instance);
    }
    return { uid, orthancStudyId, instances, patientId };
  }

  /** What deliverStudy needs to send a study staged by stage() to `modality`. */
  function delivery(study: Awaited<ReturnType<typeof stage>>, modality = 'radiology-pacs') {
    return {
      orthanc: client(staging),
      modality,
      orthancStudyId: study.orthancStudyId,
      StudyInstanceUID: study.uid,
      patientId: study.patientId,
    };
  }

  async function pixelDigests(orthanc: RunningOrthanc, uid: string): Promise<Map<string, string>> {
    const rest = orthancRest(orthanc);
    const digests = new Map<string, string>();
    const found = (await rest.call('POST', '/tools/lookup', uid)).json as { ID: string; Type: string }[];
    for (const study of found.filter((r) => r.Type === 'Study')) {
      const list = (await rest.call('GET', `/studies/${study.ID}/instances`)).json as {
        ID: string;
        MainDicomTags: { SOPInstanceUID: string };
      }[];
      for (const instance of list) {
        const pixels = (await rest.raw('GET', `/instances/${instance.ID}/content/7fe0-0010`)).bytes;
        digests.set(instance.MainDicomTags.SOPInstanceUID, createHash('sha256').update(pixels).digest('hex'));
      }
    }
    return digests;
  }

  it('sends a study to a PACS, verifies it by C-FIND, and the pixel data arrives byte-identical', async () => {
    const study = await stage('MRN-R1', 12);
    const progress: number[] = [];
    const outcome = await deliverStudy({
      ...delivery(study),
      onProgress: async (sent) => {
        progress.push(sent);
      },
    });
    expect(outcome).toEqual({ kind: 'verified', sent: 12, held: 12, verification: 'c-find' });
    expect(progress).toEqual([12]);
    expect(await pixelDigests(pacs, study.uid)).toEqual(await pixelDigests(staging, study.uid));
  });

  it('sends only what the destination does not hold yet', async () => {
    const study = await stage('MRN-R2', 10);
    for (const instance of study.instances.slice(0, 5)) {
      await client(pacs).uploadInstance(new Uint8Array(instance.bytes));
    }
    const outcome = await deliverStudy(delivery(study));
    expect(outcome).toEqual({ kind: 'verified', sent: 5, held: 10, verification: 'c-find' });
  });

  it('sends nothing when the destination holds the Study UID under another Patient ID', async () => {
    const study = await stage('MRN-R3', 3);
    const uidOnly = syntheticInstance({
      patient: { id: 'SOMEONE-ELSE' },
      studyInstanceUID: study.uid,
      rows: 16,
      columns: 16,
    });
    await client(pacs).uploadInstance(new Uint8Array(uidOnly.bytes));
    const outcome = await deliverStudy(delivery(study));
    expect(outcome.kind).toBe('conflict');
    expect((await pixelDigests(pacs, study.uid)).size).toBe(1);
  });

  it('delivers to DCMTK storescp, which cannot be queried, on the strength of the C-STORE statuses', async () => {
    const study = await stage('MRN-R4', 4);
    const outcome = await deliverStudy(delivery(study, 'storescp'));
    expect(outcome).toEqual({ kind: 'verified', sent: 4, held: 4, verification: 'c-store-status' });
    expect(readdirSync(storescpDir)).toHaveLength(4);
  });

  it('retries when the destination is unreachable, and classifies DIMSE refusals as final', async () => {
    const study = await stage('MRN-R5', 2);
    await client(staging).putModality('nowhere', { AET: 'NOWHERE', Host: '127.0.0.1', Port: await freePort() });
    const outcome = await deliverStudy(delivery(study, 'nowhere'));
    expect(outcome.kind).toBe('retry');
    expect(classifyFailure('C-STORE failed with DIMSE status 0xA700')).toBe('retry');
    expect(classifyFailure('C-STORE failed with DIMSE status 0x0122')).toBe('refused');
    expect(classifyFailure('C-STORE failed with DIMSE status 0xA900')).toBe('refused');
    expect(classifyFailure('DicomAssociation - connection refused')).toBe('retry');
    expect(classifyFailure('Not implemented yet: Cannot transcode from 1.2.840.10008.1.2.1 to one of [ ]')).toBe(
      'refused',
    );
  });

  it('confirms delivery with storage commitment where the destination offers it, and retries when no report comes', async () => {
    const study = await stage('MRN-R6', 3);
    const input = {
      ...delivery(study),
      storageCommitment: true,
      commitmentTimeoutMs: 1500,
    };
    // The PACS does not know our AE yet: it refuses the commitment request; worth a retry.
    const unanswered = await deliverStudy(input);
    expect(unanswered.kind).toBe('retry');
    expect(unanswered.kind === 'retry' ? unanswered.message : '').toMatch(/storage commitment/i);

    const other = await stage('MRN-R7', 3);
    await client(pacs).putModality('staging', { AET: staging.aet, Host: '127.0.0.1', Port: staging.dicomPort });
    const committed = await deliverStudy({
      ...input,
      ...delivery(other),
      commitmentTimeoutMs: 30_000,
    });
    expect(committed).toEqual({ kind: 'verified', sent: 3, held: 3, verification: 'storage-commitment' });
  });
});
