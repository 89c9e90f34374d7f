// Kysely's SQLite driver prepares every query anew (better-sqlite3's db.prepare per call), and
// measured here that costs more than running the query: in the HL7 benchmark, prepare() took about
// a fifth of all CPU time. Statements are reusable, so this wrapper keeps the most recently used
// ones by SQL text. Safe because Kysely's single SQLite connection runs one query at a time; it
// would not be with streamQuery (an iterating statement is busy), which the bridge does not use.
// The sidecar can wrap its own connection the same way (plugin-server/src/db/database.ts).

import type { SqliteDatabase, SqliteStatement } from 'kysely';

export function withStatementCache(database: SqliteDatabase, capacity = 500): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close() {
      cache.clear();
      database.close();
    },
    prepare(sql) {
      const cached = cache.get(sql);
      if (cached !== undefined) {
        // Map keeps insertion order: re-inserting marks the statement most recently used.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > capacity) {
        const oldest = cache.keys().next();
        if (oldest.done !== true) cache.delete(oldest.value);
      }
      return statement;
    },
  };
}
