import { describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../api/api-client.ts';
import {
  createShareLink,
  listShareLinks,
  openSharedStudy,
  revokePath,
  revokeShareLink,
  shareListPath,
} from './share-links.resource.ts';
import { SHARE_LINK } from './sharing-fixtures.ts';

describe('share links resource', () => {
  it.each([
    [shareListPath('mine'), '/api/shares?scope=mine'],
    [shareListPath('all'), '/api/shares?scope=all'],
    [revokePath('a/b'), '/api/shares/a%2Fb/revoke'],
  ])('asks for %s', (path, expected) => {
    expect(path).toBe(expected);
  });

  it('lists links and refuses an unknown status', async () => {
    const api = new ApiClient();
    vi.spyOn(api, 'request').mockImplementation(async (_method, _path, schema) =>
      schema.parse({ links: [SHARE_LINK] }),
    );
    expect(await listShareLinks(api, 'mine')).toEqual([SHARE_LINK]);
    vi.spyOn(api, 'request').mockImplementation(async (_method, _path, schema) =>
      schema.parse({ links: [{ ...SHARE_LINK, status: 'paused' }] }),
    );
    await expect(listShareLinks(api, 'all')).rejects.toThrow();
  });

  it('creates and revokes with POST', async () => {
    const api = new ApiClient();
    const post = vi
      .spyOn(api, 'post')
      .mockResolvedValueOnce({ link: SHARE_LINK, url: 'https://x/share#t', expiresAt: SHARE_LINK.expiresAt })
      .mockResolvedValueOnce({ ...SHARE_LINK, status: 'revoked' });
    const body = { studyId: SHARE_LINK.studyId, recipient: 'Dr. Ada Surgeon', purpose: 'planning', expiresInDays: 7 };
    expect((await createShareLink(api, body)).url).toBe('https://x/share#t');
    expect(post.mock.calls[0]?.[0]).toBe('/api/shares');
    expect(post.mock.calls[0]?.[2]).toEqual(body);
    expect((await revokeShareLink(api, SHARE_LINK.id)).status).toBe('revoked');
    expect(post.mock.calls[1]?.[0]).toBe(`/api/shares/${SHARE_LINK.id}/revoke`);
  });

  it('opens a shared study without telling the app about a 401, the PIN only when there is one', async () => {
    const api = new ApiClient();
    const request = vi
      .spyOn(api, 'request')
      .mockImplementation(async (_method, _path, schema) =>
        schema.parse({ viewerUrl: '/viewer/outside-shared?StudyInstanceUIDs=1.2.3', expiresAt: SHARE_LINK.expiresAt }),
      );
    await openSharedStudy(api, 'token', undefined);
    await openSharedStudy(api, 'token', '0042');
    expect(request.mock.calls.map((call) => [call[0], call[1], call[3]])).toEqual([
      ['POST', '/api/share/open', { body: { token: 'token' }, notifyOn401: false }],
      ['POST', '/api/share/open', { body: { token: 'token', pin: '0042' }, notifyOn401: false }],
    ]);
  });
});
