// The migration on a real SQLite file, and its fit with the sidecar's migration context.

import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { MigrationContext } from '../../../plugin-server/src/db/migration-context.ts';
import { createTestDatabase, type TestDatabase } from '../testing/hl7-test-support.ts';
import type { Hl7MigrationContext } from './hl7-migration-context.ts';
import { migrateHl7 } from './open-hl7-sqlite.ts';

// Compile-time check: the sidecar can pass its own MigrationContext to hl7Migration().
export type SidecarContextFits = MigrationContext extends Hl7MigrationContext ? true : never;
const sidecarContextFits: SidecarContextFits = true;

let database: TestDatabase | undefined;

afterEach(async () => {
  await database?.cleanup();
  database = undefined;
});

describe('hl7Migration', () => {
  it('creates the bridge tables with their lookup indexes, once', async () => {
    expect(sidecarContextFits).toBe(true);
    database = await createTestDatabase();
    await migrateHl7(database.db);
    const tables = await database.db.introspection.getTables();
    expect(
      tables
        .map((table) => table.name)
        .filter((name) => name.startsWith('hl7_'))
        .sort(),
    ).toEqual([
      'hl7_inbox',
      'hl7_order_events',
      'hl7_orders',
      'hl7_outbox',
      'hl7_patient_events',
      'hl7_patient_identifiers',
      'hl7_patients',
    ]);
    const { rows } = await sql<{ name: string }>`
      select name from sqlite_master
      where type = 'index' and tbl_name = 'hl7_orders' and name not like 'sqlite_%' order by name
    `.execute(database.db);
    expect(rows.map((row) => row.name)).toEqual([
      'hl7_orders_accession',
      'hl7_orders_filler',
      'hl7_orders_patient',
      'hl7_orders_placer',
      'hl7_orders_study_uid',
      'hl7_orders_updated',
    ]);
  });
});
