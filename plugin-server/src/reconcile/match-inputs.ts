import type { OrderRow, PatientRow } from '@outside/hl7-bridge/schema';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { Database, StudyRow } from '../db/schema.ts';
import type { CandidateOrder, KnownPatient, OutsideStudy } from '../matching/match-types.ts';
import { dicomDate, xpnText } from './local-identity.ts';

// The database side of matching: a study row, the patients and orders worth comparing, shaped
// as the pure matcher's inputs (matching/match-types.ts).

type Executor = Kysely<Database> | Transaction<Database>;

const modalitiesSchema = z.array(z.string());

export function outsideStudyFromRow(row: StudyRow): OutsideStudy {
  return {
    StudyInstanceUID: row.study_instance_uid,
    originalPatientId: row.original_patient_id,
    originalIssuerOfPatientId: row.original_issuer_of_patient_id,
    patientName: row.original_patient_name,
    patientBirthDate: row.original_patient_birth_date,
    patientSex: row.original_patient_sex,
    accessionNumber: row.original_accession_number,
    studyDate: row.study_date,
    modalities: modalitiesSchema.parse(JSON.parse(row.modalities)),
    studyDescription: row.study_description,
    department: row.department,
    claimedMrn: row.claimed_mrn === null ? null : { mrn: row.claimed_mrn, issuer: row.claimed_mrn_issuer },
  };
}

export function knownPatientFromRow(row: PatientRow): KnownPatient {
  return {
    mrn: row.mrn,
    mrnIssuer: row.mrn_issuer,
    name: xpnText({
      family: row.family_name,
      given: row.given_name,
      middle: row.middle_name,
      suffix: row.name_suffix,
      prefix: row.name_prefix,
    }),
    birthDate: row.birth_date,
    sex: row.sex,
  };
}

export function candidateOrderFromRow(row: OrderRow): CandidateOrder {
  return {
    id: String(row.id),
    status: row.status,
    mrn: row.mrn,
    mrnIssuer: row.mrn_issuer,
    patientName: xpnText({
      family: row.patient_family_name,
      given: row.patient_given_name,
      middle: row.patient_middle_name,
      suffix: row.patient_name_suffix,
      prefix: row.patient_name_prefix,
    }),
    patientBirthDate: row.patient_birth_date,
    patientSex: row.patient_sex,
    accessionNumber: row.accession_number,
    procedureCode: row.procedure_code,
    procedureText: row.procedure_text,
    modality: row.modality,
    studyInstanceUid: row.study_instance_uid,
    orderedAt: row.ordered_at ?? row.scheduled_at,
    department: row.department,
  };
}

/** The claimed MRN's patient(s), or the active patients born the same day as the study's. */
export async function loadKnownPatients(db: Executor, study: StudyRow): Promise<PatientRow[]> {
  if (study.claimed_mrn !== null) {
    return db
      .selectFrom('hl7_patients')
      .selectAll()
      .where('mrn', '=', study.claimed_mrn)
      .where('status', '=', 'active')
      .execute();
  }
  const birthDate = dicomDate(study.original_patient_birth_date);
  if (birthDate === '') return [];
  const iso = `${birthDate.slice(0, 4)}-${birthDate.slice(4, 6)}-${birthDate.slice(6, 8)}`;
  return db
    .selectFrom('hl7_patients')
    .selectAll()
    .where('birth_date', 'in', [iso, birthDate])
    .where('status', '=', 'active')
    .limit(200)
    .execute();
}

/** The identified patient's orders, and any order naming the study's UID. */
export async function loadCandidateOrders(db: Executor, mrn: string | null, studyUid: string): Promise<OrderRow[]> {
  return db
    .selectFrom('hl7_orders')
    .selectAll()
    .where((eb) => {
      const byUid = eb('study_instance_uid', '=', studyUid);
      return mrn === null ? byUid : eb.or([eb('mrn', '=', mrn), byUid]);
    })
    .orderBy('id')
    .limit(500)
    .execute();
}
