// `npm run bench -- match`: reconciliation at hospital scale, in one run.
// (1) The radiology worklist API (GET /api/worklist) with 100k studies and 100k orders in a
//     migrated SQLite file, against the same query called in-process (no HTTP, session, audit).
// (2) A new order for a patient with studies waiting: from the order event to the coercion job
//     (Reconciler.runOnce() called directly), and end to end from an ORM^O01 sent over MLLP to the
//     coercion job running in the sidecar.
// (3) Coercion of a 500-slice 512x512 CT with coerceStudy, both strategies (the study alone under
//     its outside Patient ID: patient-level; the Patient ID shared: per instance), against a plain
//     Orthanc patient-level modify of the identical study.
// Everything is synthetic (invented names, numbers and UIDs); temp folders, Orthancs and the
// sidecar are the bench's own and are stopped and removed at the end.
import { postInstance } from './bench-support.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { join } from 'node:path';
import type { Hl7OrdersTable, Hl7PatientsTable } from '@outside/hl7-bridge/schema';
import { MllpClient } from '@outside/hl7-bridge';
import { orthancAuthorizationHeader, type RunningOrthanc } from '@outside/orthanc-config';
import { createLogger, loadConfig, OrthancClient } from '@outside/plugin-server';
import { sql, type Insertable, type Kysely } from 'kysely';
import { ackFields, latin1, ormMessage } from '../../hl7-bridge/src/testing/hl7-test-messages.ts';
import { coerceStudy, type CoercionStrategy } from '../../plugin-server/src/coerce/coerce-study.ts';
import type { Database, NewStudyRow } from '../../plugin-server/src/db/schema.ts';
import { coercionPlanSchema, dicomDateTime, type CoercionPlan } from '../../plugin-server/src/domain/coercion.ts';
import { worklistQuerySchema, type ReviewReason } from '../../plugin-server/src/domain/reconciliation.ts';
import { matchConfig, matchStudy } from '../../plugin-server/src/matching/match-study.ts';
import type { CandidateOrder, KnownPatient, OutsideStudy } from '../../plugin-server/src/matching/match-types.ts';
import { worklistPage } from '../../plugin-server/src/reconcile/worklist-query.ts';
import { makeUid, syntheticInstance } from '../fixtures/synthetic-dicom.ts';
import { tempDirs } from '../fixtures/temp-dir.ts';
import { optimizeDatabase } from '../../plugin-server/src/db/database.ts';
import { startOrthancForTest, startStack, type TestStack } from '../support/stack.ts';
import { loggedIn } from '../support/users.ts';
import { printTable, syntheticCt, timed, type BenchRow } from './bench-support.ts';

const STUDIES = 100_000;
const ORDERS = 100_000;
const PATIENTS = 50_000;
/** Share of the studies waiting on the worklist. */
const ON_WORKLIST = 0.2;
const WORKLIST_REQUESTS_PER_FILTER = 25;
const SCORING_RUNS = 15;
const MLLP_RUNS = 5;
const SLICES = 500;
const ROUNDS = 3;
const WORKLIST_TARGET_MS = 50;
const ORDER_TARGET_MS = 2000;
const COERCION_TARGET_RATIO = 0.8;
const IMPORT_CODE = 'XIMP';
const LOCAL_ISSUER = 'HOSP';
const KEEP_UIDS = ['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID'];
const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Small helpers: a seeded random source (the same data every run), percentiles, a table printer.

type Random = () => number;

/** mulberry32: a tiny seeded generator, so every run seeds the same mix of rows. */
function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1))] ?? NaN;
}

function milliseconds(value: number): string {
  return Number.isNaN(value) ? '-' : value.toFixed(1);
}

/** A markdown-like table, formatted like bench-support's printTable. */
function printRows(title: string, header: string[], lines: string[][]): void {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  const format = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(format(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const line of lines) console.log(format(line));
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

function dicomDay(at: Date): string {
  return at.toISOString().slice(0, 10).replaceAll('-', '');
}

// ---------------------------------------------------------------------------------------------
// Synthetic reconciliation data, inserted directly in big transactions.

const FAMILY_NAMES = ['ALDER', 'BIRCH', 'CEDAR', 'ELM', 'FIR', 'HAZEL', 'JUNIPER', 'LARCH', 'MAPLE', 'ROWAN'];
const GIVEN_NAMES = ['ALEX', 'BLAIR', 'CASEY', 'DANA', 'EMERY', 'FINLEY', 'HARPER', 'JESSE', 'MORGAN', 'QUINN'];
const DEPARTMENTS = ['radiology', 'radiology', 'radiology', 'cardiology', 'neurology', 'oncology', 'emergency'];
const INSTITUTIONS = ['Synthetic General Hospital', 'Invented Valley Clinic', 'Placeholder University Hospital'];
const EXAMS = [
  { code: 'CTCHEST', text: 'CT CHEST WITH CONTRAST', modalities: ['CT'], description: 'CT CHEST' },
  { code: 'MRBRAIN', text: 'MR BRAIN', modalities: ['MR'], description: 'MR BRAIN WO' },
  { code: 'USABD', text: 'US ABDOMEN', modalities: ['US'], description: 'US ABDOMEN' },
  { code: 'XRCHEST', text: 'XR CHEST 2 VIEWS', modalities: ['CR'], description: 'CHEST PA LAT' },
  { code: 'PETCT', text: 'PET CT WHOLE BODY', modalities: ['PT', 'CT'], description: 'PET CT WB' },
  { code: 'CTHEAD', text: 'CT HEAD', modalities: ['CT', 'SR'], description: 'CT HEAD' },
  { code: 'MRKNEE', text: 'MR KNEE', modalities: ['MR'], description: 'MR KNEE LEFT' },
] as const;
const ORDER_STATUSES = ['completed', 'completed', 'completed', 'completed', 'scheduled', 'new', 'cancelled'] as const;
const IDENTITY_REASONS: readonly ReviewReason[] = [
  'claimed-mrn-unknown',
  'no-patient-match',
  'insufficient-demographics',
  'name-mismatch',
  'partial-patient-match',
];
const ORDER_REASONS: readonly ReviewReason[] = [
  'no-candidates',
  'below-threshold',
  'below-threshold',
  'ambiguous',
  'order-cancelled',
];

interface SeedPatient {
  mrn: string;
  family: string;
  given: string;
  birthDate: string;
  sex: 'F' | 'M';
}

function seedPatient(random: Random, index: number): SeedPatient {
  const born = new Date(Date.UTC(1930, 0, 1) + Math.floor(random() * 90 * 365) * DAY_MS);
  return {
    mrn: `M${String(index).padStart(7, '0')}`,
    family: pick(random, FAMILY_NAMES),
    given: pick(random, GIVEN_NAMES),
    birthDate: born.toISOString().slice(0, 10),
    sex: random() < 0.5 ? 'F' : 'M',
  };
}

const PLACEHOLDER_UID = '2.25.1';

/**
 * What the matcher stores for a study, made by the real matcher from synthetic inputs: a study
 * whose claimed MRN is unknown, and one identified with two ordinary orders below the threshold.
 */
function matchResultTemplates(): { notIdentified: string; belowThreshold: string } {
  const config = matchConfig({ outsideStudyImportCodes: [IMPORT_CODE], localIssuer: LOCAL_ISSUER });
  const study: OutsideStudy = {
    StudyInstanceUID: PLACEHOLDER_UID,
    originalPatientId: 'EXT-1',
    originalIssuerOfPatientId: 'ELSEWHERE',
    patientName: 'MAPLE^DANA',
    patientBirthDate: '19750310',
    patientSex: 'F',
    accessionNumber: 'OUT-1',
    studyDate: '20240110',
    modalities: ['CT'],
    studyDescription: 'CT CHEST',
    department: 'radiology',
    claimedMrn: { mrn: 'M0000001', issuer: null },
  };
  const patient: KnownPatient = {
    mrn: 'M0000001',
    mrnIssuer: LOCAL_ISSUER,
    name: 'MAPLE^DANA',
    birthDate: '1975-03-10',
    sex: 'F',
  };
  const order = (id: string, procedureCode: string, procedureText: string, modality: string): CandidateOrder => ({
    id,
    status: 'scheduled',
    mrn: patient.mrn,
    mrnIssuer: LOCAL_ISSUER,
    patientName: 'MAPLE^DANA',
    patientBirthDate: '1975-03-10',
    patientSex: 'F',
    accessionNumber: `ACC${id}`,
    procedureCode,
    procedureText,
    modality,
    studyInstanceUid: null,
    orderedAt: '2024-01-08T09:00:00.000Z',
    department: 'radiology',
  });
  const notIdentified = matchStudy({ study, knownPatients: [], orders: [], config });
  const belowThreshold = matchStudy({
    study,
    knownPatients: [patient],
    orders: [order('1', 'CTCHEST', 'CT CHEST WITH CONTRAST', 'CT'), order('2', 'USABD', 'US ABDOMEN', 'US')],
    config,
  });
  return { notIdentified: JSON.stringify(notIdentified), belowThreshold: JSON.stringify(belowThreshold) };
}

async function insertInChunks<T>(
  rows: readonly T[],
  perStatement: number,
  perTransaction: number,
  db: Kysely<Database>,
  insert: (trx: Kysely<Database>, chunk: T[]) => Promise<unknown>,
): Promise<void> {
  for (let start = 0; start < rows.length; start += perTransaction) {
    const slice = rows.slice(start, start + perTransaction);
    await db.transaction().execute(async (trx) => {
      for (let offset = 0; offset < slice.length; offset += perStatement) {
        await insert(trx, slice.slice(offset, offset + perStatement));
      }
    });
  }
}

interface SeedSummary {
  studies: number;
  onWorklist: number;
  withMatchResult: number;
  orders: number;
  patients: number;
  seconds: number;
  databaseMegabytes: number;
}

/** Fills the sidecar database with HL7 patients, orders (and their events) and studies. */
async function seedDatabase(db: Kysely<Database>, now: Date): Promise<SeedSummary> {
  const started = performance.now();
  const random = seededRandom(20_240_301);
  const stamp = now.toISOString();
  const message = await db
    .insertInto('hl7_inbox')
    .values({
      received_at: stamp,
      message_type: 'ORM^O01',
      raw_message: Buffer.from('synthetic seed', 'latin1'),
      content_hash: 'seed',
      ack_message: Buffer.from('synthetic seed ack', 'latin1'),
      ack_code: 'AA',
      state: 'processed',
      attempts: 1,
      processed_at: stamp,
      updated_at: stamp,
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  const people = Array.from({ length: PATIENTS }, (_, index) => seedPatient(random, index));
  const patientRows: Insertable<Hl7PatientsTable>[] = people.map((person) => ({
    mrn: person.mrn,
    mrn_issuer: LOCAL_ISSUER,
    family_name: person.family,
    given_name: person.given,
    middle_name: '',
    name_suffix: '',
    name_prefix: '',
    birth_date: person.birthDate,
    sex: person.sex,
    status: 'active',
    last_message_id: message.id,
    created_at: stamp,
    updated_at: stamp,
  }));
  await insertInChunks(patientRows, 1000, 25_000, db, (trx, chunk) =>
    trx.insertInto('hl7_patients').values(chunk).execute(),
  );

  const orderRows: Insertable<Hl7OrdersTable>[] = Array.from({ length: ORDERS }, (_, index) => {
    const person = people[index % PATIENTS] ?? seedPatient(random, index);
    const exam = pick(random, EXAMS);
    const orderedAt = new Date(now.getTime() - Math.floor(random() * 730 * DAY_MS)).toISOString();
    return {
      order_key: `P|EMR|PL${index}`,
      placer_order_number: `PL${index}`,
      placer_application: 'EMR',
      filler_order_number: null,
      filler_application: '',
      status: pick(random, ORDER_STATUSES),
      order_control: 'NW',
      mrn: person.mrn,
      mrn_issuer: LOCAL_ISSUER,
      patient_family_name: person.family,
      patient_given_name: person.given,
      patient_middle_name: '',
      patient_name_suffix: '',
      patient_name_prefix: '',
      patient_birth_date: person.birthDate,
      patient_sex: person.sex,
      accession_number: `ACC${index}`,
      requested_procedure_id: `RP${index}`,
      procedure_code: exam.code,
      procedure_text: exam.text,
      modality: exam.modalities[0],
      ordered_at: orderedAt,
      department: pick(random, DEPARTMENTS),
      created_by_message_id: message.id,
      last_message_id: message.id,
      created_at: orderedAt,
      updated_at: orderedAt,
    };
  });
  await insertInChunks(orderRows, 500, 25_000, db, (trx, chunk) =>
    trx.insertInto('hl7_orders').values(chunk).execute(),
  );
  const orderIds = await db.selectFrom('hl7_orders').select(['id', 'status', 'created_at']).orderBy('id').execute();
  await insertInChunks(orderIds, 1000, 50_000, db, (trx, chunk) =>
    trx
      .insertInto('hl7_order_events')
      .values(
        chunk.map((order) => ({
          order_id: order.id,
          inbox_message_id: message.id,
          event: 'created' as const,
          order_control: 'NW',
          status_before: null,
          status_after: order.status,
          details: '{}',
          occurred_at: order.created_at,
        })),
      )
      .execute(),
  );

  const templates = matchResultTemplates();
  let onWorklist = 0;
  let withMatchResult = 0;
  const studyRows: NewStudyRow[] = Array.from({ length: STUDIES }, () => {
    const person = people[Math.floor(random() * PATIENTS)] ?? seedPatient(random, 0);
    const exam = pick(random, EXAMS);
    const uid = makeUid();
    const firstSeen = new Date(now.getTime() - Math.floor(random() * 730 * DAY_MS));
    const studyDay = dicomDay(new Date(firstSeen.getTime() - Math.floor(random() * 60) * DAY_MS));
    const waiting = random() < ON_WORKLIST;
    const identified = waiting ? random() < 0.6 : random() < 0.9;
    const claimed = random() < (identified ? 0.8 : 0.5);
    let state: string;
    let reason: ReviewReason | null = null;
    let matchResult: string | null = null;
    if (waiting) {
      onWorklist += 1;
      state = identified ? 'identified' : 'ready';
      reason = identified ? pick(random, ORDER_REASONS) : pick(random, IDENTITY_REASONS);
      if (identified && (reason === 'below-threshold' || reason === 'ambiguous'))
        matchResult = templates.belowThreshold;
      else if (random() < 0.5) matchResult = templates.notIdentified;
    } else {
      state = identified ? pick(random, ['archived', 'archived', 'archived', 'matched', 'queued']) : 'discarded';
      if (identified && random() < 0.5) matchResult = templates.belowThreshold;
    }
    if (matchResult !== null) withMatchResult += 1;
    const local = identified;
    const resolution = waiting || !identified ? null : pick(random, ['auto', 'auto', 'confirmed', 'manual']);
    const matchedOrder = resolution === null ? null : 1 + Math.floor(random() * ORDERS);
    return {
      id: randomUUID(),
      study_instance_uid: uid,
      orthanc_id: randomBytes(20).toString('hex'),
      state,
      original_patient_id: `EXT${Math.floor(random() * 1e7)}`,
      original_issuer_of_patient_id: 'ELSEWHERE',
      original_patient_name: `${person.family}^${person.given}`,
      original_patient_birth_date: person.birthDate.replaceAll('-', ''),
      original_patient_sex: person.sex,
      original_accession_number: `OUT${Math.floor(random() * 1e7)}`,
      study_date: studyDay,
      study_description: exam.description,
      institution_name: pick(random, INSTITUTIONS),
      modalities: JSON.stringify(exam.modalities),
      series_count: 1 + Math.floor(random() * 6),
      instance_count: 10 + Math.floor(random() * 900),
      first_seen_at: firstSeen.toISOString(),
      updated_at: firstSeen.toISOString(),
      department: pick(random, DEPARTMENTS),
      claimed_mrn: claimed ? person.mrn : null,
      claimed_mrn_issuer: null,
      match_result: matchResult === null ? null : matchResult.replaceAll(PLACEHOLDER_UID, uid),
      matched_at: matchResult === null ? null : firstSeen.toISOString(),
      review_reason: reason,
      review_since: reason === null ? null : new Date(firstSeen.getTime() + 60_000).toISOString(),
      resolution,
      resolved_by: resolution === null ? null : resolution === 'auto' ? 'system:matcher' : 'radiologist',
      local_mrn: local ? person.mrn : null,
      local_mrn_issuer: local ? LOCAL_ISSUER : null,
      local_patient_name: local ? `${person.family}^${person.given}` : null,
      local_patient_birth_date: local ? person.birthDate.replaceAll('-', '') : null,
      local_patient_sex: local ? person.sex : null,
      local_accession_number: matchedOrder === null ? null : `ACC${matchedOrder - 1}`,
      matched_order_id: matchedOrder,
      coercion_state: resolution === null ? null : 'done',
      coerced_patient_id: resolution === null ? null : person.mrn,
      match_needed: 0,
    };
  });
  await insertInChunks(studyRows, 400, 20_000, db, (trx, chunk) => trx.insertInto('studies').values(chunk).execute());

  // The matcher is caught up with the seeded history, as it would be in a running system.
  const lastEvent = await db
    .selectFrom('hl7_order_events')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirstOrThrow();
  await db
    .insertInto('event_cursors')
    .values({ name: 'hl7-order-events', last_id: Number(lastEvent.id ?? 0), updated_at: stamp })
    .onConflict((oc) => oc.column('name').doUpdateSet({ last_id: Number(lastEvent.id ?? 0), updated_at: stamp }))
    .execute();
  const databaseBytes = await sqliteBytes(db);
  return {
    studies: STUDIES,
    onWorklist,
    withMatchResult,
    orders: ORDERS,
    patients: PATIENTS,
    seconds: (performance.now() - started) / 1000,
    databaseMegabytes: databaseBytes / 1024 / 1024,
  };
}

async function sqliteBytes(db: Kysely<Database>): Promise<number> {
  const count = await sql<{ page_count: number }>`pragma page_count`.execute(db);
  const size = await sql<{ page_size: number }>`pragma page_size`.execute(db);
  return (count.rows[0]?.page_count ?? 0) * (size.rows[0]?.page_size ?? 0);
}

// ---------------------------------------------------------------------------------------------
// (1) Worklist API latency.

interface WorklistFilter {
  name: string;
  query: Record<string, string>;
}

const WORKLIST_FILTERS: WorklistFilter[] = [
  { name: 'no filter, first page', query: {} },
  { name: 'no filter, second page (after)', query: { after: '' } },
  { name: 'department=cardiology', query: { department: 'cardiology' } },
  { name: 'modality=MR', query: { modality: 'MR' } },
  { name: 'reason=below-threshold', query: { reason: 'below-threshold' } },
  { name: 'state=identified, department=radiology', query: { state: 'identified', department: 'radiology' } },
  { name: 'minAgeDays=180', query: { minAgeDays: '180' } },
  { name: 'department=oncology, modality=PT', query: { department: 'oncology', modality: 'PT' } },
];

interface WorklistMeasurement {
  filter: string;
  total: number;
  api: number[];
  inProcess: number[];
}

async function measureWorklist(stack: TestStack): Promise<WorklistMeasurement[]> {
  const services = stack.sidecar.services;
  if (services === undefined) throw new Error('sidecar not started');
  const user = await loggedIn(stack.sidecar, ['radiology']);
  const first = await user.request<{ next: string | null }>('GET', '/api/worklist');
  const secondPage = first.body.next ?? '';
  const results: WorklistMeasurement[] = [];
  for (const filter of WORKLIST_FILTERS) {
    const query = { ...filter.query };
    if ('after' in query) query.after = secondPage;
    const path = `/api/worklist?${new URLSearchParams(query).toString()}`;
    const warm = await user.request<{ total: number }>('GET', path);
    if (warm.status !== 200) throw new Error(`GET ${path}: HTTP ${warm.status}`);
    const parsed = worklistQuerySchema.parse(query);
    const api: number[] = [];
    const inProcess: number[] = [];
    // Interleaved: a keep-alive connection left idle past the server's 5 s timeout (the event
    // loop blocked by synchronous SQLite work) is reset just as the client reuses it.
    for (let run = 0; run < WORKLIST_REQUESTS_PER_FILTER; run++) {
      let begin = performance.now();
      const response = await user.request('GET', path);
      api.push(performance.now() - begin);
      if (response.status !== 200) throw new Error(`GET ${path}: HTTP ${response.status}`);
      begin = performance.now();
      await worklistPage(services.db, parsed);
      inProcess.push(performance.now() - begin);
    }
    results.push({ filter: filter.name, total: warm.body.total, api, inProcess });
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// (2) A new order for a patient with studies waiting.

/** The patient of one scoring run: new to HL7, three outside studies claimed for their MRN. */
interface Scenario {
  patient: SeedPatient;
  ctStudyId: string;
  ctStudyUid: string;
}

const SCENARIO_STUDIES = [
  { modalities: ['CT'], description: 'CT CHEST' },
  { modalities: ['MR'], description: 'MR KNEE LEFT' },
  { modalities: ['US'], description: 'US ABDOMEN' },
] as const;

/** Studies that arrived before the patient was known: `ready`, waiting with claimed-mrn-unknown. */
async function seedScenario(db: Kysely<Database>, random: Random, index: number, studyDate: string): Promise<Scenario> {
  const patient = { ...seedPatient(random, 0), mrn: `NEW${String(index).padStart(5, '0')}` };
  const now = new Date().toISOString();
  const rows: NewStudyRow[] = SCENARIO_STUDIES.map((study) => ({
    id: randomUUID(),
    study_instance_uid: makeUid(),
    orthanc_id: null,
    state: 'ready',
    original_patient_id: `EXTNEW${index}`,
    original_issuer_of_patient_id: 'ELSEWHERE',
    original_patient_name: `${patient.family}^${patient.given}`,
    original_patient_birth_date: patient.birthDate.replaceAll('-', ''),
    original_patient_sex: patient.sex,
    original_accession_number: `OUTNEW${index}`,
    study_date: studyDate,
    study_description: study.description,
    institution_name: 'Synthetic General Hospital',
    modalities: JSON.stringify(study.modalities),
    series_count: 1,
    instance_count: 4,
    first_seen_at: now,
    updated_at: now,
    department: 'radiology',
    claimed_mrn: patient.mrn,
    claimed_mrn_issuer: null,
    review_reason: 'claimed-mrn-unknown',
    review_since: now,
    match_needed: 0,
  }));
  await db.insertInto('studies').values(rows).execute();
  const ct = rows[0];
  if (ct === undefined) throw new Error('no CT study');
  return { patient, ctStudyId: ct.id, ctStudyUid: ct.study_instance_uid };
}

/** What the HL7 bridge commits for an ORM^O01 of a new patient: patient, order and their events. */
async function insertOrder(db: Kysely<Database>, scenario: Scenario, index: number): Promise<void> {
  const { patient } = scenario;
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    const message = await trx
      .insertInto('hl7_inbox')
      .values({
        received_at: now,
        message_type: 'ORM^O01',
        raw_message: Buffer.from(`synthetic order ${index}`, 'latin1'),
        content_hash: `order-${index}`,
        ack_message: Buffer.from('synthetic ack', 'latin1'),
        ack_code: 'AA',
        state: 'processed',
        attempts: 1,
        processed_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const created = await trx
      .insertInto('hl7_patients')
      .values({
        mrn: patient.mrn,
        mrn_issuer: LOCAL_ISSUER,
        family_name: patient.family,
        given_name: patient.given,
        middle_name: '',
        name_suffix: '',
        name_prefix: '',
        birth_date: patient.birthDate,
        sex: patient.sex,
        status: 'active',
        last_message_id: message.id,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('hl7_patient_events')
      .values({
        patient_id: created.id,
        inbox_message_id: message.id,
        event: 'created',
        message_type: 'ORM^O01',
        details: '{}',
        occurred_at: now,
      })
      .execute();
    const order = await trx
      .insertInto('hl7_orders')
      .values({
        order_key: `P|EMR|NEWPL${index}`,
        placer_order_number: `NEWPL${index}`,
        placer_application: 'EMR',
        filler_application: '',
        status: 'new',
        order_control: 'NW',
        mrn: patient.mrn,
        mrn_issuer: LOCAL_ISSUER,
        patient_family_name: patient.family,
        patient_given_name: patient.given,
        patient_middle_name: '',
        patient_name_suffix: '',
        patient_name_prefix: '',
        patient_birth_date: patient.birthDate,
        patient_sex: patient.sex,
        accession_number: `NEWACC${index}`,
        procedure_code: IMPORT_CODE,
        procedure_text: 'OUTSIDE CT CHEST IMPORT',
        modality: 'CT',
        ordered_at: now,
        department: 'radiology',
        created_by_message_id: message.id,
        last_message_id: message.id,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('hl7_order_events')
      .values({
        order_id: order.id,
        inbox_message_id: message.id,
        event: 'created',
        order_control: 'NW',
        status_before: null,
        status_after: 'new',
        details: '{}',
        occurred_at: now,
      })
      .execute();
  });
}

async function pendingJob(db: Kysely<Database>, studyId: string) {
  return db
    .selectFrom('coercion_jobs')
    .select(['id', 'state'])
    .where('study_id', '=', studyId)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

interface ScoringMeasurement {
  insertMs: number[];
  passMs: number[];
  flaggedStudies: number[];
}

async function measureScoring(stack: TestStack): Promise<ScoringMeasurement> {
  const services = stack.sidecar.services;
  if (services === undefined) throw new Error('sidecar not started');
  const { db, reconciler } = services;
  const random = seededRandom(7);
  const result: ScoringMeasurement = { insertMs: [], passMs: [], flaggedStudies: [] };
  for (let run = 0; run < SCORING_RUNS; run++) {
    const scenario = await seedScenario(db, random, run, dicomDay(new Date()));
    const inserted = await timed(() => insertOrder(db, scenario, run));
    const pass = await timed(() => reconciler.runOnce());
    const job = await pendingJob(db, scenario.ctStudyId);
    if (job?.state !== 'pending') throw new Error(`run ${run}: no coercion job was queued for the CT study`);
    result.insertMs.push(inserted.seconds * 1000);
    result.passMs.push(pass.seconds * 1000);
    // runOnce() counts the two HL7 events and every study it matched.
    result.flaggedStudies.push(pass.value - 2);
  }
  return result;
}

interface EndToEndMeasurement {
  ackMs: number[];
  queuedMs: number[];
  startedMs: number[];
  coercedMs: number[];
}

async function uploadAll(orthanc: RunningOrthanc, files: readonly Uint8Array[], connections: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections, agentKeepAliveTimeoutBuffer: 100 });
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next < files.length) {
          const body = files[next++];
          if (body !== undefined) await postInstance(orthanc, agent, body);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
}

/**
 * The whole path in the running sidecar: ORM^O01 over MLLP, the bridge's inbox worker, the
 * matcher's poll, the coercion worker; the CT study (4 small instances) really is in Orthanc.
 */
async function measureEndToEnd(stack: TestStack): Promise<EndToEndMeasurement> {
  const services = stack.sidecar.services;
  const port = services?.hl7?.address?.port;
  if (services === undefined || port === undefined) throw new Error('sidecar or HL7 listener not started');
  const { db } = services;
  // Jobs queued by the scoring runs point at studies that are not in Orthanc: out of the way.
  await db.updateTable('coercion_jobs').set({ state: 'superseded' }).where('state', '=', 'pending').execute();
  services.reconciler.start();
  services.coercion.start();
  const client = new MllpClient({ host: '127.0.0.1', port });
  await client.connect();
  const random = seededRandom(11);
  const result: EndToEndMeasurement = { ackMs: [], queuedMs: [], startedMs: [], coercedMs: [] };
  try {
    for (let run = 0; run < MLLP_RUNS; run++) {
      // ormMessage() orders on 2024-03-01; the studies were taken the day before.
      const scenario = await seedScenario(db, random, 1000 + run, '20240229');
      const { patient } = scenario;
      const files = Array.from(
        { length: 4 },
        (_, slice) =>
          syntheticInstance({
            patient: {
              id: `EXTNEW${1000 + run}`,
              name: `${patient.family}^${patient.given}`,
              birthDate: patient.birthDate.replaceAll('-', ''),
              sex: patient.sex,
              issuer: 'ELSEWHERE',
            },
            studyInstanceUID: scenario.ctStudyUid,
            sliceIndex: slice,
            rows: 64,
            columns: 64,
          }).bytes,
      );
      await uploadAll(stack.orthanc, files, 2);
      const message = ormMessage({
        controlId: `BENCH-${run}`,
        placer: `BENCHPL${run}`,
        accession: `BENCHACC${run}`,
        procedureCode: IMPORT_CODE,
        procedureText: 'OUTSIDE CT IMPORT',
        modality: 'CT',
        patient: {
          mrn: patient.mrn,
          familyName: patient.family,
          givenName: patient.given,
          birthDate: patient.birthDate.replaceAll('-', ''),
          sex: patient.sex,
        },
      });
      const begin = performance.now();
      const ack = await client.send(latin1(message));
      const acked = performance.now() - begin;
      if (ackFields(ack).code !== 'AA') throw new Error(`order ${run} was not accepted: ${ackFields(ack).code}`);
      let queued = NaN;
      let started = NaN;
      for (;;) {
        const job = await pendingJob(db, scenario.ctStudyId);
        const elapsed = performance.now() - begin;
        if (job !== undefined && Number.isNaN(queued)) queued = elapsed;
        if (job !== undefined && job.state !== 'pending' && Number.isNaN(started)) started = elapsed;
        if (job?.state === 'done') break;
        if (job?.state === 'failed' || job?.state === 'retry_wait') throw new Error(`coercion of run ${run} failed`);
        if (elapsed > 30_000) throw new Error(`run ${run}: the order was not matched and coerced within 30 s`);
        await sleep(2);
      }
      result.ackMs.push(acked);
      result.queuedMs.push(queued);
      result.startedMs.push(Number.isNaN(started) ? queued : started);
      result.coercedMs.push(performance.now() - begin);
    }
  } finally {
    await client.close();
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// (3) Coercion of a 500-slice CT: coerceStudy against a plain patient-level modify.

const OUTSIDE_PATIENT = {
  id: 'EXT-COERCE-1',
  name: 'SYNTHETIC^COERCION',
  birthDate: '19700101',
  sex: 'F' as const,
  issuer: 'ELSEWHERE',
};

interface CoercionInputs {
  studyUid: string;
  files: Uint8Array[];
  /** Another person's study under the same outside Patient ID (strategy b). */
  stranger: Uint8Array[];
  bytes: number;
}

function coercionInputs(): CoercionInputs {
  const { studyUid, files, bytes } = syntheticCt(SLICES, OUTSIDE_PATIENT, 'OUTACC1');
  const strangerUid = makeUid();
  const stranger = Array.from(
    { length: 2 },
    (_, slice) =>
      syntheticInstance({
        patient: { ...OUTSIDE_PATIENT, name: 'OTHER^PERSON', birthDate: '19500505', sex: 'M' },
        studyInstanceUID: strangerUid,
        sliceIndex: slice,
        rows: 64,
        columns: 64,
      }).bytes,
  );
  return { studyUid, files, stranger, bytes };
}

async function orthancJson(orthanc: RunningOrthanc, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${orthanc.httpUrl}${path}`, {
    method,
    headers: { authorization: orthancAuthorizationHeader(orthanc.credentials) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`Orthanc ${method} ${path}: HTTP ${response.status}`);
  return response.json();
}

/** Orthanc study ids of one StudyInstanceUID, with the Patient ID each one carries. */
async function studiesOf(orthanc: RunningOrthanc, uid: string): Promise<{ id: string; patientId: string }[]> {
  const found = (await orthancJson(orthanc, 'POST', '/tools/lookup', uid)) as { ID: string; Type: string }[];
  const studies = [];
  for (const resource of found.filter((item) => item.Type === 'Study')) {
    const study = (await orthancJson(orthanc, 'GET', `/studies/${resource.ID}`)) as {
      ID: string;
      PatientMainDicomTags: { PatientID?: string };
      Instances?: string[];
    };
    studies.push({ id: study.ID, patientId: study.PatientMainDicomTags.PatientID ?? '' });
  }
  return studies;
}

async function instanceCount(orthanc: RunningOrthanc, studyId: string): Promise<number> {
  return ((await orthancJson(orthanc, 'GET', `/studies/${studyId}/instances`)) as unknown[]).length;
}

async function stagedOrthanc(inputs: CoercionInputs, withStranger: boolean): Promise<RunningOrthanc> {
  const orthanc = await startOrthancForTest();
  try {
    await uploadAll(orthanc, inputs.files, 8);
    if (withStranger) await uploadAll(orthanc, inputs.stranger, 2);
    return orthanc;
  } catch (error) {
    await orthanc.stop();
    throw error;
  }
}

async function expectCoerced(orthanc: RunningOrthanc, inputs: CoercionInputs, patientId: string): Promise<void> {
  const copies = (await studiesOf(orthanc, inputs.studyUid)).filter((study) => study.patientId === patientId);
  const copy = copies[0];
  if (copy === undefined || (await instanceCount(orthanc, copy.id)) !== SLICES) {
    throw new Error(`the coerced study does not have ${SLICES} instances under ${patientId}`);
  }
}

/**
 * The baseline: Orthanc's own patient-level modify, Patient ID only, waited for like we do. With
 * `deleteSource`, the source study is then deleted in one call, so one copy is left as coercion
 * leaves it (unsafe when the outside Patient ID is shared; shown for what deletion costs).
 */
async function plainPatientModify(inputs: CoercionInputs, round: number, deleteSource = false): Promise<number> {
  const orthanc = await stagedOrthanc(inputs, false);
  try {
    const target = `MRN-PLAIN-${round}`;
    const [source] = await studiesOf(orthanc, inputs.studyUid);
    if (source === undefined) throw new Error('the staged study is missing');
    const study = (await orthancJson(orthanc, 'GET', `/studies/${source.id}`)) as { ParentPatient: string };
    const { seconds } = await timed(async () => {
      const job = (await orthancJson(orthanc, 'POST', `/patients/${study.ParentPatient}/modify`, {
        Replace: { PatientID: target },
        Keep: KEEP_UIDS,
        Force: true,
        Asynchronous: true,
      })) as { ID: string };
      for (;;) {
        const state = ((await orthancJson(orthanc, 'GET', `/jobs/${job.ID}`)) as { State: string }).State;
        if (state === 'Success') break;
        if (state === 'Failure') throw new Error('the patient-level modify failed');
        await sleep(10);
      }
      if (deleteSource) await orthancJson(orthanc, 'DELETE', `/studies/${source.id}`);
    });
    await expectCoerced(orthanc, inputs, target);
    return seconds;
  } finally {
    await orthanc.stop();
  }
}

function planFor(inputs: CoercionInputs, round: number): CoercionPlan {
  return coercionPlanSchema.parse({
    StudyInstanceUID: inputs.studyUid,
    target: {
      patientId: `MRN-OURS-${round}`,
      issuerOfPatientId: LOCAL_ISSUER,
      patientName: 'SYNTHETIC^COERCION',
      patientBirthDate: '19700101',
      patientSex: 'F',
      accessionNumber: `ACC-OURS-${round}`,
    },
    issuerOfAccessionNumber: 'HOSP-RIS',
    reason: 'COERCE',
    coercionDateTime: dicomDateTime(new Date(), round),
    modifyingSystem: 'OUTSIDE-BENCH',
    sourceOfPreviousValues: 'Synthetic General Hospital',
    why: 'benchmark',
  });
}

/** Counts the Orthanc calls made through `client`, by method: where coerceStudy's time goes. */
function countingClient(client: OrthancClient, counts: Map<string, number>): OrthancClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        counts.set(String(property), (counts.get(String(property)) ?? 0) + 1);
        return Reflect.apply(value, target, args);
      };
    },
  });
}

interface OurCoercion {
  seconds: number;
  strategies: CoercionStrategy[];
  calls: Map<string, number>;
}

/** Ours: coerceStudy, as the coercion worker calls it, with the configured concurrency. */
async function ourCoercion(
  inputs: CoercionInputs,
  round: number,
  shared: boolean,
  scratch: string,
): Promise<OurCoercion> {
  const orthanc = await stagedOrthanc(inputs, shared);
  const config = loadConfig({ env: {} });
  const calls = new Map<string, number>();
  try {
    const plan = planFor(inputs, round);
    const client = new OrthancClient({
      url: orthanc.httpUrl,
      username: orthanc.credentials.username,
      password: orthanc.credentials.password,
      timeoutMs: config.orthanc.requestTimeoutMs,
    });
    const { seconds, value } = await timed(() =>
      coerceStudy({
        orthanc: countingClient(client, calls),
        plan,
        spoolDir: join(scratch, `spool-${round}-${shared ? 'shared' : 'alone'}`),
        concurrency: config.coercion.concurrency,
        log: createLogger('silent'),
        orthancJobId: null,
        onOrthancJob: async () => undefined,
      }),
    );
    await expectCoerced(orthanc, inputs, plan.target.patientId);
    const left = await studiesOf(orthanc, inputs.studyUid);
    if (left.length !== 1 || value.instances !== SLICES) throw new Error('coerceStudy left the study split');
    return { seconds, strategies: value.strategies, calls };
  } finally {
    await orthanc.stop();
  }
}

// ---------------------------------------------------------------------------------------------

function printWorklist(measurements: WorklistMeasurement[]): void {
  const all = measurements.flatMap((measurement) => measurement.api);
  const lines = measurements.map((measurement) => {
    const p95 = percentile(measurement.api, 0.95);
    const queryP50 = percentile(measurement.inProcess, 0.5);
    return [
      measurement.filter,
      String(measurement.total),
      milliseconds(percentile(measurement.api, 0.5)),
      milliseconds(p95),
      milliseconds(Math.max(...measurement.api)),
      milliseconds(queryP50),
      (percentile(measurement.api, 0.5) / queryP50).toFixed(2),
      (WORKLIST_TARGET_MS / p95).toFixed(2),
    ];
  });
  lines.push([
    `all ${all.length} requests`,
    '-',
    milliseconds(percentile(all, 0.5)),
    milliseconds(percentile(all, 0.95)),
    milliseconds(Math.max(...all)),
    milliseconds(
      percentile(
        measurements.flatMap((measurement) => measurement.inProcess),
        0.5,
      ),
    ),
    '-',
    (WORKLIST_TARGET_MS / percentile(all, 0.95)).toFixed(2),
  ]);
  printRows(
    `Worklist API, ${STUDIES / 1000}k studies and ${ORDERS / 1000}k orders (limit 100, ${WORKLIST_REQUESTS_PER_FILTER} requests per filter after one warm-up)`,
    [
      'GET /api/worklist',
      'matching rows',
      'API p50 ms',
      'API p95 ms',
      'API max ms',
      'worklistPage() p50 ms',
      'API / worklistPage()',
      `target ${WORKLIST_TARGET_MS} ms / p95`,
    ],
    lines,
  );
  const p95 = percentile(all, 0.95);
  console.log(
    `\nworklist p95 over all requests = ${milliseconds(p95)} ms (target < ${WORKLIST_TARGET_MS} ms: ${p95 < WORKLIST_TARGET_MS ? 'met' : 'NOT met'})`,
  );
}

function printScoring(scoring: ScoringMeasurement, endToEnd: EndToEndMeasurement): void {
  // The target is about the order reaching its coercion; the other rows show the steps.
  const row = (name: string, values: number[], note: string, targeted = false) => [
    name,
    String(values.length),
    milliseconds(percentile(values, 0.5)),
    milliseconds(percentile(values, 0.95)),
    milliseconds(Math.max(...values)),
    targeted ? (ORDER_TARGET_MS / Math.max(...values)).toFixed(2) : '-',
    note,
  ];
  printRows(
    `New order for a patient with 3 waiting studies, ${STUDIES / 1000}k studies and ${ORDERS / 1000}k orders present`,
    ['path', 'runs', 'p50 ms', 'p95 ms', 'max ms', `target ${ORDER_TARGET_MS} ms / max`, 'note'],
    [
      row('patient + order + events committed', scoring.insertMs, 'what the HL7 bridge writes'),
      row(
        'Reconciler.runOnce(): order event -> coercion job pending',
        scoring.passMs,
        `${percentile(scoring.flaggedStudies, 0.5)} studies matched per pass (p50)`,
        true,
      ),
      row('MLLP: ORM^O01 sent -> ACK', endToEnd.ackMs, 'durable inbox'),
      row('MLLP: ORM^O01 sent -> coercion job pending', endToEnd.queuedMs, 'includes the matcher poll', true),
      row('MLLP: ORM^O01 sent -> coercion started', endToEnd.startedMs, 'job running in the coercion worker', true),
      row('MLLP: ORM^O01 sent -> coercion done', endToEnd.coercedMs, '4-instance study'),
    ],
  );
}

export async function matchBench(): Promise<void> {
  const temp = tempDirs('bench-match');
  const scratch = await temp.make();
  try {
    console.log(`seeding ${STUDIES} studies, ${ORDERS} orders and ${PATIENTS} patients ...`);
    const stack = await startStack({
      followChanges: false,
      config: {
        matching: { outsideStudyImportCodes: [IMPORT_CODE], localIssuer: LOCAL_ISSUER },
        // The production default: the matcher polls the HL7 event tables this often when idle.
        coercion: { pollIntervalMs: loadConfig({ env: {} }).coercion.pollIntervalMs },
      },
    });
    let worklist: WorklistMeasurement[];
    let scoring: ScoringMeasurement;
    let endToEnd: EndToEndMeasurement;
    try {
      const services = stack.sidecar.services;
      if (services === undefined) throw new Error('sidecar not started');
      // Measured passes are called directly; the background loops come back for the MLLP runs.
      await services.reconciler.stop();
      await services.coercion.stop();
      const seeded = await seedDatabase(services.db, new Date());
      // What the sidecar's hourly maintenance does to a database that grew (here: all at once).
      await optimizeDatabase(services.db);
      console.log(
        `seeded in ${seeded.seconds.toFixed(1)} s: ${seeded.onWorklist} studies on the worklist, ` +
          `${seeded.withMatchResult} with a match result, database ${seeded.databaseMegabytes.toFixed(0)} MB`,
      );
      worklist = await measureWorklist(stack);
      scoring = await measureScoring(stack);
      endToEnd = await measureEndToEnd(stack);
    } finally {
      await stack.stop();
    }

    console.log(`generating a ${SLICES}-slice 512x512 CT ...`);
    const inputs = coercionInputs();
    const baselineName = 'Orthanc patient-level modify';
    const deletingName = 'Orthanc patient-level modify, then source deleted';
    const best = new Map<string, number>();
    const ours = new Map<string, OurCoercion>();
    const keep = (name: string, seconds: number) => best.set(name, Math.min(best.get(name) ?? Infinity, seconds));
    // Interleaved rounds, best of each: on a shared two-core machine one run measures the neighbours.
    for (let round = 1; round <= ROUNDS; round++) {
      keep(baselineName, await plainPatientModify(inputs, round));
      keep(deletingName, await plainPatientModify(inputs, round, true));
      for (const [name, shared] of [
        ['coerceStudy (a) study alone', false],
        ['coerceStudy (b) Patient ID shared', true],
      ] as const) {
        const measured = await ourCoercion(inputs, round, shared, scratch);
        keep(name, measured.seconds);
        if (measured.seconds <= (best.get(name) ?? Infinity)) ours.set(name, measured);
      }
    }
    const notes: Record<string, string> = {
      [baselineName]: 'PatientID only, sources kept',
      [deletingName]: 'PatientID only, source study deleted in one call',
      'coerceStudy (a) study alone': 'IHE tags, history check, sources deleted',
      'coerceStudy (b) Patient ID shared': 'IHE tags, sources deleted',
    };
    const rows: BenchRow[] = [...best].map(([name, seconds]) => ({
      name,
      seconds,
      instances: SLICES,
      bytes: inputs.bytes,
      note: [ours.get(name)?.strategies.join('+'), notes[name]].filter((part) => part !== undefined).join('; '),
    }));

    printWorklist(worklist);
    printScoring(scoring, endToEnd);
    printTable(
      `Coercion of a ${SLICES}-slice 512x512 CT (${(inputs.bytes / 1024 / 1024).toFixed(0)} MB), best of ${ROUNDS}, fresh staging Orthanc each`,
      rows,
      baselineName,
    );
    const baseline = best.get(baselineName) ?? NaN;
    const alone = best.get('coerceStudy (a) study alone') ?? NaN;
    const shared = best.get('coerceStudy (b) Patient ID shared') ?? NaN;
    console.log('');
    console.log(
      `coerceStudy (a) = baseline s / ours s = ${(baseline / alone).toFixed(2)} (target >= ${COERCION_TARGET_RATIO})`,
    );
    console.log(`coerceStudy (b) = baseline s / ours s = ${(baseline / shared).toFixed(2)}`);
    const deleting = best.get(deletingName) ?? NaN;
    console.log(
      `coerceStudy (a) against modify + delete (one copy left, as coercion leaves it) = ${(deleting / alone).toFixed(2)}`,
    );
    for (const [name, measured] of ours) {
      const calls = [...measured.calls].map(([method, count]) => `${method} ${count}`).join(', ');
      console.log(`${name}, Orthanc calls of the best run: ${calls}`);
    }
  } finally {
    await temp.cleanup();
  }
}
