import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { EMPTY_COUNTS } from '../domain/import-session.ts';
import type { Destination } from '../domain/routing.ts';

// Rows the routing-rule tests need (a study, its matched order, the imports that brought it, the
// destinations), with only the columns that matter to routing chosen by the test.

const NOW = '2025-01-01T00:00:00.000Z';
let messages = 0;

export async function insertStudy(
  db: Kysely<Database>,
  study: {
    id: string;
    uid: string;
    state?: string;
    department?: string | null;
    modalities?: string[];
    matchedOrderId?: number;
  },
): Promise<void> {
  await db
    .insertInto('studies')
    .values({
      id: study.id,
      study_instance_uid: study.uid,
      orthanc_id: null,
      state: study.state ?? 'ready',
      original_patient_id: 'OUT1',
      original_issuer_of_patient_id: '',
      original_patient_name: 'TEST^PATIENT',
      original_patient_birth_date: '19700101',
      original_patient_sex: 'O',
      original_accession_number: '',
      study_date: '20250101',
      study_description: '',
      institution_name: '',
      modalities: JSON.stringify(study.modalities ?? []),
      series_count: 1,
      instance_count: 1,
      first_seen_at: NOW,
      updated_at: NOW,
      department: study.department ?? null,
      matched_order_id: study.matchedOrderId ?? null,
    })
    .execute();
}

/** An order as the HL7 bridge would store it, with the inbox message it came in. */
export async function insertOrder(db: Kysely<Database>, procedureCode: string | null): Promise<number> {
  messages += 1;
  const message = await db
    .insertInto('hl7_inbox')
    .values({
      received_at: NOW,
      message_type: 'ORM^O01',
      raw_message: Buffer.from('test', 'latin1'),
      content_hash: `test-${messages}`,
      ack_message: Buffer.from('test ack', 'latin1'),
      ack_code: 'AA',
      state: 'processed',
      attempts: 1,
      processed_at: NOW,
      updated_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const order = await db
    .insertInto('hl7_orders')
    .values({
      order_key: `P|EMR|${message.id}`,
      placer_order_number: String(message.id),
      placer_application: 'EMR',
      filler_application: '',
      status: 'new',
      order_control: 'NW',
      mrn: 'MRN1',
      mrn_issuer: 'LOCAL',
      patient_family_name: 'TEST',
      patient_given_name: 'PATIENT',
      patient_middle_name: '',
      patient_name_suffix: '',
      patient_name_prefix: '',
      procedure_code: procedureCode,
      created_by_message_id: message.id,
      last_message_id: message.id,
      created_at: NOW,
      updated_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return order.id;
}

/** An import session of `sourceKind`, created at `createdAt`, that brought the study `uid`. */
export async function insertImport(
  db: Kysely<Database>,
  input: { id: string; uid: string; sourceKind: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('import_sessions')
    .values({
      id: input.id,
      created_at: input.createdAt,
      finished_at: input.createdAt,
      created_by_user_id: null,
      created_by_username: 'frontdesk',
      department: 'radiology',
      source_label: 'CD',
      source_kind: input.sourceKind,
      patient_mrn: null,
      patient_name: null,
      patient_birth_date: null,
      state: 'finished',
      counts: JSON.stringify(EMPTY_COUNTS),
      warnings: '[]',
      dicomdir_report: null,
    })
    .execute();
  await db
    .insertInto('import_studies')
    .values({ import_id: input.id, study_instance_uid: input.uid, orthanc_study_id: null, instance_count: 1 })
    .execute();
}

export async function insertDestinations(db: Kysely<Database>, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await db
    .insertInto('destinations')
    .values(
      names.map((name) => ({
        id: `id-${name}`,
        name,
        kind: 'dicom',
        aet: name.toUpperCase().slice(0, 16),
        host: 'pacs.example.org',
        port: 104,
        url: null,
        username: null,
        password: null,
        concurrency: 1,
        enabled: 1,
        created_at: NOW,
        updated_at: NOW,
      })),
    )
    .execute();
}

/** A DICOM destination (RADPACS at 10.0.0.5:104) as the store gives it back once created with
 * nothing but its AE title, host and port: all of it but the id and the timestamps. */
export function dicomDestination(name: string): Omit<Destination, 'id' | 'createdAt' | 'updatedAt'> {
  return {
    name,
    kind: 'dicom',
    aet: 'RADPACS',
    host: '10.0.0.5',
    port: 104,
    url: null,
    username: null,
    hasPassword: false,
    concurrency: 1,
    enabled: true,
    storageCommitment: false,
  };
}
