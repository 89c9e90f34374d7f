import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { PollingLoop } from '../shared/polling-loop.ts';
import { dicomDate } from './local-identity.ts';
import { rekeyMergedPatient, runMatching, unmatchOrder, type ReconcileDeps } from './reconcile-study.ts';

// The matching worker: follows the HL7 bridge's order and patient events (durable cursors, like
// the change feed's), turns them into un-matches, re-keys and "match again" flags, and runs the
// matcher for every flagged study. Studies are flagged when they become ready, when an order or
// patient that concerns them arrives or changes, and on demand.

const ORDER_CURSOR = 'hl7-order-events';
const PATIENT_CURSOR = 'hl7-patient-events';
const BATCH = 200;

const mergeDetailsSchema = z.looseObject({ patientId: z.number().int() });

export interface ReconcilerOptions extends ReconcileDeps {
  pollIntervalMs: number;
  /** Called after a pass that queued coercion jobs. */
  onCoercionQueued?: () => void;
}

export class Reconciler {
  readonly #options: ReconcilerOptions;
  readonly #loop: PollingLoop;

  constructor(options: ReconcilerOptions) {
    this.#options = options;
    this.#loop = new PollingLoop({
      pass: () => this.runOnce(),
      idleMs: options.pollIntervalMs,
      onError: (error) => options.log.error({ err: error }, 'reconciliation pass failed'),
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

  /** One pass: HL7 events, then flagged studies. Returns how much work it did. */
  async runOnce(): Promise<number> {
    const events = (await this.#orderEvents()) + (await this.#patientEvents());
    const matched = await this.#flaggedStudies();
    if (matched > 0 || events > 0) this.#options.onCoercionQueued?.();
    return events + matched;
  }

  async #cursor(name: string): Promise<number> {
    const row = await this.#options.db
      .selectFrom('event_cursors')
      .select('last_id')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.last_id ?? 0;
  }

  async #advance(db: Kysely<Database>, name: string, lastId: number): Promise<void> {
    const now = new Date().toISOString();
    await db
      .insertInto('event_cursors')
      .values({ name, last_id: lastId, updated_at: now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ last_id: lastId, updated_at: now }))
      .execute();
  }

  async #orderEvents(): Promise<number> {
    const { db } = this.#options;
    const since = await this.#cursor(ORDER_CURSOR);
    const events = await db
      .selectFrom('hl7_order_events as e')
      .innerJoin('hl7_orders as o', 'o.id', 'e.order_id')
      .select([
        'e.id as eventId',
        'e.event',
        'o.id as orderId',
        'o.mrn',
        'o.study_instance_uid',
        'o.patient_birth_date',
        'o.status',
      ])
      .where('e.id', '>', since)
      .orderBy('e.id')
      .limit(BATCH)
      .execute();
    for (const event of events) {
      if (event.event === 'cancelled' || event.event === 'discontinued') {
        await unmatchOrder(this.#options, event.orderId, `order ${event.orderId} ${event.event}`);
      } else if (event.event !== 'no_change') {
        await flagStudiesFor(db, {
          mrn: event.mrn,
          studyUid: event.study_instance_uid,
          birthDate: event.patient_birth_date,
          orderId: event.orderId,
        });
      }
      await this.#advance(db, ORDER_CURSOR, event.eventId);
    }
    return events.length;
  }

  async #patientEvents(): Promise<number> {
    const { db } = this.#options;
    const since = await this.#cursor(PATIENT_CURSOR);
    const events = await db
      .selectFrom('hl7_patient_events as e')
      .innerJoin('hl7_patients as p', 'p.id', 'e.patient_id')
      .select(['e.id as eventId', 'e.event', 'e.details', 'p.mrn', 'p.mrn_issuer', 'p.birth_date'])
      .where('e.id', '>', since)
      .orderBy('e.id')
      .limit(BATCH)
      .execute();
    for (const event of events) {
      if (event.event === 'merged_into') {
        const details = mergeDetailsSchema.safeParse(JSON.parse(event.details));
        const survivor = details.success
          ? await db.selectFrom('hl7_patients').selectAll().where('id', '=', details.data.patientId).executeTakeFirst()
          : undefined;
        if (survivor !== undefined) await rekeyMergedPatient(this.#options, event.mrn, event.mrn_issuer, survivor);
      } else if (event.event === 'created' || event.event === 'updated') {
        await flagStudiesFor(db, { mrn: event.mrn, studyUid: null, birthDate: event.birth_date, orderId: null });
      }
      await this.#advance(db, PATIENT_CURSOR, event.eventId);
    }
    return events.length;
  }

  async #flaggedStudies(): Promise<number> {
    const { db } = this.#options;
    const flagged = await db
      .selectFrom('studies')
      .select('id')
      .where('match_needed', '=', 1)
      .orderBy('first_seen_at')
      .limit(BATCH)
      .execute();
    for (const { id } of flagged) {
      try {
        await runMatching(this.#options, id);
      } catch (error) {
        // One study's failure must not stop the others; it stays flagged and is tried again.
        this.#options.log.error({ studyId: id, err: error }, 'matching failed');
      }
    }
    return flagged.length;
  }
}

/**
 * Flags the studies an order or patient may concern: those identified as (or claimed for) the
 * MRN, those the order names by UID, unidentified ones born the same day, and the study matched
 * to the order (re-scored when the order changes). One UPDATE per indexed column: a single OR
 * of them made SQLite walk every waiting study (40 ms at 100k studies instead of about 1).
 */
export async function flagStudiesFor(
  db: Kysely<Database>,
  about: { mrn: string; studyUid: string | null; birthDate: string | null; orderId: number | null },
): Promise<void> {
  const waiting = (column: 'local_mrn' | 'claimed_mrn' | 'study_instance_uid' | 'original_patient_birth_date') =>
    db
      .updateTable('studies')
      .set({ match_needed: 1 })
      .where('state', 'in', ['ready', 'identified'])
      .where('resolution', 'is', null)
      .where(column, '=', column === 'original_patient_birth_date' ? dicomDate(about.birthDate) : about.mrn);
  await waiting('local_mrn').execute();
  await waiting('claimed_mrn').execute();
  if (about.studyUid !== null) {
    await db
      .updateTable('studies')
      .set({ match_needed: 1 })
      .where('state', 'in', ['ready', 'identified'])
      .where('resolution', 'is', null)
      .where('study_instance_uid', '=', about.studyUid)
      .execute();
  }
  if (dicomDate(about.birthDate) !== '') {
    await waiting('original_patient_birth_date').where('claimed_mrn', 'is', null).execute();
  }
  if (about.orderId !== null) {
    await db
      .updateTable('studies')
      .set({ match_needed: 1 })
      .where('matched_order_id', '=', about.orderId)
      .where('resolution', '=', 'auto')
      .where('state', '=', 'matched')
      .execute();
  }
}
