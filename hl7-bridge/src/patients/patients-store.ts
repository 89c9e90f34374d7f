// Data access for the patients cache (hl7_patients, hl7_patient_identifiers, hl7_patient_events).

import type { Kysely } from 'kysely';
import type { Hl7Tables, PatientEventType, PatientRow } from '../db/hl7-schema.ts';
import type { MappedPatient } from '../mapping/domain-schemas.ts';

export async function findPatient(db: Kysely<Hl7Tables>, mrn: string, issuer: string): Promise<PatientRow | undefined> {
  return db
    .selectFrom('hl7_patients')
    .selectAll()
    .where('mrn', '=', mrn)
    .where('mrn_issuer', '=', issuer)
    .executeTakeFirst();
}

/** The demographic columns a mapped patient sets. */
export function patientColumns(patient: MappedPatient) {
  return {
    family_name: patient.name.familyName,
    given_name: patient.name.givenName,
    middle_name: patient.name.middleName,
    name_suffix: patient.name.suffix,
    name_prefix: patient.name.prefix,
    birth_date: patient.birthDate,
    sex: patient.sex,
  };
}

export type PatientColumns = ReturnType<typeof patientColumns>;

/** Names of the columns whose value would change; birth date and sex are kept when not sent. */
export function changedPatientColumns(current: PatientRow, next: PatientColumns): (keyof PatientColumns)[] {
  return (Object.keys(next) as (keyof PatientColumns)[]).filter(
    (column) => next[column] !== null && next[column] !== current[column],
  );
}

export async function insertPatient(
  db: Kysely<Hl7Tables>,
  patient: MappedPatient,
  inboxMessageId: number,
  now: string,
): Promise<number> {
  const row = await db
    .insertInto('hl7_patients')
    .values({
      mrn: patient.mrn,
      mrn_issuer: patient.mrnIssuer,
      ...patientColumns(patient),
      status: 'active',
      merged_into_patient_id: null,
      last_message_id: inboxMessageId,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await replaceIdentifiers(db, row.id, patient);
  return row.id;
}

export async function updatePatient(
  db: Kysely<Hl7Tables>,
  current: PatientRow,
  patient: MappedPatient,
  inboxMessageId: number,
  now: string,
): Promise<(keyof PatientColumns)[]> {
  const next = patientColumns(patient);
  const changed = changedPatientColumns(current, next);
  const update: Partial<PatientColumns> = {};
  for (const column of changed) Object.assign(update, { [column]: next[column] });
  await db
    .updateTable('hl7_patients')
    .set({ ...update, last_message_id: inboxMessageId, updated_at: now })
    .where('id', '=', current.id)
    .execute();
  await replaceIdentifiers(db, current.id, patient);
  return changed;
}

async function replaceIdentifiers(db: Kysely<Hl7Tables>, patientId: number, patient: MappedPatient): Promise<void> {
  await db.deleteFrom('hl7_patient_identifiers').where('patient_id', '=', patientId).execute();
  await db
    .insertInto('hl7_patient_identifiers')
    .values(
      patient.identifiers.map((identifier) => ({
        patient_id: patientId,
        identifier: identifier.identifier,
        assigning_authority: identifier.assigningAuthority,
        assigning_authority_universal_id: identifier.assigningAuthorityUniversalId,
        assigning_authority_universal_id_type: identifier.assigningAuthorityUniversalIdType,
        identifier_type: identifier.identifierType,
        assigning_facility: identifier.assigningFacility,
      })),
    )
    .execute();
}

export async function markMerged(
  db: Kysely<Hl7Tables>,
  priorId: number,
  survivorId: number,
  inboxMessageId: number,
  now: string,
): Promise<void> {
  await db
    .updateTable('hl7_patients')
    .set({ status: 'merged', merged_into_patient_id: survivorId, last_message_id: inboxMessageId, updated_at: now })
    .where('id', '=', priorId)
    .execute();
}

export async function recordPatientEvent(
  db: Kysely<Hl7Tables>,
  event: {
    patientId: number;
    inboxMessageId: number;
    event: PatientEventType;
    messageType: string;
    details: Record<string, unknown>;
    now: string;
  },
): Promise<void> {
  await db
    .insertInto('hl7_patient_events')
    .values({
      patient_id: event.patientId,
      inbox_message_id: event.inboxMessageId,
      event: event.event,
      message_type: event.messageType,
      details: JSON.stringify(event.details),
      occurred_at: event.now,
    })
    .execute();
}
