import type { Kysely } from 'kysely';
import type { Config } from '../config/config-schema.ts';
import type { Database } from '../db/schema.ts';
import { DomainError } from '../domain/errors.ts';
import type { Logger } from '../logger.ts';
import type { OrthancClient } from '../orthanc/orthanc-client.ts';
import { CHANGE_TYPES, type OrthancChange } from '../orthanc/orthanc-schemas.ts';
import { mapConcurrent } from '../shared/map-concurrent.ts';
import { fetchStudySnapshot, type SnapshotResult } from './study-snapshot.ts';
import { markOrthancStudyGone, upsertStudySnapshot } from './study-repository.ts';

const FEED_NAME = 'orthanc-staging';
const FETCH_CONCURRENCY = 4;

export interface ChangeFeedStatus {
  cursor: number;
  lastSweepAt: string | null;
  running: boolean;
  lastError: string | null;
}

export interface BatchResult {
  /** Orthanc has no further changes after this batch. */
  done: boolean;
  changesRead: number;
  studiesRecorded: number;
  /** Why this batch made a sweep due, if it did. */
  sweep: 'none' | 'gap' | 'cursor-ahead';
}

/**
 * Follows Orthanc's /changes log (DESIGN.md section 8). The cursor is advanced in the same
 * transaction as the study rows the batch produced, so a crash repeats at most one batch, and
 * repeating it is harmless because rows are keyed by StudyInstanceUID.
 */
export class ChangeFeedFollower {
  private readonly db: Kysely<Database>;
  private readonly orthanc: OrthancClient;
  private readonly options: Config['changes'];
  private readonly log: Logger;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private lastError: string | null = null;
  private lastSweepFinished = 0;
  private sweepDue = false;

  constructor(db: Kysely<Database>, orthanc: OrthancClient, options: Config['changes'], log: Logger) {
    this.db = db;
    this.orthanc = orthanc;
    this.options = options;
    this.log = log.child({ component: 'change-feed' });
  }

  async cursor(): Promise<number> {
    const row = await this.db
      .selectFrom('change_feed')
      .select('last_seq')
      .where('name', '=', FEED_NAME)
      .executeTakeFirst();
    return row?.last_seq ?? 0;
  }

  async status(): Promise<ChangeFeedStatus> {
    const row = await this.db.selectFrom('change_feed').selectAll().where('name', '=', FEED_NAME).executeTakeFirst();
    return {
      cursor: row?.last_seq ?? 0,
      lastSweepAt: row?.last_sweep_at ?? null,
      running: this.loop !== undefined && !this.stopping,
      lastError: this.lastError,
    };
  }

  private async saveCursor(executor: Kysely<Database>, seq: number): Promise<void> {
    const now = new Date().toISOString();
    await executor
      .insertInto('change_feed')
      .values({ name: FEED_NAME, last_seq: seq, last_sweep_at: null, updated_at: now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ last_seq: seq, updated_at: now }))
      .execute();
  }

  private async snapshots(orthancIds: string[]): Promise<SnapshotResult[]> {
    const results = await mapConcurrent(orthancIds, FETCH_CONCURRENCY, async (id) => {
      try {
        return await fetchStudySnapshot(this.orthanc, id, this.log);
      } catch (error) {
        // Orthanc down: give up the batch (the cursor stays) and try again later.
        if (error instanceof DomainError && error.code === 'orthanc_unavailable') throw error;
        // One unreadable study must not block the feed; the next sweep looks at it again.
        this.log.error({ orthancId: id, err: error }, 'could not read study; left for the next sweep');
        return undefined;
      }
    });
    return results.filter((result): result is SnapshotResult => result !== undefined);
  }

  private async record(results: SnapshotResult[], cursor: number | undefined): Promise<number> {
    let recorded = 0;
    await this.db.transaction().execute(async (trx) => {
      for (const result of results) {
        if (result.kind === 'gone') {
          await markOrthancStudyGone(trx, result.orthancId);
        } else if (result.snapshot.StudyInstanceUID === '') {
          this.log.warn({ orthancId: result.snapshot.orthancId }, 'study without StudyInstanceUID ignored');
        } else {
          await upsertStudySnapshot(trx, result.snapshot);
          recorded++;
        }
      }
      if (cursor !== undefined) await this.saveCursor(trx, cursor);
    });
    return recorded;
  }

  /** Reads and records one page of changes. A lost stretch of the log makes a sweep due. */
  async processBatch(): Promise<BatchResult> {
    const cursor = await this.cursor();
    const page = await this.orthanc.changes(cursor, this.options.batchSize);
    if (page.Last < cursor) {
      // Orthanc's log restarted below our cursor: its database was replaced or restored.
      this.log.warn({ cursor, last: page.Last }, 'cursor is ahead of Orthanc; a full sweep is due');
      this.sweepDue = true;
      await this.saveCursor(this.db, page.Last);
      return { done: true, changesRead: 0, studiesRecorded: 0, sweep: 'cursor-ahead' };
    }
    // Orthanc 1.10.1 answers `Last` = the last change returned when the page has any, and the
    // newest sequence number of the whole log only when the page is empty; so an erased tail of
    // the log shows up as an empty page whose Last is beyond the cursor.
    const first = page.Changes[0];
    const gap = first === undefined ? page.Last > cursor : first.Seq > cursor + 1;
    if (gap) {
      // Changes we never read are gone (DELETE /changes, or rows Orthanc removed together with
      // their resources). A sweep finds whatever they were about.
      this.log.info({ cursor, next: first?.Seq ?? null, last: page.Last }, 'gap in the changes log; a sweep is due');
      this.sweepDue = true;
    }
    if (first === undefined) {
      if (gap) await this.saveCursor(this.db, page.Last);
      return { done: true, changesRead: 0, studiesRecorded: 0, sweep: gap ? 'gap' : 'none' };
    }
    const { studies, deleted } = studiesTouched(page.Changes);
    const results = [
      ...(await this.snapshots(studies)),
      ...deleted.map((orthancId): SnapshotResult => ({ kind: 'gone', orthancId })),
    ];
    const lastSeq = page.Changes[page.Changes.length - 1]?.Seq ?? cursor;
    const recorded = await this.record(results, lastSeq);
    return {
      done: page.Done,
      changesRead: page.Changes.length,
      studiesRecorded: recorded,
      sweep: gap ? 'gap' : 'none',
    };
  }

  /** Whether a gap or a restored Orthanc asked for a sweep that has not run yet. */
  get isSweepDue(): boolean {
    return this.sweepDue;
  }

  /**
   * Compares Orthanc's study list with ours: records studies we do not know or that are still
   * `received`, and marks as gone those Orthanc no longer has.
   */
  async sweep(): Promise<number> {
    this.sweepDue = false;
    const orthancIds = new Set(await this.orthanc.studyIds());
    const known = await this.db
      .selectFrom('studies')
      .select(['orthanc_id', 'state'])
      .where('orthanc_id', 'is not', null)
      .execute();
    const knownIds = new Map(known.map((row) => [row.orthanc_id ?? '', row.state]));
    const toFetch = [...orthancIds].filter((id) => knownIds.get(id) === undefined || knownIds.get(id) === 'received');
    const vanished = [...knownIds.keys()].filter((id) => !orthancIds.has(id));
    const results = await this.snapshots([...toFetch, ...vanished]);
    const recorded = await this.record(results, undefined);
    const now = new Date().toISOString();
    await this.db
      .insertInto('change_feed')
      .values({ name: FEED_NAME, last_seq: 0, last_sweep_at: now, updated_at: now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ last_sweep_at: now, updated_at: now }))
      .execute();
    this.lastSweepFinished = Date.now();
    this.log.info(
      { orthancStudies: orthancIds.size, fetched: toFetch.length, vanished: vanished.length },
      'sweep finished',
    );
    return recorded;
  }

  /** Processes batches until an empty page (which also reveals an erased tail), then any due sweep. */
  async catchUp(): Promise<number> {
    let total = 0;
    for (;;) {
      const result = await this.processBatch();
      total += result.studiesRecorded;
      if (result.done && result.changesRead === 0) break;
    }
    if (this.sweepDue) total += await this.sweep();
    return total;
  }

  start(): void {
    if (this.loop !== undefined) return;
    this.stopping = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    let nextPeriodicSweep = 0;
    while (!this.stopping) {
      try {
        // A sweep at start catches studies whose StableStudy event was lost to a restart.
        if (Date.now() >= nextPeriodicSweep) {
          await this.sweep();
          nextPeriodicSweep = Date.now() + this.options.sweepIntervalMs;
        } else if (this.sweepDue && Date.now() - this.lastSweepFinished >= this.options.gapSweepDelayMs) {
          await this.sweep();
        }
        const result = await this.processBatch();
        failures = 0;
        this.lastError = null;
        if (result.done) await this.sleep(this.options.pollIntervalMs);
      } catch (error) {
        failures++;
        this.lastError = error instanceof Error ? error.message : String(error);
        const delay = Math.min(this.options.pollIntervalMs * 2 ** failures, 10_000);
        this.log.error({ err: error, failures, retryInMs: delay }, 'change feed failed; retrying');
        await this.sleep(delay);
      }
    }
  }
}

/** The studies a page of changes is about, each once, and the studies it reports deleted. */
export function studiesTouched(changes: readonly OrthancChange[]): { studies: string[]; deleted: string[] } {
  const studies = new Set<string>();
  const deleted = new Set<string>();
  for (const change of changes) {
    if (change.ResourceType !== 'Study') continue;
    if (change.ChangeType === CHANGE_TYPES.deleted) {
      deleted.add(change.ID);
      studies.delete(change.ID);
    } else if (change.ChangeType === CHANGE_TYPES.newStudy || change.ChangeType === CHANGE_TYPES.stableStudy) {
      studies.add(change.ID);
      deleted.delete(change.ID);
    }
  }
  return { studies: [...studies], deleted: [...deleted] };
}
