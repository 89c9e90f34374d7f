import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migration-context.ts';

// The foundation schema: users, sessions, audit log, change-feed cursor, studies.
export function foundationMigration(context: MigrationContext) {
  const { serialPrimaryKey } = context;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('source_ip', 'text', (c) => c.notNull())
        .addColumn('user_agent', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

      await serialPrimaryKey(db.schema.createTable('audit_events'), 'seq')
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('event_name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('outcome', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'text')
        .addColumn('username', 'text')
        .addColumn('source_ip', 'text')
        .addColumn('object_type', 'text')
        .addColumn('object_id', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('audit_events_object')
        .on('audit_events')
        .columns(['object_type', 'object_id'])
        .execute();
      await context.appendOnly(db, 'audit_events');

      await db.schema
        .createTable('change_feed')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('last_seq', 'integer', (c) => c.notNull())
        .addColumn('last_sweep_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('studies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('study_instance_uid', 'text', (c) => c.notNull().unique())
        .addColumn('orthanc_id', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('original_patient_id', 'text', (c) => c.notNull())
        .addColumn('original_issuer_of_patient_id', 'text', (c) => c.notNull())
        .addColumn('original_patient_name', 'text', (c) => c.notNull())
        .addColumn('original_patient_birth_date', 'text', (c) => c.notNull())
        .addColumn('original_patient_sex', 'text', (c) => c.notNull())
        .addColumn('original_accession_number', 'text', (c) => c.notNull())
        .addColumn('study_date', 'text', (c) => c.notNull())
        .addColumn('study_description', 'text', (c) => c.notNull())
        .addColumn('institution_name', 'text', (c) => c.notNull())
        .addColumn('modalities', 'text', (c) => c.notNull())
        .addColumn('series_count', 'integer', (c) => c.notNull())
        .addColumn('instance_count', 'integer', (c) => c.notNull())
        .addColumn('first_seen_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('studies_orthanc_id').on('studies').column('orthanc_id').execute();
      await db.schema
        .createIndex('studies_state_first_seen')
        .on('studies')
        .columns(['state', 'first_seen_at'])
        .execute();
      await db.schema.createIndex('studies_first_seen').on('studies').column('first_seen_at').execute();

      await serialPrimaryKey(db.schema.createTable('study_transitions'), 'seq')
        .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id'))
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('study_transitions_study').on('study_transitions').column('study_id').execute();
    },
  };
}
