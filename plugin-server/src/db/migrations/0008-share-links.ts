import type { Kysely } from 'kysely';

// Share links (issue #8) and the short-lived, study-scoped viewer sessions they are exchanged for.
// Tokens of both are stored only as SHA-256 hashes: a copy of the database opens nothing.
export function shareLinksMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('share_links')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('pin_hash', 'text')
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('created_by_user_id', 'text', (c) => c.notNull())
        .addColumn('created_by_username', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('revoked_by', 'text')
        .addColumn('use_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_used_at', 'text')
        .addColumn('expiry_audited', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('share_links_creator')
        .on('share_links')
        .columns(['created_by_user_id', 'created_at'])
        .execute();
      await db.schema
        .createTable('share_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('share_id', 'text', (c) => c.notNull().references('share_links.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('source_ip', 'text', (c) => c.notNull())
        .addColumn('user_agent', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
