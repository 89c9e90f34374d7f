import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, sql, SqliteDialect, type SqliteDatabase as KyselySqliteDatabase } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import { foundationMigration } from './migrations/0001-foundation.ts';
import { importsMigration } from './migrations/0002-imports.ts';
import { reconciliationMigration } from './migrations/0004-reconciliation.ts';
import { routingMigration } from './migrations/0005-routing.ts';
import { storageCommitmentMigration } from './migrations/0006-storage-commitment.ts';
import { studyTagsMigration } from './migrations/0007-study-tags.ts';
import { shareLinksMigration } from './migrations/0008-share-links.ts';
import { hl7Migration, withStatementCache } from '@outside/hl7-bridge/storage';
import { migrationContext, type Dialect } from './migration-context.ts';
import type { Database } from './schema.ts';

export type { Database };

export interface OpenDatabase {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

function migrations(dialect: Dialect): Record<string, Migration> {
  const context = migrationContext(dialect);
  return {
    '0001-foundation': foundationMigration(context),
    '0002-imports': importsMigration(context),
    // The HL7 bridge owns its tables (inbox, orders, patients, outbox) and their migration.
    '0003-hl7': hl7Migration(context),
    '0004-reconciliation': reconciliationMigration(context),
    '0005-routing': routingMigration(context),
    '0006-storage-commitment': storageCommitmentMigration(),
    '0007-study-tags': studyTagsMigration(),
    '0008-share-links': shareLinksMigration(),
  };
}

/** Opens the SQLite database (creating its folder) with durable, concurrent-reader settings. */
export function openSqlite(path: string): OpenDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const connection = new SqliteDatabase(path);
  // WAL lets readers (API) run while the follower writes; synchronous=FULL makes every commit
  // durable before it returns, which the HL7 ACK-after-commit rule relies on.
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  // Keeps the planner's statistics current (the worklist's partial index needs them).
  connection.pragma('optimize = 0x10002');
  // Kysely prepares every statement anew; reusing them took a fifth off the HL7 bridge's CPU time.
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withImmediateTransactions(withStatementCache(connection)) }),
  });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/**
 * Kysely opens transactions with a plain (deferred) BEGIN. With two processes on one database
 * (`outside serve` and `outside import`), a deferred transaction that reads and then writes fails
 * at once with "database is locked" when the other process wrote in between: SQLite cannot wait
 * for a lock upgrade. BEGIN IMMEDIATE takes the write lock up front, where busy_timeout applies.
 */
function withImmediateTransactions(database: KyselySqliteDatabase): KyselySqliteDatabase {
  return {
    close: () => database.close(),
    prepare: (sql) => database.prepare(sql === 'begin' ? 'begin immediate' : sql),
  };
}

/**
 * Refreshes the query planner's statistics where they are stale (SQLite's PRAGMA optimize). The
 * sidecar runs it at open and every hour; without statistics the planner may pick the state index
 * over the worklist's partial index and read every waiting study.
 */
export async function optimizeDatabase(db: Kysely<Database>): Promise<void> {
  await sql`pragma optimize`.execute(db);
}

export async function migrateToLatest(open: OpenDatabase): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(open.dialect) };
  const migrator = new Migrator({ db: open.db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    const name = failed?.migrationName ?? 'unknown';
    throw new Error(`database migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
