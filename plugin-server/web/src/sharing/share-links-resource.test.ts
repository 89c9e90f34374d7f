import { describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../api/api-client.ts';
import {
  createShareLink,
  listShareLinks,
  openSharedStudy,
  revokePath,
  revokeShareLink,
  shareListPath,
  type ShareLink,
} from './share-links.resource.ts';

const LINK: ShareLink = {
  id: '0b6f7d5e-9f49-4b4f-8d1c-2f0a1f3c9e11',
  studyId: 'c2a1b0d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  studyInstanceUid: '1.2.3',
  studyDescription: 'CT CHEST',
  studyDate: '20240115',
  recipient: 'Dr. Ada Surgeon',
  purpose: 'surgical planning',
  hasPin: false,
  createdBy: 'physician-1',
  createdAt: '2024-03-01T10:00:00.000Z',
  expiresAt: '2024-03-08T10:00:00.000Z',
  revokedAt: null,
  revokedBy: null,
  status: 'active',
  useCount: 2,
  lastUsedAt: '2024-03-02T10:00:00.000Z',
};

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
    vi.spyOn(api, 'request').mockImplementation(async (_method, _path, schema) => schema.parse({ links: [LINK] }));
    expect(await listShareLinks(api, 'mine')).toEqual([LINK]);
    vi.spyOn(api, 'request').mockImplementation(async (_method, _path, schema) =>
      schema.parse({ links: [{ ...LINK, status: 'paused' }] }),
    );
    await expect(listShareLinks(api, 'all')).rejects.toThrow();
  });

  it('creates and revokes with POST', async () => {
    const api = new ApiClient();
    const post = vi
      .spyOn(api, 'post')
      .mockResolvedValueOnce({ link: LINK, url: 'https://x/share#t', expiresAt: LINK.expiresAt })
      .mockResolvedValueOnce({ ...LINK, status: 'revoked' });
    const body = { studyId: LINK.studyId, recipient: 'Dr. Ada Surgeon', purpose: 'planning', expiresInDays: 7 };
    expect((await createShareLink(api, body)).url).toBe('https://x/share#t');
    expect(post.mock.calls[0]?.[0]).toBe('/api/shares');
    expect(post.mock.calls[0]?.[2]).toEqual(body);
    expect((await revokeShareLink(api, LINK.id)).status).toBe('revoked');
    expect(post.mock.calls[1]?.[0]).toBe(`/api/shares/${LINK.id}/revoke`);
  });

  it('opens a shared study without telling the app about a 401, the PIN only when there is one', async () => {
    const api = new ApiClient();
    const request = vi
      .spyOn(api, 'request')
      .mockImplementation(async (_method, _path, schema) =>
        schema.parse({ viewerUrl: '/viewer/outside-shared?StudyInstanceUIDs=1.2.3', expiresAt: LINK.expiresAt }),
      );
    await openSharedStudy(api, 'token', undefined);
    await openSharedStudy(api, 'token', '0042');
    expect(request.mock.calls.map((call) => [call[0], call[1], call[3]])).toEqual([
      ['POST', '/api/share/open', { body: { token: 'token' }, notifyOn401: false }],
      ['POST', '/api/share/open', { body: { token: 'token', pin: '0042' }, notifyOn401: false }],
    ]);
  });
});
