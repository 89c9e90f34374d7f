import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migration-context.ts';

// Routing (DESIGN.md section 7): destinations, ordered rules, and the durable outbox of route
// jobs, one per (study, destination), with the history of each job.
export function routingMigration(context: MigrationContext) {
  const { serialPrimaryKey } = context;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('destinations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('aet', 'text')
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('port', 'integer', (c) => c.notNull())
        .addColumn('url', 'text')
        .addColumn('username', 'text')
        .addColumn('password', 'text')
        .addColumn('concurrency', 'integer', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('routing_rules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('match', 'text', (c) => c.notNull())
        .addColumn('destinations', 'text', (c) => c.notNull())
        .addColumn('is_default', 'integer', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await serialPrimaryKey(db.schema.createTable('route_jobs'), 'id')
        .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id'))
        .addColumn('destination_id', 'text', (c) => c.notNull().references('destinations.id'))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text')
        .addColumn('last_error', 'text')
        .addColumn('instances_sent', 'integer', (c) => c.notNull())
        .addColumn('instances_verified', 'integer', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('route_jobs_destination_state')
        .on('route_jobs')
        .columns(['destination_id', 'state', 'next_attempt_at'])
        .execute();
      await db.schema.createIndex('route_jobs_study').on('route_jobs').columns(['study_id']).execute();

      await serialPrimaryKey(db.schema.createTable('route_job_events'), 'id')
        .addColumn('job_id', 'integer', (c) => c.notNull().references('route_jobs.id'))
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('route_job_events_job').on('route_job_events').columns(['job_id', 'id']).execute();
    },
  };
}
