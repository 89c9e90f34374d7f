import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openSqlite, type OpenDatabase } from '../db/database.ts';
import { SessionStore } from './sessions.ts';
import { UserStore } from './users.ts';

describe('sessions', () => {
  let database: OpenDatabase;
  let sessions: SessionStore;
  let userId: string;

  beforeEach(async () => {
    database = openSqlite(':memory:');
    await migrateToLatest(database);
    sessions = new SessionStore(database.db, { idleTimeoutMs: 15 * 60_000, absoluteTimeoutMs: 12 * 3_600_000 });
    userId = (
      await new UserStore(database.db).create({
        username: 'pat',
        displayName: 'P',
        password: 'correct horse battery',
        roles: ['physician'],
      })
    ).id;
  });
  afterEach(async () => {
    await database.close();
  });

  const client = { sourceIp: '127.0.0.1', userAgent: 'test' };

  it('expires after the idle timeout', async () => {
    const { token } = await sessions.create(userId, client);
    const start = Date.now();
    expect(await sessions.resolve(token, new Date(start + 10 * 60_000))).toBeDefined();
    // Used at minute 10: the idle window restarts there.
    expect(await sessions.resolve(token, new Date(start + 24 * 60_000))).toBeDefined();
    expect(await sessions.resolve(token, new Date(start + 40 * 60_000))).toBeUndefined();
    // Expired sessions are deleted, not just refused.
    expect(await sessions.resolve(token, new Date(start + 41 * 60_000))).toBeUndefined();
  });

  it('expires at the absolute timeout even when used all the time', async () => {
    const { token } = await sessions.create(userId, client);
    const start = Date.now();
    for (let minute = 10; minute < 12 * 60; minute += 10) {
      expect(await sessions.resolve(token, new Date(start + minute * 60_000)), `minute ${minute}`).toBeDefined();
    }
    expect(await sessions.resolve(token, new Date(start + 12 * 60 * 60_000 + 1000))).toBeUndefined();
  });

  it('refuses an unknown token and purges expired sessions', async () => {
    expect(await sessions.resolve('no-such-token')).toBeUndefined();
    await sessions.create(userId, client);
    expect(await sessions.purgeExpired(new Date(Date.now() + 16 * 60_000))).toBe(1);
  });
});
