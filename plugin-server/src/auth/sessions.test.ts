import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openSqlite, type OpenDatabase } from '../db/database.ts';
import { LAST_SEEN_WRITE_INTERVAL_MS, SessionStore } from './sessions.ts';
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

  it('writes last_seen_at at most every 30 s, and revocation still takes effect at once', async () => {
    const { token } = await sessions.create(userId, client);
    const lastSeen = async () =>
      (await database.db.selectFrom('sessions').select('last_seen_at').executeTakeFirstOrThrow()).last_seen_at;
    const created = await lastSeen();
    const start = new Date(created).getTime();
    // Requests within the interval only read.
    for (const second of [1, 10, LAST_SEEN_WRITE_INTERVAL_MS / 1000 - 1]) {
      expect(await sessions.resolve(token, new Date(start + second * 1000))).toBeDefined();
      expect(await lastSeen(), `second ${second}`).toBe(created);
    }
    // The first request after it writes.
    const later = new Date(start + LAST_SEEN_WRITE_INTERVAL_MS + 1000);
    expect(await sessions.resolve(token, later)).toBeDefined();
    expect(await lastSeen()).toBe(later.toISOString());
    // The idle window counts from the stored value: at most 30 s early, never late.
    const idleMs = 15 * 60_000;
    expect(await sessions.resolve(token, new Date(later.getTime() + 20_000))).toBeDefined();
    expect(await sessions.resolve(token, new Date(later.getTime() + idleMs))).toBeUndefined();
    // No cached resolution: a destroyed session is refused on the next request.
    const other = await sessions.create(userId, client);
    expect(await sessions.resolve(other.token)).toBeDefined();
    await sessions.destroy(other.token);
    expect(await sessions.resolve(other.token)).toBeUndefined();
  });

  it('refuses an unknown token and purges expired sessions', async () => {
    expect(await sessions.resolve('no-such-token')).toBeUndefined();
    await sessions.create(userId, client);
    expect(await sessions.purgeExpired(new Date(Date.now() + 16 * 60_000))).toBe(1);
  });
});
