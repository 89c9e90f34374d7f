import { sql, type CreateTableBuilder, type Kysely } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/** The few places where SQLite and PostgreSQL DDL differ, so migrations stay one file each. */
export interface MigrationContext {
  dialect: Dialect;
  serialPrimaryKey<T extends string>(table: CreateTableBuilder<T>, column: string): CreateTableBuilder<T>;
  /** Makes a table refuse UPDATE and DELETE (the audit log is append-only). */
  appendOnly(db: Kysely<unknown>, table: string): Promise<void>;
}

export function migrationContext(dialect: Dialect): MigrationContext {
  return {
    dialect,
    serialPrimaryKey(table, column) {
      return dialect === 'sqlite'
        ? table.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement())
        : table.addColumn(column, 'bigserial', (c) => c.primaryKey());
    },
    async appendOnly(db, table) {
      if (dialect === 'sqlite') {
        for (const operation of ['UPDATE', 'DELETE']) {
          await sql
            .raw(
              `CREATE TRIGGER ${table}_no_${operation.toLowerCase()} BEFORE ${operation} ON ${table} ` +
                `BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
            )
            .execute(db);
        }
      } else {
        await sql
          .raw(
            `CREATE FUNCTION ${table}_append_only() RETURNS trigger LANGUAGE plpgsql AS ` +
              `$$ BEGIN RAISE EXCEPTION '${table} is append-only'; END $$`,
          )
          .execute(db);
        await sql
          .raw(
            `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} ` +
              `FOR EACH ROW EXECUTE FUNCTION ${table}_append_only()`,
          )
          .execute(db);
      }
    },
  };
}
