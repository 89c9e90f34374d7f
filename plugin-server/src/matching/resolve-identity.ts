import {
  compareBirthDates,
  compareNames,
  compareSex,
  normaliseDate,
  normaliseSex,
  shareNameToken,
} from './demographics.ts';
import type {
  Evidence,
  IdentityResult,
  IdentityWorklistReason,
  KnownPatient,
  MatchConfig,
  OutsideStudy,
  PatientCandidate,
} from './match-types.ts';

// Which local patient an outside study belongs to (DESIGN.md section 6, issue 5 step 1). The
// outside Patient ID is never used: two hospitals may use the same number for two people.
// Identity evidence carries no points: the decision is made by rules, not by a sum.

/** The study's demographics compared with one known patient. */
export function comparePatient(study: OutsideStudy, patient: KnownPatient): PatientCandidate {
  const name = compareNames(study.patientName, patient.name);
  const birthDate = compareBirthDates(study.patientBirthDate, patient.birthDate);
  const sex = compareSex(study.patientSex, patient.sex);
  const evidence: Evidence[] = [
    { field: 'patientName', outcome: name.outcome, points: 0, explanation: name.explanation },
    { field: 'patientBirthDate', outcome: birthDate.outcome, points: 0, explanation: birthDate.explanation },
    { field: 'patientSex', outcome: sex.outcome, points: 0, explanation: sex.explanation },
  ];
  return { patient, evidence, conflicting: birthDate.outcome === 'mismatch' || sex.outcome === 'mismatch' };
}

function outcomeOf(candidate: PatientCandidate, field: Evidence['field']): Evidence['outcome'] {
  return candidate.evidence.find((item) => item.field === field)?.outcome ?? 'absent';
}

function isExact(candidate: PatientCandidate): boolean {
  return (
    outcomeOf(candidate, 'patientName') === 'match' &&
    outcomeOf(candidate, 'patientBirthDate') === 'match' &&
    outcomeOf(candidate, 'patientSex') === 'match'
  );
}

function worklist(reason: IdentityWorklistReason, explanation: string, candidates: PatientCandidate[]): IdentityResult {
  return { decision: 'worklist', reason, explanation, candidates };
}

function resolveClaimedMrn(
  study: OutsideStudy,
  claimed: NonNullable<OutsideStudy['claimedMrn']>,
  knownPatients: readonly KnownPatient[],
  config: MatchConfig,
): IdentityResult {
  const issuer = claimed.issuer ?? (config.localIssuer === '' ? null : config.localIssuer);
  const holders = knownPatients.filter(
    (patient) => patient.mrn === claimed.mrn && (issuer === null || patient.mrnIssuer === issuer),
  );
  const candidates = holders.map((patient) => comparePatient(study, patient));
  const [candidate, ...others] = candidates;
  if (candidate === undefined) {
    return worklist('claimed-mrn-unknown', `MRN ${claimed.mrn} is not a patient known from the EMR`, []);
  }
  if (others.length > 0) {
    return worklist('claimed-mrn-ambiguous', `MRN ${claimed.mrn} exists under several issuers`, candidates);
  }
  const differences = candidate.evidence
    .filter((item) => item.outcome !== 'match')
    .map((item) => item.explanation)
    .join('; ');
  if (outcomeOf(candidate, 'patientBirthDate') === 'mismatch') {
    return worklist('conflicting-birth-date', `MRN ${claimed.mrn}: ${differences}`, candidates);
  }
  if (outcomeOf(candidate, 'patientSex') === 'mismatch') {
    return worklist('conflicting-sex', `MRN ${claimed.mrn}: ${differences}`, candidates);
  }
  const name = outcomeOf(candidate, 'patientName');
  if (name === 'mismatch') return worklist('name-mismatch', `MRN ${claimed.mrn}: ${differences}`, candidates);
  // Without a birth date on both sides only an exact name confirms what the front desk typed.
  const birthDate = outcomeOf(candidate, 'patientBirthDate');
  if (name === 'absent' || (birthDate !== 'match' && name !== 'match')) {
    return worklist('insufficient-demographics', `MRN ${claimed.mrn}: ${differences}`, candidates);
  }
  // A near miss on the claimed patient while someone else matches the study exactly: the MRN may
  // have been typed for the wrong person.
  if (name !== 'match') {
    const exactElsewhere = knownPatients
      .filter((patient) => !holders.includes(patient))
      .map((patient) => comparePatient(study, patient))
      .filter((other) => isExact(other));
    if (exactElsewhere.length > 0) {
      return worklist(
        'ambiguous-patient',
        `MRN ${claimed.mrn} differs from the study (${differences}) and another known patient matches it exactly`,
        [...candidates, ...exactElsewhere],
      );
    }
  }
  return { decision: 'identified', source: 'claimed-mrn', patient: candidate.patient, candidates };
}

function resolveByDemographics(study: OutsideStudy, knownPatients: readonly KnownPatient[]): IdentityResult {
  if (
    compareNames(study.patientName, study.patientName).outcome === 'absent' ||
    normaliseDate(study.patientBirthDate) === null ||
    normaliseSex(study.patientSex) === null
  ) {
    return worklist(
      'insufficient-demographics',
      'no MRN given and the study lacks a name, a birth date or the sex (M/F)',
      [],
    );
  }
  const compared = knownPatients.map((patient) => comparePatient(study, patient));
  const exact = compared.filter(isExact);
  // Someone else born the same day, not of the other sex, sharing a name part: a twin, a sibling,
  // a typo away. Their existence makes any demographic-only choice a human decision.
  const plausible = compared.filter(
    (candidate) =>
      !exact.includes(candidate) &&
      !candidate.conflicting &&
      outcomeOf(candidate, 'patientBirthDate') === 'match' &&
      (outcomeOf(candidate, 'patientName') === 'partial' || shareNameToken(study.patientName, candidate.patient.name)),
  );
  const shown = [...exact, ...plausible];
  const [only, ...moreExact] = exact;
  if (only !== undefined && moreExact.length === 0 && plausible.length === 0) {
    return { decision: 'identified', source: 'demographics', patient: only.patient, candidates: shown };
  }
  if (exact.length > 0) {
    return worklist(
      'ambiguous-patient',
      `${exact.length + plausible.length} known patients fit the study's name and birth date`,
      shown,
    );
  }
  if (plausible.length > 0) {
    return worklist(
      'partial-patient-match',
      'known patients share the birth date and part of the name, none matches exactly',
      shown,
    );
  }
  return worklist('no-patient-match', 'no known patient with this name, birth date and sex', []);
}

/**
 * The local patient of an outside study: the front desk's MRN checked against the known patient,
 * or, without one, a unique exact demographic match with no plausible alternative.
 */
export function resolveIdentity(
  study: OutsideStudy,
  knownPatients: readonly KnownPatient[],
  config: MatchConfig,
): IdentityResult {
  return study.claimedMrn === null
    ? resolveByDemographics(study, knownPatients)
    : resolveClaimedMrn(study, study.claimedMrn, knownPatients, config);
}
