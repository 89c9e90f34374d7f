import type { ClaimedPatient } from '../domain/import-session.ts';
import { sameNameTokens } from '../domain/person-name.ts';

export interface MediaPatient {
  patientId: string;
  patientName: string;
  patientBirthDate: string;
}

/**
 * What the front desk should double-check before the import is reconciled: the claimed name or
 * birth date disagreeing with the media, or media holding more than one patient. Warnings only:
 * identity is decided later, by reconciliation (DESIGN.md section 6).
 */
export function claimedPatientWarnings(claimed: ClaimedPatient, onMedia: readonly MediaPatient[]): string[] {
  const warnings: string[] = [];
  const distinct = new Map(
    onMedia.map((patient) => [`${patient.patientId}|${patient.patientName}|${patient.patientBirthDate}`, patient]),
  );
  if (distinct.size > 1) {
    warnings.push(`the media hold ${distinct.size} different patients (by patient ID, name and birth date)`);
  }
  for (const patient of distinct.values()) {
    const label = `patient ID ${patient.patientId === '' ? '(none)' : patient.patientId} on the media`;
    if (claimed.name !== undefined && !sameNameTokens(claimed.name, patient.patientName)) {
      warnings.push(`the name entered does not match the name of ${label}`);
    }
    if (claimed.birthDate !== undefined && claimed.birthDate !== patient.patientBirthDate) {
      warnings.push(`the birth date entered does not match the birth date of ${label}`);
    }
  }
  return warnings;
}
