import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Config } from '../config/config-schema.ts';
import type { CoercionJobRow, Database } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import type { OrthancClient } from '../orthanc/orthanc-client.ts';
import { PollingLoop } from '../shared/polling-loop.ts';
import { coerceStudy } from './coerce-study.ts';
import { nextDueJob, planOf } from './coercion-jobs.ts';

// Runs coercion jobs one at a time (each one rewrites its study with several requests in
// flight). A job interrupted by a crash is found again in state `running` and completed.

const SYSTEM_ACTOR = { userId: null, username: 'system:coercion', sourceIp: null };
const MAX_DELAY_MS = 10 * 60_000;

export interface CoercionWorkerOptions {
  db: Kysely<Database>;
  orthanc: OrthancClient;
  audit: AuditLog;
  log: Logger;
  config: Config['coercion'];
  now?: () => Date;
}

export class CoercionWorker {
  readonly #options: CoercionWorkerOptions;
  readonly #loop: PollingLoop;

  constructor(options: CoercionWorkerOptions) {
    this.#options = options;
    this.#loop = new PollingLoop({
      pass: () => this.runDue(),
      idleMs: options.config.pollIntervalMs,
      onError: (error) => options.log.error({ err: error }, 'coercion worker pass failed'),
    });
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  wake(): void {
    this.#loop.wake();
  }

  /** Runs every due job now (tests, benchmarks); returns how many ran. */
  async runDue(): Promise<number> {
    let ran = 0;
    for (;;) {
      const job = await nextDueJob(this.#options.db, this.#now());
      if (job === undefined) return ran;
      await this.#runJob(job);
      ran += 1;
    }
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  async #runJob(job: CoercionJobRow): Promise<void> {
    const { db, orthanc, log, config, audit } = this.#options;
    const plan = planOf(job);
    const attempts = job.attempts + 1;
    const started = new Date().toISOString();
    await db
      .updateTable('coercion_jobs')
      .set({ state: 'running', attempts, updated_at: started })
      .where('id', '=', job.id)
      .execute();
    const begin = performance.now();
    try {
      const outcome = await coerceStudy({
        orthanc,
        plan,
        spoolDir: join(config.spoolDir, job.study_id),
        concurrency: config.concurrency,
        log,
        orthancJobId: job.orthanc_job_id,
        onOrthancJob: async (orthancJobId) => {
          await db
            .updateTable('coercion_jobs')
            .set({ orthanc_job_id: orthancJobId })
            .where('id', '=', job.id)
            .execute();
        },
      });
      const finished = new Date().toISOString();
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('coercion_jobs')
          .set({ state: 'done', last_error: null, finished_at: finished, updated_at: finished, next_attempt_at: null })
          .where('id', '=', job.id)
          .execute();
        const newer = await trx
          .selectFrom('coercion_jobs')
          .select('id')
          .where('study_id', '=', job.study_id)
          .where('id', '>', job.id)
          .where('state', 'in', ['pending', 'retry_wait'])
          .executeTakeFirst();
        await trx
          .updateTable('studies')
          .set({
            orthanc_id: outcome.targetStudyId,
            coerced_patient_id: plan.target.patientId,
            coercion_state: newer === undefined ? 'done' : 'pending',
            updated_at: finished,
          })
          .where('id', '=', job.study_id)
          .execute();
      });
      const seconds = (performance.now() - begin) / 1000;
      log.info(
        { studyId: job.study_id, jobId: job.id, instances: outcome.instances, strategies: outcome.strategies, seconds },
        'study coerced',
      );
      await audit.record({
        type: 'studyReconciled',
        actor: SYSTEM_ACTOR,
        object: { type: 'study', id: job.study_id },
        details: {
          step: 'coerced',
          jobId: job.id,
          reason: plan.reason,
          why: plan.why,
          instances: outcome.instances,
          strategies: outcome.strategies,
          patientId: plan.target.patientId,
          accessionNumber: plan.target.accessionNumber,
        },
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const failed = attempts >= config.maxAttempts;
      const delay = Math.min(MAX_DELAY_MS, config.retryBaseMs * 2 ** (attempts - 1));
      const now = new Date();
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('coercion_jobs')
          .set({
            state: failed ? 'failed' : 'retry_wait',
            last_error: message,
            next_attempt_at: failed ? null : new Date(now.getTime() + delay).toISOString(),
            updated_at: now.toISOString(),
            finished_at: failed ? now.toISOString() : null,
          })
          .where('id', '=', job.id)
          .execute();
        if (failed) {
          await trx
            .updateTable('studies')
            .set({
              coercion_state: 'failed',
              review_reason: 'coercion-failed',
              review_since: now.toISOString(),
              updated_at: now.toISOString(),
            })
            .where('id', '=', job.study_id)
            .execute();
        }
      });
      log.error({ studyId: job.study_id, jobId: job.id, attempts, err: message }, 'coercion failed');
      if (failed) {
        await audit.record({
          type: 'studyReconciled',
          outcome: 'seriousFailure',
          actor: SYSTEM_ACTOR,
          object: { type: 'study', id: job.study_id },
          details: { step: 'coercion-failed', jobId: job.id, attempts, error: message },
        });
      }
    }
  }
}
