// A SQLite database with the bridge's tables, opened the way the sidecar opens its own
// (plugin-server/src/db/database.ts: WAL, synchronous=FULL so each commit is durable before it
// returns). For tests, the crash-test runner and the benchmark; the sidecar uses its own database.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { Migrator, type MigrationProvider } from 'kysely/migration';
import { hl7MigrationContext } from './hl7-migration-context.ts';
import { hl7Migration } from './hl7-migration.ts';
import type { Hl7Tables } from './hl7-schema.ts';
import { withStatementCache } from './sqlite-statement-cache.ts';

export interface OpenHl7Database {
  readonly db: Kysely<Hl7Tables>;
  close(): Promise<void>;
}

export interface OpenHl7SqliteOptions {
  readonly synchronous?: 'FULL' | 'NORMAL' | 'OFF';
  /** Reuse prepared statements (./sqlite-statement-cache.ts). Default true. */
  readonly statementCache?: boolean;
}

export function openHl7Sqlite(path: string, options: OpenHl7SqliteOptions = {}): OpenHl7Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const connection = new SqliteDatabase(path);
  connection.pragma('journal_mode = WAL');
  connection.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  const database = options.statementCache === false ? connection : withStatementCache(connection);
  const db = new Kysely<Hl7Tables>({ dialect: new SqliteDialect({ database }) });
  return { db, close: () => db.destroy() };
}

export async function migrateHl7(db: Kysely<Hl7Tables>): Promise<void> {
  const provider: MigrationProvider = {
    getMigrations: async () => ({ '0003-hl7': hl7Migration(hl7MigrationContext('sqlite')) }),
  };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    throw new Error(`HL7 migration failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
