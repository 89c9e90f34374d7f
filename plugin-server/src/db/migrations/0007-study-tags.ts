import type { Kysely } from 'kysely';

// Tags a physician puts on an outside study (DESIGN.md section 3: independent of its state). One row
// per (study, tag); who set it and why are kept with it, the history is in the audit log.
export function studyTagsMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('study_tags')
        .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id'))
        .addColumn('tag', 'text', (c) => c.notNull())
        .addColumn('tagged_by', 'text', (c) => c.notNull())
        .addColumn('tagged_at', 'text', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('study_tags_pk', ['study_id', 'tag'])
        .execute();
    },
  };
}
