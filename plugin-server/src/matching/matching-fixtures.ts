import type { CandidateOrder, KnownPatient, OutsideStudy } from './match-types.ts';

// Builders of synthetic matching inputs, shared by the labelled corpus and the unit tests. Every
// person, number and UID is invented. The defaults describe one consistent story: Jane Doe's
// outside CT chest of 2026-03-10, and an "outside study import" order placed two days later.

export const STUDY_UID = '1.2.826.0.1.3680043.10.543.7001';
export const OTHER_UID = '1.2.826.0.1.3680043.10.543.9999';
export const JANE_MRN = 'MRN1001';

export function knownPatient(
  mrn: string,
  name: string,
  birthDate: string | null,
  sex: string | null,
  mrnIssuer = 'HOSP',
): KnownPatient {
  return { mrn, mrnIssuer, name, birthDate, sex };
}

export function outsideStudy(overrides: Partial<OutsideStudy> = {}): OutsideStudy {
  return {
    StudyInstanceUID: STUDY_UID,
    originalPatientId: 'EXT-55',
    originalIssuerOfPatientId: 'ST ELSEWHERE',
    patientName: 'DOE^JANE',
    patientBirthDate: '19800115',
    patientSex: 'F',
    accessionNumber: 'OUT123',
    studyDate: '20260310',
    modalities: ['CT'],
    studyDescription: 'CT CHEST W CONTRAST',
    department: 'Radiology',
    claimedMrn: { mrn: JANE_MRN, issuer: null },
    ...overrides,
  };
}

/** An open "outside study import" CT order for Jane Doe, two days after the study. */
export function candidateOrder(id: string, overrides: Partial<CandidateOrder> = {}): CandidateOrder {
  return {
    id,
    status: 'new',
    mrn: JANE_MRN,
    mrnIssuer: 'HOSP',
    patientName: 'DOE^JANE',
    patientBirthDate: '1980-01-15',
    patientSex: 'F',
    accessionNumber: `ACC${id}`,
    procedureCode: 'XIMP',
    procedureText: 'OUTSIDE CT IMPORT',
    modality: 'CT',
    studyInstanceUid: null,
    orderedAt: '2026-03-12T09:00:00Z',
    department: 'Radiology',
    ...overrides,
  };
}
