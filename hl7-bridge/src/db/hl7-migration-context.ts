import type { CreateTableBuilder } from 'kysely';

// The part of the sidecar's MigrationContext (plugin-server/src/db/migration-context.ts) that our
// migration needs, declared here so hl7-bridge depends on nothing in plugin-server: the sidecar
// passes its own context, which has this shape. hl7MigrationContext() builds one for our tests,
// runner and benchmark.

export type Hl7Dialect = 'sqlite' | 'postgres';

export interface Hl7MigrationContext {
  readonly dialect: Hl7Dialect;
  serialPrimaryKey<T extends string>(table: CreateTableBuilder<T>, column: string): CreateTableBuilder<T>;
}

export function hl7MigrationContext(dialect: Hl7Dialect): Hl7MigrationContext {
  return {
    dialect,
    serialPrimaryKey(table, column) {
      return dialect === 'sqlite'
        ? table.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement())
        : table.addColumn(column, 'bigserial', (c) => c.primaryKey());
    },
  };
}
