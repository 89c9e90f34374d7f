import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { studyTagSchema, type StudyTag } from '../domain/viewer-panel.ts';

// Tags are independent of the study's state (DESIGN.md section 3); one row per (study, tag).

type Executor = Kysely<Database> | Transaction<Database>;

export interface StudyTagRow {
  tag: StudyTag;
  by: string;
  at: string;
  note: string;
}

/** Sets a tag; false when the study already carried it (the first tagging is kept). */
export async function tagStudy(
  db: Executor,
  studyId: string,
  tag: StudyTag,
  by: string,
  note: string,
): Promise<boolean> {
  const inserted = await db
    .insertInto('study_tags')
    .values({ study_id: studyId, tag, tagged_by: by, tagged_at: new Date().toISOString(), note })
    .onConflict((conflict) => conflict.columns(['study_id', 'tag']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Removes a tag; false when the study did not carry it. */
export async function untagStudy(db: Executor, studyId: string, tag: StudyTag): Promise<boolean> {
  const deleted = await db
    .deleteFrom('study_tags')
    .where('study_id', '=', studyId)
    .where('tag', '=', tag)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows) > 0;
}

export async function tagsOfStudy(db: Executor, studyId: string): Promise<StudyTagRow[]> {
  const rows = await db
    .selectFrom('study_tags')
    .selectAll()
    .where('study_id', '=', studyId)
    .orderBy('tagged_at')
    .execute();
  return rows.map((row) => ({
    tag: studyTagSchema.parse(row.tag),
    by: row.tagged_by,
    at: row.tagged_at,
    note: row.note,
  }));
}
