import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { hashPassword } from '../auth/passwords.ts';
import type { Config } from '../config/config-schema.ts';
import type { Database, ShareLinksTable } from '../db/schema.ts';
import { DomainError } from '../domain/errors.ts';
import type { ShareLink, ShareLinkInput } from '../domain/share-link.ts';
import { newToken, tokenHash } from './share-tokens.ts';

// Creating, listing and revoking share links. A link belongs to its creator; admins see and revoke
// every link.

type ShareRow = Selectable<ShareLinksTable> & {
  study_instance_uid: string;
  study_description: string;
  study_date: string;
};

const DAY_MS = 24 * 3600 * 1000;

export function shareStatus(row: { revoked_at: string | null; expires_at: string }, now = new Date()) {
  if (row.revoked_at !== null) return 'revoked' as const;
  return row.expires_at <= now.toISOString() ? ('expired' as const) : ('active' as const);
}

function shareFromRow(row: ShareRow, now = new Date()): ShareLink {
  return {
    id: row.id,
    studyId: row.study_id,
    studyInstanceUid: row.study_instance_uid,
    studyDescription: row.study_description,
    studyDate: row.study_date,
    recipient: row.recipient,
    purpose: row.purpose,
    hasPin: row.pin_hash !== null,
    createdBy: row.created_by_username,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
    status: shareStatus(row, now),
    useCount: row.use_count,
    lastUsedAt: row.last_used_at,
  };
}

function selectShares(db: Kysely<Database>) {
  return db
    .selectFrom('share_links')
    .innerJoin('studies', 'studies.id', 'share_links.study_id')
    .selectAll('share_links')
    .select(['studies.study_instance_uid', 'studies.study_description', 'studies.study_date']);
}

export async function createShareLink(
  deps: { db: Kysely<Database>; config: Config['sharing'] },
  input: ShareLinkInput,
  creator: { userId: string; username: string },
): Promise<{ link: ShareLink; token: string }> {
  const { db, config } = deps;
  const days = input.expiresInDays ?? config.defaultExpiryDays;
  if (days > config.maxExpiryDays) {
    throw new DomainError('invalid_input', `a share link lives at most ${config.maxExpiryDays} days`);
  }
  const study = await db.selectFrom('studies').select('state').where('id', '=', input.studyId).executeTakeFirst();
  if (study === undefined) throw new DomainError('not_found', `study ${input.studyId} does not exist`);
  if (study.state === 'purged' || study.state === 'discarded') {
    throw new DomainError('conflict', `study ${input.studyId} is ${study.state} and cannot be shared`);
  }
  const token = newToken();
  const now = new Date();
  const id = randomUUID();
  await db
    .insertInto('share_links')
    .values({
      id,
      study_id: input.studyId,
      token_hash: tokenHash(token),
      pin_hash: input.pin === undefined ? null : await hashPassword(input.pin),
      recipient: input.recipient,
      purpose: input.purpose,
      created_by_user_id: creator.userId,
      created_by_username: creator.username,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + days * DAY_MS).toISOString(),
      revoked_at: null,
      revoked_by: null,
      last_used_at: null,
    })
    .execute();
  const row = await selectShares(db).where('share_links.id', '=', id).executeTakeFirstOrThrow();
  return { link: shareFromRow(row, now), token };
}

/** The user's own links (or every link, for an admin), newest first. */
export async function listShareLinks(
  db: Kysely<Database>,
  whose: { userId: string } | 'all',
  limit: number,
): Promise<ShareLink[]> {
  let select = selectShares(db).orderBy('share_links.created_at', 'desc').limit(limit);
  if (whose !== 'all') select = select.where('share_links.created_by_user_id', '=', whose.userId);
  const now = new Date();
  return (await select.execute()).map((row) => shareFromRow(row, now));
}

/** Revokes a link; its viewer sessions die with it (the proxy checks the link on every request). */
export async function revokeShareLink(
  db: Kysely<Database>,
  id: string,
  by: { userId: string; username: string; isAdmin: boolean },
): Promise<ShareLink> {
  const row = await selectShares(db).where('share_links.id', '=', id).executeTakeFirst();
  // Someone else's link is reported as missing, not as forbidden: ids are not for probing.
  if (row === undefined || (!by.isAdmin && row.created_by_user_id !== by.userId)) {
    throw new DomainError('not_found', `share link ${id} does not exist`);
  }
  if (row.revoked_at !== null) throw new DomainError('conflict', `share link ${id} is already revoked`);
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('share_links')
      .set({ revoked_at: now, revoked_by: by.username })
      .where('id', '=', id)
      .execute();
    await trx.deleteFrom('share_sessions').where('share_id', '=', id).execute();
  });
  return shareFromRow({ ...row, revoked_at: now, revoked_by: by.username });
}
