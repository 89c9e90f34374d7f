import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migration-context.ts';

// Import sessions (one per medium or upload), the outcome of every file, and the studies found.
export function importsMigration(context: MigrationContext) {
  const { serialPrimaryKey } = context;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('import_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('created_by_user_id', 'text')
        .addColumn('created_by_username', 'text', (c) => c.notNull())
        .addColumn('department', 'text', (c) => c.notNull())
        .addColumn('source_label', 'text', (c) => c.notNull())
        .addColumn('source_kind', 'text', (c) => c.notNull())
        .addColumn('patient_mrn', 'text')
        .addColumn('patient_name', 'text')
        .addColumn('patient_birth_date', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('counts', 'text', (c) => c.notNull())
        .addColumn('warnings', 'text', (c) => c.notNull())
        .addColumn('dicomdir_report', 'text')
        .execute();
      await db.schema.createIndex('import_sessions_created').on('import_sessions').column('created_at').execute();

      await serialPrimaryKey(db.schema.createTable('import_files'), 'seq')
        .addColumn('import_id', 'text', (c) => c.notNull().references('import_sessions.id'))
        .addColumn('relative_path', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('sop_instance_uid', 'text')
        .addColumn('study_instance_uid', 'text')
        .addColumn('orthanc_instance_id', 'text')
        .addColumn('orthanc_study_id', 'text')
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('import_files_import').on('import_files').columns(['import_id', 'seq']).execute();
      await db.schema
        .createIndex('import_files_sop')
        .on('import_files')
        .columns(['import_id', 'sop_instance_uid'])
        .execute();

      await db.schema
        .createTable('import_studies')
        .addColumn('import_id', 'text', (c) => c.notNull().references('import_sessions.id'))
        .addColumn('study_instance_uid', 'text', (c) => c.notNull())
        .addColumn('orthanc_study_id', 'text')
        .addColumn('instance_count', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('import_studies_pk', ['import_id', 'study_instance_uid'])
        .execute();
      await db.schema.createIndex('import_studies_uid').on('import_studies').column('study_instance_uid').execute();
    },
  };
}
