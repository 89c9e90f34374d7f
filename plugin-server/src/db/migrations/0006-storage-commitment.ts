import type { Kysely } from 'kysely';

// DICOM destinations that offer storage commitment (PS3.4 J) confirm delivery with it.
export function storageCommitmentMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('destinations')
        .addColumn('storage_commitment', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}
