import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { DomainError, isDomainError } from '../domain/errors.ts';
import { destinationSchema, ROUTE_JOB_STATES, type Destination, type RouteJobState } from '../domain/routing.ts';
import type { OrthancClient } from '../orthanc/orthanc-client.ts';
import { checkDestinationHost, type HostCheckOptions, type HostLookup } from './destination-host-check.ts';
import {
  destinationChangeSchema,
  destinationColumns,
  newDestinationSchema,
  type DestinationChangeInput,
  type NewDestinationInput,
} from './destination-input.ts';

// The `destinations` table (issue #6), and the copy of its DICOM destinations that Orthanc needs
// in its own modality list to C-ECHO, C-FIND and C-STORE (`DicomModalitiesInDatabase`).

/** Route jobs in these states are done with their destination; every other state still needs it. */
export const FINISHED_ROUTE_JOB_STATES: readonly RouteJobState[] = ['verified', 'cancelled'];
const UNFINISHED_ROUTE_JOB_STATES = ROUTE_JOB_STATES.filter((state) => !FINISHED_ROUTE_JOB_STATES.includes(state));

const rowSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  aet: z.string().nullable(),
  host: z.string(),
  port: z.number(),
  url: z.string().nullable(),
  username: z.string().nullable(),
  password: z.string().nullable(),
  concurrency: z.number(),
  enabled: z.number(),
  storage_commitment: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});

/** A row as the API sees it: validated, and without the password. */
export function destinationFromRow(row: unknown): Destination {
  const parsed = rowSchema.parse(row);
  return destinationSchema.parse({
    id: parsed.id,
    name: parsed.name,
    kind: parsed.kind,
    aet: parsed.aet,
    host: parsed.host,
    port: parsed.port,
    url: parsed.url,
    username: parsed.username,
    hasPassword: parsed.password !== null,
    concurrency: parsed.concurrency,
    enabled: parsed.enabled !== 0,
    storageCommitment: parsed.storage_commitment !== 0,
    createdAt: parsed.created_at,
    updatedAt: parsed.updated_at,
  });
}

/** The symbolic name of a DICOM destination in Orthanc's modality list: its own name. */
export function modalityName(destination: Pick<Destination, 'name'>): string {
  return destination.name;
}

const ruleDestinationsSchema = z.array(z.string());

export interface DestinationStoreOptions {
  /** `routing.allowLoopbackDestinations`. */
  allowLoopbackDestinations: boolean;
  /** Resolver for host names (tests); the system resolver when absent. */
  lookup?: HostLookup;
}

export class DestinationStore {
  private readonly db: Kysely<Database>;
  readonly hostCheck: HostCheckOptions;

  constructor(db: Kysely<Database>, options: DestinationStoreOptions) {
    this.db = db;
    this.hostCheck = {
      allowLoopback: options.allowLoopbackDestinations,
      ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
    };
  }

  async list(): Promise<Destination[]> {
    const rows = await this.db.selectFrom('destinations').selectAll().orderBy('name').execute();
    return rows.map(destinationFromRow);
  }

  /** The destination with this id; DomainError 'not_found' when there is none. */
  async get(id: string): Promise<Destination> {
    const row = await this.db.selectFrom('destinations').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new DomainError('not_found', `no destination ${id}`);
    return destinationFromRow(row);
  }

  async byName(name: string): Promise<Destination | undefined> {
    const row = await this.db.selectFrom('destinations').selectAll().where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : destinationFromRow(row);
  }

  /** The stored password of an HTTP destination, for the code that sends to it; never for the API. */
  async password(id: string): Promise<string | null> {
    const row = await this.db.selectFrom('destinations').select('password').where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new DomainError('not_found', `no destination ${id}`);
    return row.password;
  }

  /** Validates (body shape, then host: syntax, DNS, refused ranges) and inserts. */
  async create(input: NewDestinationInput): Promise<Destination> {
    const change = parseOrThrow(newDestinationSchema, input);
    const columns = destinationColumns(change);
    await checkDestinationHost(columns.host, this.hostCheck);
    if ((await this.byName(change.name)) !== undefined) {
      throw new DomainError('conflict', `a destination named ${change.name} already exists`);
    }
    const now = new Date().toISOString();
    const row = {
      id: randomUUID(),
      name: change.name,
      ...columns,
      password: change.kind === 'dicom' ? null : (change.password ?? null),
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('destinations').values(row).execute();
    return destinationFromRow(row);
  }

  /**
   * Replaces every setting but the name (rules refer to destinations by name). The password of an
   * HTTP destination is kept when the change has none, removed when it is null. The host is checked
   * again when it changes or the destination is enabled, not when it is merely disabled (disabling
   * must work while DNS is down).
   */
  async update(id: string, input: DestinationChangeInput): Promise<Destination> {
    const change = parseOrThrow(destinationChangeSchema, input);
    const columns = destinationColumns(change);
    const before = await this.db.selectFrom('destinations').selectAll().where('id', '=', id).executeTakeFirst();
    if (before === undefined) throw new DomainError('not_found', `no destination ${id}`);
    if (columns.enabled === 1 || columns.host !== before.host) await checkDestinationHost(columns.host, this.hostCheck);
    const password = change.kind === 'dicom' ? null : change.password === undefined ? before.password : change.password;
    const updated = { ...before, ...columns, password, updated_at: new Date().toISOString() };
    await this.db
      .updateTable('destinations')
      .set({ ...columns, password, updated_at: updated.updated_at })
      .where('id', '=', id)
      .execute();
    return destinationFromRow(updated);
  }

  /**
   * Why this destination cannot be deleted now, or `null`. Route jobs keep a foreign key to their
   * destination and are the per-study archive history, so any job blocks a deletion: unfinished
   * ones must be finished or cancelled, and a destination with history is disabled instead.
   * A routing rule that sends to it must be changed first.
   */
  async deletionProblem(id: string, db: Kysely<Database> = this.db): Promise<string | null> {
    const destination = await db.selectFrom('destinations').select('name').where('id', '=', id).executeTakeFirst();
    if (destination === undefined) throw new DomainError('not_found', `no destination ${id}`);
    const jobs = await db
      .selectFrom('route_jobs')
      .select(['state', (eb) => eb.fn.countAll<number>().as('count')])
      .where('destination_id', '=', id)
      .groupBy('state')
      .execute();
    const unfinished = jobs
      .filter((job) => UNFINISHED_ROUTE_JOB_STATES.some((state) => state === job.state))
      .reduce((sum, job) => sum + Number(job.count), 0);
    if (unfinished > 0) {
      return `${unfinished} route job(s) to ${destination.name} are not finished; let them finish or cancel them first`;
    }
    const finished = jobs.reduce((sum, job) => sum + Number(job.count), 0);
    if (finished > 0) {
      return `${destination.name} has a delivery history of ${finished} route job(s), which the archive status of those studies shows; disable it instead`;
    }
    const rules = await db.selectFrom('routing_rules').select(['name', 'destinations']).execute();
    const referencing = rules.filter((rule) => {
      const names = ruleDestinationsSchema.safeParse(safeJson(rule.destinations));
      return names.success && names.data.includes(destination.name);
    });
    if (referencing.length > 0) {
      return `routing rule(s) ${referencing.map((rule) => JSON.stringify(rule.name)).join(', ')} send to ${destination.name}; change them first`;
    }
    return null;
  }

  /** Deletes the row; DomainError 'conflict' (409) when `deletionProblem` names a reason. */
  async delete(id: string): Promise<Destination> {
    return this.db.transaction().execute(async (trx) => {
      const problem = await this.deletionProblem(id, trx);
      if (problem !== null) throw new DomainError('conflict', problem);
      const row = await trx.selectFrom('destinations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      await trx.deleteFrom('destinations').where('id', '=', id).execute();
      return destinationFromRow(row);
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${['destination', ...issue.path.map(String)].join('.')}: ${issue.message}`,
  );
  throw new DomainError('invalid_input', problems.join('; '));
}

// ---- Orthanc's modality list -------------------------------------------------------------------

/** The Orthanc calls that keeping the modality list needs (the OrthancClient, or a fake in tests). */
export type ModalityApi = Pick<OrthancClient, 'putModality' | 'deleteModality'>;

const modalityLocks = new WeakMap<object, Promise<unknown>>();

/**
 * Runs `work` after every earlier piece of work on this Orthanc's modality list: a sync that
 * disables a destination must not delete the modality after a later sync has put it back.
 */
export function withModalityLock<T>(orthanc: object, work: () => Promise<T>): Promise<T> {
  const previous = modalityLocks.get(orthanc) ?? Promise.resolve();
  // `previous` never rejects: failures are the business of whoever awaited that work.
  const next = previous.then(work);
  modalityLocks.set(
    orthanc,
    next.catch(() => undefined),
  );
  return next;
}

/** Deletes a modality; true when it was there, false when Orthanc did not know it. */
async function deleteModalityIfPresent(orthanc: ModalityApi, name: string): Promise<boolean> {
  try {
    await orthanc.deleteModality(name);
    return true;
  } catch (error) {
    if (isDomainError(error) && error.code === 'not_found') return false;
    throw error;
  }
}

export interface ModalitySyncReport {
  /** Modalities put (created or updated): every enabled DICOM destination. */
  pushed: string[];
  /** Modalities deleted because their destination is disabled or no longer DICOM. */
  removed: string[];
  /** Destinations whose modality could not be put or deleted; the others went through. */
  failures: { name: string; message: string }[];
}

/**
 * Makes Orthanc's modality list agree with the `destinations` table: puts every enabled DICOM
 * destination (AET, host, port) and deletes the modality of every other destination. Only names of
 * our destinations are touched, so modalities configured in Orthanc by other means stay; a deleted
 * destination's modality is removed by `removeDestination` before its row goes. Called at sidecar
 * start and after every change. One failing destination does not stop the others.
 */
export async function syncModalities(orthanc: ModalityApi, store: DestinationStore): Promise<ModalitySyncReport> {
  return withModalityLock(orthanc, async () => {
    const report: ModalitySyncReport = { pushed: [], removed: [], failures: [] };
    for (const destination of await store.list()) {
      const name = modalityName(destination);
      try {
        if (destination.enabled && destination.kind === 'dicom' && destination.aet !== null) {
          await orthanc.putModality(name, { AET: destination.aet, Host: destination.host, Port: destination.port });
          report.pushed.push(name);
        } else if (await deleteModalityIfPresent(orthanc, name)) {
          report.removed.push(name);
        }
      } catch (error) {
        report.failures.push({ name, message: error instanceof Error ? error.message : String(error) });
      }
    }
    return report;
  });
}

/**
 * Deletes a destination: refuses (409) while `deletionProblem` names a reason, then removes its
 * Orthanc modality, then the row. In that order, an unreachable Orthanc fails the deletion
 * (nothing is forgotten in Orthanc), and a row that could not be deleted is pushed back by a sync.
 */
export async function removeDestination(
  orthanc: ModalityApi,
  store: DestinationStore,
  id: string,
): Promise<Destination> {
  const destination = await store.get(id);
  const problem = await store.deletionProblem(id);
  if (problem !== null) throw new DomainError('conflict', problem);
  await withModalityLock(orthanc, () => deleteModalityIfPresent(orthanc, modalityName(destination)));
  try {
    return await store.delete(id);
  } catch (error) {
    await syncModalities(orthanc, store);
    throw error;
  }
}
