import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Database } from '../db/schema.ts';
import { sweepShares } from './share-sessions.ts';

const SYSTEM = { userId: null, username: 'system:sharing', sourceIp: null };

/** Ends expired share sessions and writes each link's expiry to the audit log, once. */
export async function recordExpiredShares(deps: { db: Kysely<Database>; audit: AuditLog }, now = new Date()) {
  const expired = await sweepShares(deps.db, now);
  for (const id of expired) {
    await deps.audit.record({
      type: 'shareLinkEnded',
      actor: SYSTEM,
      object: { type: 'share-link', id },
      details: { action: 'expired' },
    });
  }
  return expired.length;
}
