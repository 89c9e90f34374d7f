import type { DicomIdentity } from '../domain/coercion.ts';
import type { StudyRow } from '../db/schema.ts';

// HL7 demographics as DICOM values: PN puts the prefix before the suffix (XPN: family^given^
// middle^suffix^prefix), DA has no dashes, and trailing empty components are dropped.

export interface Hl7NameParts {
  family: string;
  given: string;
  middle: string;
  suffix: string;
  prefix: string;
}

export function dicomPersonName(name: Hl7NameParts): string {
  return [name.family, name.given, name.middle, name.prefix, name.suffix].join('^').replace(/\^+$/, '');
}

export function xpnText(name: Hl7NameParts): string {
  return [name.family, name.given, name.middle, name.suffix, name.prefix].join('^').replace(/\^+$/, '');
}

/** `1980-01-15` or `19800115` (or a timestamp) as DICOM DA; '' when unknown. */
export function dicomDate(value: string | null): string {
  if (value === null) return '';
  const digits = value.replaceAll('-', '').slice(0, 8);
  return /^\d{8}$/.test(digits) ? digits : '';
}

export function originalIdentity(row: StudyRow): DicomIdentity {
  return {
    patientId: row.original_patient_id,
    issuerOfPatientId: row.original_issuer_of_patient_id,
    patientName: row.original_patient_name,
    patientBirthDate: row.original_patient_birth_date,
    patientSex: row.original_patient_sex,
    accessionNumber: row.original_accession_number,
  };
}

/** The local identity decided for the study, if any. */
export function localIdentity(row: StudyRow): DicomIdentity | null {
  if (row.local_mrn === null) return null;
  return {
    patientId: row.local_mrn,
    issuerOfPatientId: row.local_mrn_issuer ?? '',
    patientName: row.local_patient_name ?? '',
    patientBirthDate: row.local_patient_birth_date ?? '',
    patientSex: row.local_patient_sex ?? '',
    accessionNumber: row.local_accession_number ?? '',
  };
}
