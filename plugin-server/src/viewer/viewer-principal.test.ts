import type { Request } from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionStore } from '../auth/sessions.ts';
import { UserStore } from '../auth/users.ts';
import { loadConfig } from '../config/config-loader.ts';
import { migrateToLatest, openSqlite, type OpenDatabase } from '../db/database.ts';
import type { Role } from '../domain/roles.ts';
import {
  auditActorOf,
  mayViewImages,
  principalKey,
  resolveViewerPrincipal,
  viewerPrincipalResolvers,
  type ViewerPrincipal,
  type ViewerPrincipalResolver,
} from './viewer-principal.ts';

const COOKIE = 'outside_session';

function requestWith(cookie: string | undefined): Request {
  return { headers: cookie === undefined ? {} : { cookie } } as Request;
}

function userPrincipal(roles: Role[]): ViewerPrincipal {
  return {
    kind: 'user',
    session: {
      user: { id: 'u1', username: 'doc', displayName: 'Doc', roles, disabled: false },
      csrfToken: 'x',
      expiresAt: '2999-01-01T00:00:00.000Z',
    },
  };
}

describe('viewer principals', () => {
  let database: OpenDatabase;
  let sessions: SessionStore;
  let token: string;

  beforeEach(async () => {
    database = openSqlite(':memory:');
    await migrateToLatest(database);
    sessions = new SessionStore(database.db, { idleTimeoutMs: 15 * 60_000, absoluteTimeoutMs: 12 * 3_600_000 });
    const user = await new UserStore(database.db).create({
      username: 'doc',
      displayName: 'Doc',
      password: 'correct horse battery',
      roles: ['physician'],
    });
    token = (await sessions.create(user.id, { sourceIp: '127.0.0.1', userAgent: 'test' })).token;
  });
  afterEach(async () => {
    await database.close();
  });

  it('resolves the session cookie to a user, and nothing else', async () => {
    const resolvers = viewerPrincipalResolvers({ sessions, db: database.db, config: loadConfig({ env: {} }) });
    const principal = await resolveViewerPrincipal(requestWith(`${COOKIE}=${token}`), resolvers);
    expect(principal?.kind).toBe('user');
    expect(await resolveViewerPrincipal(requestWith(undefined), resolvers)).toBeUndefined();
    expect(await resolveViewerPrincipal(requestWith(`${COOKIE}=nope`), resolvers)).toBeUndefined();
    expect(await resolveViewerPrincipal(requestWith(`other=${token}`), resolvers)).toBeUndefined();
    await sessions.destroy(token);
    expect(await resolveViewerPrincipal(requestWith(`${COOKIE}=${token}`), resolvers)).toBeUndefined();
  });

  it('asks the resolvers in order and takes the first answer', async () => {
    const share: ViewerPrincipal = {
      kind: 'share',
      shareId: 's1',
      studyInstanceUid: '1.2',
      expiresAt: '2999-01-01T00:00:00.000Z',
    };
    const shareResolver: ViewerPrincipalResolver = {
      resolve: async (request) => (request.headers.cookie === 'share=1' ? share : undefined),
    };
    const resolvers = [
      ...viewerPrincipalResolvers({ sessions, db: database.db, config: loadConfig({ env: {} }) }),
      shareResolver,
    ];
    expect(await resolveViewerPrincipal(requestWith('share=1'), resolvers)).toBe(share);
    expect((await resolveViewerPrincipal(requestWith(`${COOKIE}=${token}`), resolvers))?.kind).toBe('user');
  });

  it.each([
    [['physician'], true],
    [['radiology'], true],
    [['frontdesk', 'radiology'], true],
    [['frontdesk'], false],
    [['admin'], false],
  ] as [Role[], boolean][])('a user with %j may view images: %s', (roles, expected) => {
    expect(mayViewImages(userPrincipal(roles))).toBe(expected);
  });

  it('refuses a share past its expiry even if its resolver did not', () => {
    const now = new Date('2025-06-01T12:00:00.000Z');
    const share = (expiresAt: string): ViewerPrincipal => ({
      kind: 'share',
      shareId: 's',
      studyInstanceUid: '1',
      expiresAt,
    });
    expect(mayViewImages(share('2025-06-01T12:00:01.000Z'), now)).toBe(true);
    expect(mayViewImages(share('2025-06-01T12:00:00.000Z'), now)).toBe(false);
    expect(mayViewImages(share('not a date'), now)).toBe(false);
  });

  it('keys and audits a user by id and a share by its link', () => {
    const share: ViewerPrincipal = { kind: 'share', shareId: 's9', studyInstanceUid: '1', expiresAt: '' };
    expect(principalKey(userPrincipal(['physician']))).toBe('user:u1');
    expect(principalKey(share)).toBe('share:s9');
    expect(auditActorOf(userPrincipal(['physician']), '10.0.0.1')).toEqual({
      userId: 'u1',
      username: 'doc',
      sourceIp: '10.0.0.1',
    });
    expect(auditActorOf(share, null)).toEqual({ userId: null, username: 'share:s9', sourceIp: null });
  });
});
