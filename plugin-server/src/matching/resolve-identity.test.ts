import { describe, expect, it } from 'vitest';
import { matchConfig } from './match-study.ts';
import type { KnownPatient, OutsideStudy } from './match-types.ts';
import { knownPatient, outsideStudy } from './matching-fixtures.ts';
import { comparePatient, resolveIdentity } from './resolve-identity.ts';

const config = matchConfig({ localIssuer: 'HOSP' });

const patient = knownPatient;

/** An outside study without a claimed MRN or department: identity must come from demographics. */
function study(overrides: Partial<OutsideStudy> = {}): OutsideStudy {
  return outsideStudy({ studyDescription: 'CT CHEST', department: null, claimedMrn: null, ...overrides });
}

const jane = patient('M1', 'DOE^JANE', '1980-01-15', 'F');
const claimed = (mrn: string, issuer: string | null = null) => ({ claimedMrn: { mrn, issuer } });

describe('comparePatient', () => {
  it('lists every difference and flags birth date or sex conflicts', () => {
    const candidate = comparePatient(study({ patientName: 'DOE^JAEN', patientSex: 'M' }), jane);
    expect(candidate.conflicting).toBe(true);
    expect(candidate.evidence.map((item) => [item.field, item.outcome])).toEqual([
      ['patientName', 'partial'],
      ['patientBirthDate', 'match'],
      ['patientSex', 'mismatch'],
    ]);
  });
});

describe('resolveIdentity', () => {
  it.each<[string, Partial<OutsideStudy>, KnownPatient[], string, string | null]>([
    // [case, study overrides, known patients, decision or worklist reason, identified MRN]
    ['claimed MRN, exact', claimed('M1'), [jane], 'identified', 'M1'],
    ['claimed MRN with issuer', claimed('M1', 'HOSP'), [jane], 'identified', 'M1'],
    ['claimed MRN, foreign issuer', claimed('M1', 'OTHER'), [jane], 'claimed-mrn-unknown', null],
    ['claimed MRN unknown', claimed('M9'), [jane], 'claimed-mrn-unknown', null],
    [
      'claimed MRN, birth date differs',
      { ...claimed('M1'), patientBirthDate: '19800116' },
      [jane],
      'conflicting-birth-date',
      null,
    ],
    ['claimed MRN, sex differs', { ...claimed('M1'), patientSex: 'M' }, [jane], 'conflicting-sex', null],
    ['claimed MRN, other name', { ...claimed('M1'), patientName: 'ROE^RICHARD' }, [jane], 'name-mismatch', null],
    ['claimed MRN, typo', { ...claimed('M1'), patientName: 'DOE^JAEN' }, [jane], 'identified', 'M1'],
    ['claimed MRN, married name', { ...claimed('M1'), patientName: 'SMITH^JANE' }, [jane], 'identified', 'M1'],
    ['claimed MRN, no birth date, exact name', { ...claimed('M1'), patientBirthDate: '' }, [jane], 'identified', 'M1'],
    [
      'claimed MRN, no birth date, typo',
      { ...claimed('M1'), patientBirthDate: '', patientName: 'DOE^JAEN' },
      [jane],
      'insufficient-demographics',
      null,
    ],
    ['claimed MRN, no name', { ...claimed('M1'), patientName: '' }, [jane], 'insufficient-demographics', null],
    [
      'claimed MRN under two issuers, none given and no local issuer configured',
      claimed('M1'),
      [jane, patient('M1', 'DOE^JANE', '1980-01-15', 'F', 'OTHER')],
      'identified',
      'M1',
    ],
    ['demographics, unique', {}, [jane, patient('M2', 'ROE^RICHARD', '1955-03-03', 'M')], 'identified', 'M1'],
    ['demographics, swapped', { patientName: 'JANE^DOE' }, [jane], 'identified', 'M1'],
    ['demographics, other birth date', { patientBirthDate: '19790115' }, [jane], 'no-patient-match', null],
    ['demographics, other sex', { patientSex: 'M' }, [jane], 'no-patient-match', null],
    ['demographics, sex unknown', { patientSex: '' }, [jane], 'insufficient-demographics', null],
    ['demographics, typo', { patientName: 'DOE^JAEN' }, [jane], 'partial-patient-match', null],
    ['demographics, duplicates', {}, [jane, patient('M3', 'DOE^JANE', '1980-01-15', 'F')], 'ambiguous-patient', null],
    ['demographics, twin sister', {}, [jane, patient('M4', 'DOE^EMMA', '1980-01-15', 'F')], 'ambiguous-patient', null],
    ['demographics, twin brother', {}, [jane, patient('M5', 'DOE^JOHN', '1980-01-15', 'M')], 'identified', 'M1'],
    [
      'demographics, namesake born another day',
      {},
      [jane, patient('M6', 'DOE^JANE', '1990-01-15', 'F')],
      'identified',
      'M1',
    ],
  ])('%s', (_name, overrides, known, expected, mrn) => {
    const result = resolveIdentity(study(overrides), known, config);
    if (result.decision === 'identified') {
      expect(expected).toBe('identified');
      expect(result.patient.mrn).toBe(mrn);
    } else {
      expect(result.reason).toBe(expected);
    }
  });

  it('finds a claimed MRN under any issuer only when there is exactly one', () => {
    const noIssuer = matchConfig({});
    const twoIssuers = [jane, patient('M1', 'ROE^RICHARD', '1955-03-03', 'M', 'OTHER')];
    expect(resolveIdentity(study(claimed('M1')), twoIssuers, noIssuer)).toMatchObject({
      decision: 'worklist',
      reason: 'claimed-mrn-ambiguous',
    });
    expect(resolveIdentity(study(claimed('M1')), [jane], noIssuer)).toMatchObject({ decision: 'identified' });
  });

  it('never uses the outside Patient ID', () => {
    const result = resolveIdentity(
      study({ originalPatientId: 'M2' }),
      [jane, patient('M2', 'ROE^RICHARD', '1955-03-03', 'M')],
      config,
    );
    expect(result).toMatchObject({ decision: 'identified', patient: { mrn: 'M1' } });
  });
});
