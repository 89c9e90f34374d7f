import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { User } from './users.ts';
import { userFromRow } from './users.ts';

export interface SessionPolicy {
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
}

export interface ActiveSession {
  user: User;
  csrfToken: string;
  expiresAt: string;
}

/** How stale the stored last_seen_at may get before a resolve writes it again. */
export const LAST_SEEN_WRITE_INTERVAL_MS = 30_000;

/** Session ids are only ever stored hashed: a copy of the database cannot be used to log in. */
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class SessionStore {
  private readonly db: Kysely<Database>;
  private readonly policy: SessionPolicy;

  constructor(db: Kysely<Database>, policy: SessionPolicy) {
    this.db = db;
    this.policy = policy;
  }

  async create(
    userId: string,
    client: { sourceIp: string; userAgent: string },
  ): Promise<{ token: string; csrfToken: string }> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: hashToken(token),
        user_id: userId,
        csrf_token: csrfToken,
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: new Date(now.getTime() + this.policy.absoluteTimeoutMs).toISOString(),
        source_ip: client.sourceIp,
        user_agent: client.userAgent.slice(0, 512),
      })
      .execute();
    return { token, csrfToken };
  }

  /** Resolves a session token and extends its idle window; expired or unknown -> undefined. */
  async resolve(token: string, now = new Date()): Promise<ActiveSession | undefined> {
    const idHash = hashToken(token);
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .select(['sessions.csrf_token', 'sessions.last_seen_at', 'sessions.expires_at'])
      .where('sessions.id_hash', '=', idHash)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const idleDeadline = new Date(row.last_seen_at).getTime() + this.policy.idleTimeoutMs;
    if (now.getTime() >= idleDeadline || now.toISOString() >= row.expires_at || row.disabled !== 0) {
      await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
      return undefined;
    }
    // The DICOMweb proxy resolves the session on every image request (hundreds per study opened),
    // so writing last_seen_at each time would turn every read into a write. The idle deadline
    // above is computed from the stored value, which lags by at most LAST_SEEN_WRITE_INTERVAL_MS:
    // a session can only ever expire that much early, never late (HIPAA automatic logoff).
    // Nothing is cached: a deleted (revoked) session fails on the very next request.
    if (now.getTime() - new Date(row.last_seen_at).getTime() >= LAST_SEEN_WRITE_INTERVAL_MS) {
      await this.db
        .updateTable('sessions')
        .set({ last_seen_at: now.toISOString() })
        .where('id_hash', '=', idHash)
        .execute();
    }
    return { user: userFromRow(row), csrfToken: row.csrf_token, expiresAt: row.expires_at };
  }

  async destroy(token: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', hashToken(token)).execute();
  }

  async purgeExpired(now = new Date()): Promise<number> {
    const idleCutoff = new Date(now.getTime() - this.policy.idleTimeoutMs).toISOString();
    const result = await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now.toISOString()), eb('last_seen_at', '<=', idleCutoff)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
