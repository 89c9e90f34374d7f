import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningOrthanc } from '@outside/orthanc-config';
import { freePort } from '@outside/orthanc-config';
import { DomainError } from '../../plugin-server/src/domain/errors.ts';
import { OrthancClient } from '../../plugin-server/src/orthanc/orthanc-client.ts';
import { readFileSync } from 'node:fs';
import { pydicomFile } from '../support/pydicom-files.ts';
import { startOrthancForTest } from '../support/stack.ts';

describe('OrthancClient against a real Orthanc', () => {
  let orthanc: RunningOrthanc;
  let client: OrthancClient;

  beforeAll(async () => {
    orthanc = await startOrthancForTest();
    client = new OrthancClient({ url: orthanc.httpUrl, ...orthanc.credentials, timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await orthanc.stop();
  });

  it('uploads through the generated client and reads back through the hand-written routes', async () => {
    const result = await client.uploadInstance(readFileSync(pydicomFile('MR_small.dcm')));
    expect(result.Status).toBe('Success');
    const study = await client.study(result.ParentStudy);
    expect(study.MainDicomTags.StudyInstanceUID).toBe('1.3.6.1.4.1.5962.1.2.4.20040826185059.5457');
    const series = await client.studySeries(result.ParentStudy);
    expect(series[0]?.Instances).toEqual([result.ID]);
    expect((await client.changes(0, 10)).Changes.length).toBeGreaterThan(0);
    await client.deleteStudy(result.ParentStudy);
    expect(await client.studyIds()).toEqual([]);
  });

  it("maps a 404 to not_found with Orthanc's message", async () => {
    const error = await client.study('no-such-study').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('not_found');
  });

  it('maps a refused upload to orthanc_error carrying OrthancStatus', async () => {
    const error = await client.uploadInstance(new TextEncoder().encode('this is not DICOM')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('orthanc_error');
    expect((error as DomainError).message).toMatch(/Orthanc refused an uploaded instance \(HTTP 400/);
    expect((error as DomainError).details?.orthancStatus).toEqual(expect.any(Number));
  });

  it('maps wrong credentials to an error, not to data', async () => {
    const wrong = new OrthancClient({ url: orthanc.httpUrl, username: 'outside', password: 'wrong', timeoutMs: 5000 });
    await expect(wrong.system()).rejects.toMatchObject({ code: 'orthanc_error', details: { httpStatus: 401 } });
  });

  it('maps an unreachable Orthanc to orthanc_unavailable', async () => {
    const nowhere = new OrthancClient({
      url: `http://127.0.0.1:${await freePort()}`,
      username: 'x',
      password: 'y',
      timeoutMs: 5000,
    });
    await expect(nowhere.system()).rejects.toMatchObject({ code: 'orthanc_unavailable' });
  });
});
