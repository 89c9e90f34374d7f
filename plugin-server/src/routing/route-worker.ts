import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.ts';
import { recordTransition } from '../changes/study-repository.ts';
import type { Config } from '../config/config-schema.ts';
import type { Database, DestinationRow, RouteJobRow } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import type { OrthancClient } from '../orthanc/orthanc-client.ts';
import { mapConcurrent } from '../shared/map-concurrent.ts';
import { PollingLoop } from '../shared/polling-loop.ts';
import { deliverStudy } from './deliver-study.ts';
import { deliverToDicomWeb } from './deliver-to-dicomweb.ts';
import { deliverToPeer } from './deliver-to-peer.ts';
import { dueJobs, moveJob } from './route-jobs-store.ts';

// The outbox's workers: one loop per destination, so a dead PACS only ever delays its own jobs.
// Each pass takes the destination's due jobs (up to its concurrency) and makes one attempt each.
// A job interrupted by a crash is found again in `sending` or `sent` and simply attempted again:
// the delivery asks the destination what it holds first, so nothing is sent twice.

const SYSTEM_ACTOR = { userId: null, username: 'system:routing', sourceIp: null };
const MAX_DELAY_MS = 10 * 60_000;
const PEER_TIMEOUT_MS = 120_000;

export interface RouteWorkersOptions {
  db: Kysely<Database>;
  orthanc: OrthancClient;
  audit: AuditLog;
  log: Logger;
  config: Config['routing'];
  /** The Orthanc modality name of a destination. */
  modalityOf: (destination: DestinationRow) => string;
}

export class RouteWorkers {
  readonly #options: RouteWorkersOptions;
  readonly #loops = new Map<string, PollingLoop>();
  #running = false;
  #supervisor: NodeJS.Timeout | undefined;

  constructor(options: RouteWorkersOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#refresh();
    this.#supervisor = setInterval(() => void this.#refresh(), this.#options.config.pollIntervalMs);
    this.#supervisor.unref();
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearInterval(this.#supervisor);
    await Promise.all([...this.#loops.values()].map((loop) => loop.stop()));
    this.#loops.clear();
  }

  /** New jobs were queued: every worker looks now instead of at its next poll. */
  wake(): void {
    void this.#refresh();
    for (const loop of this.#loops.values()) loop.wake();
  }

  /** Runs one pass for every destination (tests, benchmarks). */
  async runOnce(): Promise<number> {
    let ran = 0;
    for (const destination of await this.#destinations()) ran += await this.#pass(destination);
    return ran;
  }

  /** One loop per enabled destination: started when it appears, stopped when it goes. */
  async #refresh(): Promise<void> {
    if (!this.#running) return;
    let destinations: DestinationRow[];
    try {
      destinations = await this.#destinations();
    } catch (error) {
      this.#options.log.error({ err: error }, 'routing: could not read destinations');
      return;
    }
    if (!this.#running) return;
    const wanted = new Set(destinations.map((destination) => destination.id));
    for (const [id, loop] of this.#loops) {
      if (!wanted.has(id)) {
        this.#loops.delete(id);
        void loop.stop();
      }
    }
    for (const destination of destinations) {
      if (this.#loops.has(destination.id)) continue;
      const loop = new PollingLoop({
        pass: () => this.#passById(destination.id),
        idleMs: this.#options.config.pollIntervalMs,
        onError: (error) =>
          this.#options.log.error({ err: error, destinationId: destination.id }, 'routing pass failed'),
      });
      this.#loops.set(destination.id, loop);
      loop.start();
    }
  }

  #destinations(): Promise<DestinationRow[]> {
    return this.#options.db
      .selectFrom('destinations')
      .selectAll()
      .where('enabled', '=', 1)
      .where('kind', 'in', ['dicom', 'orthanc-peer', 'dicomweb'])
      .execute();
  }

  async #passById(destinationId: string): Promise<number> {
    const destination = await this.#options.db
      .selectFrom('destinations')
      .selectAll()
      .where('id', '=', destinationId)
      .executeTakeFirst();
    if (destination === undefined || destination.enabled !== 1) return 0;
    return this.#pass(destination);
  }

  async #pass(destination: DestinationRow): Promise<number> {
    const jobs = await dueJobs(this.#options.db, destination.id, new Date(), destination.concurrency);
    await mapConcurrent(jobs, destination.concurrency, (job) => this.#attempt(destination, job));
    return jobs.length;
  }

  async #attempt(destination: DestinationRow, job: RouteJobRow): Promise<void> {
    const { db, orthanc, log, config, audit } = this.#options;
    const study = await db.selectFrom('studies').selectAll().where('id', '=', job.study_id).executeTakeFirst();
    if (study === undefined || study.orthanc_id === null) {
      await moveJob(db, job, 'dead', 'the study is no longer in the staging archive', {
        lastError: 'the study is no longer in the staging archive',
      });
      return;
    }
    // Its identifiers are being rewritten (a merge, a changed order): send once that is done.
    if (study.coercion_state === 'pending') return;
    const attempts = job.attempts + 1;
    let current = await moveJob(db, job, 'sending', `attempt ${attempts}`, { attempts });
    const common = {
      orthanc,
      orthancStudyId: study.orthanc_id,
      StudyInstanceUID: study.study_instance_uid,
      patientId: study.coerced_patient_id ?? study.original_patient_id,
      onProgress: async (sent: number) => {
        await db.updateTable('route_jobs').set({ instances_sent: sent }).where('id', '=', job.id).execute();
      },
    };
    const http = {
      name: this.#options.modalityOf(destination),
      url: destination.url ?? '',
      username: destination.username,
      password: destination.password,
    };
    const delivery =
      destination.kind === 'orthanc-peer'
        ? deliverToPeer({ ...common, peer: http, timeoutMs: PEER_TIMEOUT_MS })
        : destination.kind === 'dicomweb'
          ? deliverToDicomWeb({ ...common, server: http })
          : deliverStudy({
              ...common,
              modality: this.#options.modalityOf(destination),
              storageCommitment: destination.storage_commitment === 1,
            });
    const outcome = await delivery.catch((error: unknown) => ({
      kind: 'retry' as const,
      message: error instanceof Error ? error.message : String(error),
      sent: 0,
    }));
    const ids = { studyId: study.id, jobId: job.id, destination: destination.name };

    if (outcome.kind === 'verified') {
      current = await moveJob(db, current, 'sent', `${outcome.sent} instances sent`, { instancesSent: outcome.sent });
      await moveJob(db, current, 'verified', `${outcome.held} instances held (${outcome.verification})`, {
        instancesVerified: outcome.held,
        lastError: null,
        nextAttemptAt: null,
      });
      log.info({ ...ids, sent: outcome.sent, held: outcome.held }, 'study delivered');
      await audit.record({
        type: 'studyExported',
        actor: SYSTEM_ACTOR,
        object: { type: 'study', id: study.id },
        details: { ...ids, sent: outcome.sent, verified: outcome.held, verification: outcome.verification },
      });
      await this.#archiveWhenComplete(study.id);
      return;
    }

    const final = outcome.kind !== 'retry' || attempts >= config.maxAttempts;
    const delay = Math.min(MAX_DELAY_MS, config.retryBaseMs * 2 ** (attempts - 1));
    await moveJob(db, current, final ? 'dead' : 'retry_wait', outcome.message, {
      lastError: outcome.message,
      nextAttemptAt: final ? null : new Date(Date.now() + delay).toISOString(),
    });
    log.warn({ ...ids, attempts, outcome: outcome.kind, final, reason: outcome.message }, 'delivery failed');
    await audit.record({
      type: 'studyExported',
      outcome: final ? 'seriousFailure' : 'minorFailure',
      actor: SYSTEM_ACTOR,
      object: { type: 'study', id: study.id },
      details: { ...ids, attempts, failure: outcome.kind, message: outcome.message, final },
    });
  }

  /** A study whose every route job is verified is `archived`. */
  async #archiveWhenComplete(studyId: string): Promise<void> {
    await this.#options.db.transaction().execute(async (trx) => {
      const jobs = await trx.selectFrom('route_jobs').select('state').where('study_id', '=', studyId).execute();
      const live = jobs.filter((job) => job.state !== 'cancelled');
      if (live.length === 0 || live.some((job) => job.state !== 'verified')) return;
      const study = await trx.selectFrom('studies').select('state').where('id', '=', studyId).executeTakeFirst();
      if (study?.state !== 'queued') return;
      await trx
        .updateTable('studies')
        .set({ state: 'archived', updated_at: new Date().toISOString() })
        .where('id', '=', studyId)
        .execute();
      await recordTransition(trx, studyId, 'queued', 'archived', 'system:routing', 'every destination verified');
    });
  }
}
