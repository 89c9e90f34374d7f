import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migration-context.ts';

// Reconciliation (DESIGN.md sections 3, 4, 6): what the matcher concluded for each study, the
// local identity it was given, whether it waits on the radiology worklist, and the durable jobs
// that rewrite its instances in Orthanc.
export function reconciliationMigration(context: MigrationContext) {
  const { serialPrimaryKey } = context;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const columns: [string, 'text' | 'integer'][] = [
        ['department', 'text'],
        ['claimed_mrn', 'text'],
        ['claimed_mrn_issuer', 'text'],
        ['match_result', 'text'],
        ['matched_at', 'text'],
        ['review_reason', 'text'],
        ['review_since', 'text'],
        ['resolution', 'text'],
        ['resolved_by', 'text'],
        ['local_mrn', 'text'],
        ['local_mrn_issuer', 'text'],
        ['local_patient_name', 'text'],
        ['local_patient_birth_date', 'text'],
        ['local_patient_sex', 'text'],
        ['local_accession_number', 'text'],
        ['matched_order_id', 'integer'],
        ['coercion_state', 'text'],
        ['coerced_patient_id', 'text'],
      ];
      // SQLite adds one column per ALTER TABLE statement.
      for (const [name, type] of columns) {
        await db.schema.alterTable('studies').addColumn(name, type).execute();
      }
      await db.schema
        .alterTable('studies')
        .addColumn('match_needed', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('studies_worklist')
        .on('studies')
        .columns(['review_reason', 'first_seen_at'])
        .execute();
      // The worklist's filters and its count read only this partial, covering index (the table
      // itself carries the match results and is large): measured 85-240 ms -> 1-5 ms at 100k studies.
      await db.schema
        .createIndex('studies_worklist_filters')
        .on('studies')
        .columns(['first_seen_at', 'id', 'review_reason', 'state', 'department', 'modalities'])
        .where(sql.ref('review_reason'), 'is not', null)
        .execute();
      await db.schema.createIndex('studies_match_needed').on('studies').columns(['match_needed']).execute();
      await db.schema.createIndex('studies_local_mrn').on('studies').columns(['local_mrn']).execute();
      await db.schema.createIndex('studies_claimed_mrn').on('studies').columns(['claimed_mrn']).execute();
      await db.schema.createIndex('studies_matched_order').on('studies').columns(['matched_order_id']).execute();
      await db.schema
        .createIndex('studies_birth_date')
        .on('studies')
        .columns(['original_patient_birth_date'])
        .execute();

      await serialPrimaryKey(db.schema.createTable('coercion_jobs'), 'id')
        .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id'))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('plan', 'text', (c) => c.notNull())
        .addColumn('orthanc_job_id', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('next_attempt_at', 'text')
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema.createIndex('coercion_jobs_state').on('coercion_jobs').columns(['state', 'id']).execute();
      await db.schema.createIndex('coercion_jobs_study').on('coercion_jobs').columns(['study_id', 'id']).execute();

      // Cursors over the HL7 bridge's order and patient event tables (like change_feed's).
      await db.schema
        .createTable('event_cursors')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('last_id', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
