// May this principal see these studies? The staging Orthanc only holds outside studies, but the
// sidecar's `studies` table is the authority: a study Orthanc has and the sidecar does not know
// (uploaded around the sidecar), or one the sidecar has purged, is never shown. A share recipient
// sees its one study and nothing else.

import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { studyStateSchema, type StudyState } from '../domain/study-state.ts';
import type { ViewerPrincipal } from './viewer-principal.ts';

export interface VisibleStudy {
  /** The sidecar's study id (audit object id). */
  id: string;
  studyInstanceUid: string;
  state: StudyState;
}

/** UIDs per query: below every engine's bound-parameter limit; one query for any real answer. */
const UIDS_PER_QUERY = 500;

/** The UIDs worth looking up for this principal (pure). */
export function candidateUids(principal: ViewerPrincipal, uids: Iterable<string>): string[] {
  const unique = [...new Set(uids)];
  return principal.kind === 'share' ? unique.filter((uid) => uid === principal.studyInstanceUid) : unique;
}

export class StudyAccess {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  /** The studies among `uids` the principal may see, by StudyInstanceUID. */
  async visible(principal: ViewerPrincipal, uids: Iterable<string>): Promise<Map<string, VisibleStudy>> {
    const candidates = candidateUids(principal, uids);
    const visible = new Map<string, VisibleStudy>();
    for (let start = 0; start < candidates.length; start += UIDS_PER_QUERY) {
      const rows = await this.db
        .selectFrom('studies')
        .select(['id', 'study_instance_uid', 'state'])
        .where('study_instance_uid', 'in', candidates.slice(start, start + UIDS_PER_QUERY))
        .where('state', '!=', 'purged')
        .execute();
      for (const row of rows) {
        // A state this code does not know is not shown (fail closed).
        const state = studyStateSchema.safeParse(row.state);
        if (!state.success) continue;
        visible.set(row.study_instance_uid, {
          id: row.id,
          studyInstanceUid: row.study_instance_uid,
          state: state.data,
        });
      }
    }
    return visible;
  }

  /** The study if the principal may see it; `undefined` whether it is hidden or does not exist. */
  async one(principal: ViewerPrincipal, studyInstanceUid: string): Promise<VisibleStudy | undefined> {
    return (await this.visible(principal, [studyInstanceUid])).get(studyInstanceUid);
  }
}
