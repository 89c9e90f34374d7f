import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openSqlite, type OpenDatabase } from '../db/database.ts';
import { insertStudy } from '../routing/routing-fixtures.ts';
import { StudyAccess, candidateUids } from './study-access.ts';
import type { ViewerPrincipal } from './viewer-principal.ts';

const user: ViewerPrincipal = {
  kind: 'user',
  session: {
    user: { id: 'u1', username: 'doc', displayName: 'Doc', roles: ['physician'], disabled: false },
    csrfToken: 'x',
    expiresAt: '2999-01-01T00:00:00.000Z',
  },
};
const share: ViewerPrincipal = {
  kind: 'share',
  shareId: 'sh1',
  studyInstanceUid: '1.2',
  expiresAt: '2999-01-01T00:00:00.000Z',
};

describe('study access', () => {
  let database: OpenDatabase;
  let access: StudyAccess;

  beforeEach(async () => {
    database = openSqlite(':memory:');
    await migrateToLatest(database);
    access = new StudyAccess(database.db);
    await insertStudy(database.db, { id: 'a', uid: '1.1', state: 'ready' });
    await insertStudy(database.db, { id: 'b', uid: '1.2', state: 'queued' });
    await insertStudy(database.db, { id: 'c', uid: '1.3', state: 'purged' });
  });
  afterEach(async () => {
    await database.close();
  });

  it('shows a user every known study that is not purged', async () => {
    const visible = await access.visible(user, ['1.1', '1.2', '1.3', '9.9', '1.1']);
    expect([...visible.values()]).toEqual([
      { id: 'a', studyInstanceUid: '1.1', state: 'ready' },
      { id: 'b', studyInstanceUid: '1.2', state: 'queued' },
    ]);
    expect(await access.one(user, '1.3')).toBeUndefined();
    expect(await access.one(user, '9.9')).toBeUndefined();
  });

  it('shows a share recipient its one study only', async () => {
    expect(candidateUids(share, ['1.1', '1.2', '1.2'])).toEqual(['1.2']);
    expect([...(await access.visible(share, ['1.1', '1.2', '1.3'])).keys()]).toEqual(['1.2']);
    expect(await access.one(share, '1.1')).toBeUndefined();
  });

  it('hides a shared study once purged', async () => {
    const purgedShare: ViewerPrincipal = { ...share, studyInstanceUid: '1.3' };
    expect(await access.one(purgedShare, '1.3')).toBeUndefined();
  });

  it('looks up more UIDs than one query takes', async () => {
    const many = Array.from({ length: 1200 }, (_, index) => `2.${index}`);
    const visible = await access.visible(user, [...many, '1.1']);
    expect([...visible.keys()]).toEqual(['1.1']);
  });

  it('does not show a study in a state it does not know', async () => {
    await insertStudy(database.db, { id: 'd', uid: '1.4', state: 'mystery' });
    expect(await access.one(user, '1.4')).toBeUndefined();
  });
});
