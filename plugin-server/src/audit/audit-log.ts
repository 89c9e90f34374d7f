import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AuditEventRow, Database } from '../db/schema.ts';
import { AUDIT_EVENTS, AUDIT_OUTCOME, type AuditEventType, type AuditOutcome } from './audit-events.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditActor {
  userId: string | null;
  username: string | null;
  sourceIp: string | null;
}

export interface AuditEntry {
  type: AuditEventType;
  outcome?: AuditOutcome;
  actor: AuditActor;
  object?: { type: string; id: string };
  /** Ids and reasons; never names, birth dates or other patient identifiers. */
  details?: Record<string, unknown>;
}

type HashedFields = Omit<AuditEventRow, 'seq' | 'hash'>;

/** The hash of one row: it covers the previous row's hash, which makes the rows a chain. */
export function auditRowHash(row: HashedFields): string {
  const canonical = JSON.stringify([
    row.prev_hash,
    row.occurred_at,
    row.event_id,
    row.event_name,
    row.action,
    row.outcome,
    row.user_id,
    row.username,
    row.source_ip,
    row.object_type,
    row.object_id,
    row.details,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export const auditDetailsSchema = z.record(z.string(), z.unknown());

export class AuditLog {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  /** Appends one event; the read of the chain head and the insert happen in one transaction. */
  async record(entry: AuditEntry): Promise<number> {
    const event = AUDIT_EVENTS[entry.type];
    return this.db.transaction().execute(async (trx) => {
      const head = await trx
        .selectFrom('audit_events')
        .select('hash')
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      const fields: HashedFields = {
        prev_hash: head?.hash ?? GENESIS_HASH,
        occurred_at: new Date().toISOString(),
        event_id: event.id,
        event_name: entry.type,
        action: event.action,
        outcome: AUDIT_OUTCOME[entry.outcome ?? 'success'],
        user_id: entry.actor.userId,
        username: entry.actor.username,
        source_ip: entry.actor.sourceIp,
        object_type: entry.object?.type ?? null,
        object_id: entry.object?.id ?? null,
        details: JSON.stringify(entry.details ?? {}),
      };
      const inserted = await trx
        .insertInto('audit_events')
        .values({ ...fields, hash: auditRowHash(fields) })
        .returning('seq')
        .executeTakeFirstOrThrow();
      return inserted.seq;
    });
  }

  async list(options: { limit: number; beforeSeq?: number; objectType?: string; objectId?: string }) {
    let query = this.db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(options.limit);
    if (options.beforeSeq !== undefined) query = query.where('seq', '<', options.beforeSeq);
    if (options.objectType !== undefined) query = query.where('object_type', '=', options.objectType);
    if (options.objectId !== undefined) query = query.where('object_id', '=', options.objectId);
    return query.execute();
  }

  /**
   * Recomputes the chain from the first row. Reports the first row whose stored hash does not
   * match its content, or whose link does not match the row before it (a changed, inserted or
   * deleted row).
   */
  async verify(): Promise<AuditVerification> {
    let previousHash = GENESIS_HASH;
    let previousSeq = 0;
    let checked = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom('audit_events')
        .selectAll()
        .where('seq', '>', previousSeq)
        .orderBy('seq', 'asc')
        .limit(1000)
        .execute();
      if (rows.length === 0) return { ok: true, checked };
      for (const row of rows) {
        if (row.prev_hash !== previousHash) {
          return {
            ok: false,
            checked,
            brokenSeq: row.seq,
            reason: `row ${row.seq} does not link to the row before it`,
          };
        }
        if (auditRowHash(row) !== row.hash) {
          return { ok: false, checked, brokenSeq: row.seq, reason: `row ${row.seq} was altered after it was written` };
        }
        previousHash = row.hash;
        previousSeq = row.seq;
        checked++;
      }
    }
  }
}

export type AuditVerification =
  { ok: true; checked: number } | { ok: false; checked: number; brokenSeq: number; reason: string };
