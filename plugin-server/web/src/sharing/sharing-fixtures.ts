import type { ShareLink } from './share-links.resource.ts';

/** An active share link of a CT CHEST study, used twice, as the API lists it. */
export const SHARE_LINK: ShareLink = {
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
