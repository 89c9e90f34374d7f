import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../plugin-server/src/audit/audit-log.ts';
import { migrateToLatest, openSqlite, type OpenDatabase } from '../../plugin-server/src/db/database.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'plugin-server', 'src', 'cli.js');

async function outside(databasePath: string, ...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, [cli, ...args], {
      env: { ...process.env, OUTSIDE_DATABASE_SQLITE_PATH: databasePath },
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

describe('audit log hash chain', () => {
  let dir: string;
  let databasePath: string;
  let database: OpenDatabase;
  let audit: AuditLog;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outside-audit-'));
    databasePath = join(dir, 'outside.sqlite');
    database = openSqlite(databasePath);
    await migrateToLatest(database);
    audit = new AuditLog(database.db);
    for (let i = 0; i < 20; i++) {
      await audit.record({
        type: i % 2 === 0 ? 'query' : 'patientRecordRead',
        actor: { userId: `user-${i}`, username: `user${i}`, sourceIp: '127.0.0.1' },
        object: { type: 'study', id: `study-${i}` },
        details: { index: i },
      });
    }
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies an intact chain with `outside audit verify`', async () => {
    expect(await audit.verify()).toEqual({ ok: true, checked: 20 });
    const result = await outside(databasePath, 'audit', 'verify');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('20 events verified');
  });

  it('refuses UPDATE and DELETE on the audit table', async () => {
    await expect(sql`update audit_events set username = 'mallory' where seq = 3`.execute(database.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_events where seq = 3`.execute(database.db)).rejects.toThrow(/append-only/);
  });

  it('names the first altered row when someone bypasses the guard and edits one', async () => {
    // An attacker with database access can drop the trigger; the chain still gives them away.
    await sql`drop trigger audit_events_no_update`.execute(database.db);
    await sql`update audit_events set object_id = 'study-999' where seq = 7`.execute(database.db);
    const result = await outside(databasePath, 'audit', 'verify');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('BROKEN at event 7');
    expect(await audit.verify()).toMatchObject({ ok: false, brokenSeq: 7, checked: 6 });
  });

  it('names the row after a deleted one', async () => {
    await sql`drop trigger audit_events_no_delete`.execute(database.db);
    await sql`update audit_events set object_id = 'study-6' where seq = 7`.execute(database.db);
    await sql`delete from audit_events where seq = 12`.execute(database.db);
    // Row 7 was restored to its exact content: the chain is intact up to the deletion.
    expect(await audit.verify()).toMatchObject({ ok: false, brokenSeq: 13 });
  });
});
