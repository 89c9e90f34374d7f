import { describe, expect, it } from 'vitest';
import type { CoercionPlan } from '../domain/coercion.ts';
import { alreadyCoerced, coercionReplace, hasIdentityHistory, identityChanges, TAG } from './coercion-tags.ts';

const plan: CoercionPlan = {
  StudyInstanceUID: '2.25.1',
  target: {
    patientId: 'MRN1',
    issuerOfPatientId: 'HOSP',
    patientName: 'DOE^JANE',
    patientBirthDate: '19800115',
    patientSex: 'F',
    accessionNumber: 'ACC1',
  },
  issuerOfAccessionNumber: null,
  reason: 'COERCE',
  coercionDateTime: '20261128120000.000001',
  modifyingSystem: 'OUTSIDE',
  sourceOfPreviousValues: 'ST ELSEWHERE',
  why: 'test',
};

const outside = {
  [TAG.PatientID]: 'EXT-1',
  [TAG.IssuerOfPatientID]: 'ELSEWHERE',
  [TAG.PatientName]: 'Doe^Jane',
  [TAG.PatientBirthDate]: '19800115',
  [TAG.PatientSex]: 'F',
  [TAG.AccessionNumber]: 'OUT9',
};

describe('coercionReplace', () => {
  it('writes the local identity, the prior Patient ID as another ID, and an Original Attributes item with only the changed values', () => {
    const replace = coercionReplace(outside, plan);
    expect(replace[TAG.PatientID]).toBe('MRN1');
    expect(replace[TAG.AccessionNumber]).toBe('ACC1');
    expect(replace[TAG.InstanceCoercionDateTime]).toBe(plan.coercionDateTime);
    expect(replace[TAG.OtherPatientIDsSequence]).toEqual([
      { [TAG.PatientID]: 'EXT-1', [TAG.IssuerOfPatientID]: 'ELSEWHERE', [TAG.TypeOfPatientID]: 'TEXT' },
    ]);
    expect(replace[TAG.OriginalAttributesSequence]).toEqual([
      {
        [TAG.ModifiedAttributesSequence]: [
          {
            [TAG.PatientID]: 'EXT-1',
            [TAG.IssuerOfPatientID]: 'ELSEWHERE',
            [TAG.PatientName]: 'Doe^Jane',
            [TAG.AccessionNumber]: 'OUT9',
          },
        ],
        [TAG.AttributeModificationDateTime]: plan.coercionDateTime,
        [TAG.ModifyingSystem]: 'OUTSIDE',
        [TAG.SourceOfPreviousValues]: 'ST ELSEWHERE',
        [TAG.ReasonForTheAttributeModification]: 'COERCE',
      },
    ]);
    expect(replace[TAG.IssuerOfAccessionNumberSequence]).toBeUndefined();
  });

  it('keeps existing history items (dropping values Orthanc shows as null) and does not repeat a known other ID', () => {
    const earlier = {
      [TAG.ModifiedAttributesSequence]: [{ [TAG.PatientID]: 'OLDER', '0009,0010': null }],
      [TAG.ReasonForTheAttributeModification]: 'CORRECT',
    };
    const tags = {
      ...outside,
      [TAG.OtherPatientIDsSequence]: [{ [TAG.PatientID]: 'EXT-1', [TAG.IssuerOfPatientID]: 'ELSEWHERE' }],
      [TAG.OriginalAttributesSequence]: [earlier],
    };
    expect(hasIdentityHistory(tags)).toBe(true);
    const replace = coercionReplace(tags, { ...plan, issuerOfAccessionNumber: 'RIS' });
    expect(replace[TAG.OtherPatientIDsSequence]).toHaveLength(1);
    const history = replace[TAG.OriginalAttributesSequence] as Record<string, unknown>[];
    expect(history).toHaveLength(2);
    expect(history[0]).toEqual({
      [TAG.ModifiedAttributesSequence]: [{ [TAG.PatientID]: 'OLDER' }],
      [TAG.ReasonForTheAttributeModification]: 'CORRECT',
    });
    expect(replace[TAG.IssuerOfAccessionNumberSequence]).toEqual([{ [TAG.LocalNamespaceEntityID]: 'RIS' }]);
  });

  it('recognises an instance this plan already rewrote, and lists only the attributes that change', () => {
    expect(alreadyCoerced({ ...outside, [TAG.InstanceCoercionDateTime]: plan.coercionDateTime }, plan)).toBe(true);
    expect(alreadyCoerced({ ...outside, [TAG.InstanceCoercionDateTime]: '20200101000000.000000' }, plan)).toBe(false);
    expect(hasIdentityHistory(outside)).toBe(false);
    const changes = identityChanges({ ...plan.target, accessionNumber: 'OLD' }, plan.target);
    expect(changes).toEqual([{ tag: TAG.AccessionNumber, keyword: 'AccessionNumber', before: 'OLD', after: 'ACC1' }]);
  });
});
