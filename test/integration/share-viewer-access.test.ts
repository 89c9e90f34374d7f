// What a share link's recipient can reach through the DICOMweb proxy: the one study, nothing else,
// and nothing at all once the link is revoked, even with the viewer already open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUid, syntheticInstance } from '../fixtures/synthetic-dicom.ts';
import { orthancRest } from '../support/orthanc-rest.ts';
import { catchUpChanges, startStack, type TestStack } from '../support/stack.ts';
import { loggedIn } from '../support/users.ts';

const PROXY = '/viewer/dicom-web';

describe('a share recipient through the DICOMweb proxy', () => {
  let stack: TestStack;
  const shared = { study: makeUid(), series: makeUid() };
  const other = { study: makeUid(), series: makeUid() };

  beforeAll(async () => {
    stack = await startStack();
    const rest = orthancRest(stack.orthanc);
    for (const study of [shared, other]) {
      for (let slice = 0; slice < 2; slice += 1) {
        const instance = syntheticInstance({
          studyInstanceUID: study.study,
          seriesInstanceUID: study.series,
          sliceIndex: slice,
          rows: 16,
          columns: 16,
        });
        expect((await rest.call('POST', '/instances', new Uint8Array(instance.bytes))).status).toBe(200);
      }
    }
    await catchUpChanges(stack);
  });
  afterAll(async () => {
    await stack.stop();
  });

  async function studyId(uid: string): Promise<string> {
    const row = await stack.sidecar.services?.db
      .selectFrom('studies')
      .select('id')
      .where('study_instance_uid', '=', uid)
      .executeTakeFirstOrThrow();
    return row?.id ?? '';
  }

  function get(path: string, cookie: string) {
    return fetch(`${stack.sidecar.url}${PROXY}${path}`, { headers: { cookie, accept: 'application/dicom+json' } });
  }

  it('sees its one study, cannot reach another by its UID, and is cut off by revocation', async () => {
    const physician = await loggedIn(stack.sidecar, ['physician']);
    const created = await physician.post<{ link: { id: string }; url: string }>('/api/shares', {
      studyId: await studyId(shared.study),
      recipient: 'Dr. Referrer',
      purpose: 'second opinion',
    });
    expect(created.status).toBe(201);
    const token = created.body.url.split('#')[1] ?? '';

    const opened = await fetch(`${stack.sidecar.url}/api/share/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(opened.status).toBe(200);
    const cookie = (opened.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';

    const list = await get('/studies', cookie);
    expect(list.status).toBe(200);
    const studies = (await list.json()) as { '0020000D': { Value: string[] } }[];
    expect(studies.map((study) => study['0020000D'].Value[0])).toEqual([shared.study]);

    expect((await get(`/studies/${shared.study}/series/${shared.series}/metadata`, cookie)).status).toBe(200);
    expect((await get(`/studies/${other.study}/series`, cookie)).status).toBe(403);
    expect((await get(`/studies/${other.study}/series/${other.series}/metadata`, cookie)).status).toBe(403);
    const series = (await (await get('/series', cookie)).json()) as { '0020000D': { Value: string[] } }[];
    expect(new Set(series.map((s) => s['0020000D'].Value[0]))).toEqual(new Set([shared.study]));

    // The share cookie is no login: the API refuses it.
    const api = await fetch(`${stack.sidecar.url}/api/studies`, { headers: { cookie } });
    expect(api.status).toBe(401);

    expect((await physician.post(`/api/shares/${created.body.link.id}/revoke`, {})).status).toBe(200);
    expect((await get(`/studies/${shared.study}/series/${shared.series}/metadata`, cookie)).status).toBe(401);

    const opens = await stack.sidecar.services?.db
      .selectFrom('audit_events')
      .select(['event_name', 'username'])
      .where('username', '=', `share:${created.body.link.id}`)
      .orderBy('seq')
      .execute();
    expect(opens?.map((event) => event.event_name)).toEqual(
      expect.arrayContaining(['instancesAccessed', 'query', 'securityAlert']),
    );
  });
});
