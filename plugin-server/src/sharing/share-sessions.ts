import type { Kysely } from 'kysely';
import { verifyPassword } from '../auth/passwords.ts';
import type { Config } from '../config/config-schema.ts';
import type { Database } from '../db/schema.ts';
import { newToken, tokenHash } from './share-tokens.ts';

// A share link is exchanged once for a short-lived viewer session scoped to its one study, so the
// link's token never sits in image URLs, browser history of DICOMweb requests, or logs.

export type ShareRefusal =
  'unknown-token' | 'pin-required' | 'wrong-pin' | 'throttled' | 'expired' | 'revoked' | 'study-unavailable';

export type OpenedShare =
  | {
      ok: true;
      shareId: string;
      studyInstanceUid: string;
      sessionToken: string;
      expiresAt: string;
    }
  | { ok: false; reason: ShareRefusal; shareId: string | null };

/** A live share viewer session, as the DICOMweb proxy needs it. */
export interface ShareViewerSession {
  shareId: string;
  studyInstanceUid: string;
  expiresAt: string;
}

export async function openShareLink(
  deps: { db: Kysely<Database>; config: Config['sharing'] },
  token: string,
  pin: string | undefined,
  client: { sourceIp: string; userAgent: string; blocked: (shareId: string) => boolean },
  now = new Date(),
): Promise<OpenedShare> {
  const { db, config } = deps;
  const link = await db
    .selectFrom('share_links')
    .innerJoin('studies', 'studies.id', 'share_links.study_id')
    .select([
      'share_links.id',
      'share_links.pin_hash',
      'share_links.expires_at',
      'share_links.revoked_at',
      'studies.study_instance_uid',
      'studies.state',
    ])
    .where('share_links.token_hash', '=', tokenHash(token))
    .executeTakeFirst();
  if (link === undefined) return { ok: false, reason: 'unknown-token', shareId: null };
  const refuse = (reason: ShareRefusal): OpenedShare => ({ ok: false, reason, shareId: link.id });
  if (link.revoked_at !== null) return refuse('revoked');
  if (link.expires_at <= now.toISOString()) return refuse('expired');
  if (link.state === 'purged' || link.state === 'discarded') return refuse('study-unavailable');
  // Checked before the PIN, so a link under attack stays closed even to a correct guess.
  if (client.blocked(link.id)) return refuse('throttled');
  if (link.pin_hash !== null) {
    if (pin === undefined || pin === '') return refuse('pin-required');
    if (!(await verifyPassword(pin, link.pin_hash))) return refuse('wrong-pin');
  }
  const sessionToken = newToken();
  const sessionEnd = Math.min(now.getTime() + config.sessionMinutes * 60_000, Date.parse(link.expires_at));
  const expiresAt = new Date(sessionEnd).toISOString();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('share_sessions')
      .values({
        id_hash: tokenHash(sessionToken),
        share_id: link.id,
        created_at: now.toISOString(),
        expires_at: expiresAt,
        source_ip: client.sourceIp,
        user_agent: client.userAgent.slice(0, 512),
      })
      .execute();
    await trx
      .updateTable('share_links')
      .set((eb) => ({ use_count: eb('use_count', '+', 1), last_used_at: now.toISOString() }))
      .where('id', '=', link.id)
      .execute();
  });
  return { ok: true, shareId: link.id, studyInstanceUid: link.study_instance_uid, sessionToken, expiresAt };
}

/**
 * The share session behind a cookie, checked against its link on every call: a revoked or expired
 * link, or a study no longer viewable, ends the session at the next request.
 */
export async function resolveShareSession(
  db: Kysely<Database>,
  sessionToken: string,
  now = new Date(),
): Promise<ShareViewerSession | undefined> {
  const row = await db
    .selectFrom('share_sessions')
    .innerJoin('share_links', 'share_links.id', 'share_sessions.share_id')
    .innerJoin('studies', 'studies.id', 'share_links.study_id')
    .select([
      'share_sessions.share_id',
      'share_sessions.expires_at',
      'share_links.expires_at as link_expires_at',
      'share_links.revoked_at',
      'studies.study_instance_uid',
      'studies.state',
    ])
    .where('share_sessions.id_hash', '=', tokenHash(sessionToken))
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const at = now.toISOString();
  if (row.revoked_at !== null || row.expires_at <= at || row.link_expires_at <= at) return undefined;
  if (row.state === 'purged' || row.state === 'discarded') return undefined;
  return { shareId: row.share_id, studyInstanceUid: row.study_instance_uid, expiresAt: row.expires_at };
}

/** Deletes ended share sessions; returns the links that expired since the last sweep, once each. */
export async function sweepShares(db: Kysely<Database>, now = new Date()): Promise<string[]> {
  const at = now.toISOString();
  await db.deleteFrom('share_sessions').where('expires_at', '<=', at).execute();
  const expired = await db
    .updateTable('share_links')
    .set({ expiry_audited: 1 })
    .where('expires_at', '<=', at)
    .where('expiry_audited', '=', 0)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  return expired.map((row) => row.id);
}
