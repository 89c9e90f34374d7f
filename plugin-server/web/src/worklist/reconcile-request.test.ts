import { describe, expect, it } from 'vitest';
import { reconcileActionSchema } from '../../../src/domain/reconciliation.ts';
import { ApiError } from '../api/api-client.ts';
import {
  confirmAction,
  defaultManualForm,
  defaultReferenceMrn,
  manualAction,
  referenceOnlyAction,
  unknownValuesWarning,
} from './reconcile-request.ts';

const identity = {
  patientId: 'MRN-1',
  issuerOfPatientId: 'HOSP',
  patientName: 'DOE^JANE',
  patientBirthDate: '19700101',
  patientSex: 'F',
  accessionNumber: 'ACC1',
};

describe('reconcile requests', () => {
  it('builds a manual action with trimmed values, accepted by the server schema', () => {
    const built = manualAction({ mrn: ' MRN-1 ', accessionNumber: ' ACC 9 ' }, false);
    expect(built).toEqual({
      ok: true,
      action: { action: 'manual', mrn: 'MRN-1', accessionNumber: 'ACC 9', acceptUnknown: false },
    });
    if (built.ok) expect(reconcileActionSchema.parse(built.action)).toEqual(built.action);
    expect(manualAction({ mrn: 'M', accessionNumber: '' }, true)).toEqual({
      ok: true,
      action: { action: 'manual', mrn: 'M', accessionNumber: '', acceptUnknown: true },
    });
  });

  it.each([
    [{ mrn: '  ', accessionNumber: '' }, ['Enter the MRN.']],
    [{ mrn: 'x'.repeat(65), accessionNumber: '' }, ['The MRN has more than 64 characters.']],
    [
      { mrn: '', accessionNumber: '12345678901234567' },
      ['Enter the MRN.', 'The accession number has more than 16 characters.'],
    ],
  ])('refuses %j', (form, problems) => {
    expect(manualAction(form, false)).toEqual({ ok: false, problems });
  });

  it('builds reference-only and confirm actions', () => {
    expect(referenceOnlyAction(' MRN-2 ')).toEqual({ ok: true, action: { action: 'reference-only', mrn: 'MRN-2' } });
    expect(referenceOnlyAction('')).toEqual({ ok: false, problems: ['Enter the MRN.'] });
    expect(confirmAction(12)).toEqual({ action: 'confirm', orderId: 12 });
    expect(reconcileActionSchema.parse(confirmAction(12))).toEqual({ action: 'confirm', orderId: 12 });
  });

  it('starts the forms from the proposed identity, else the claimed MRN', () => {
    expect(defaultReferenceMrn({ proposed: identity, claimedMrn: 'CLAIMED' })).toBe('MRN-1');
    expect(defaultReferenceMrn({ proposed: null, claimedMrn: ' CLAIMED ' })).toBe('CLAIMED');
    expect(defaultReferenceMrn({ proposed: { ...identity, patientId: '' }, claimedMrn: 'CLAIMED' })).toBe('CLAIMED');
    expect(defaultReferenceMrn({ proposed: null, claimedMrn: null })).toBe('');
    expect(defaultManualForm({ proposed: identity, claimedMrn: null })).toEqual({
      mrn: 'MRN-1',
      accessionNumber: 'ACC1',
    });
    expect(defaultManualForm({ proposed: null, claimedMrn: 'C' })).toEqual({ mrn: 'C', accessionNumber: '' });
  });

  it('recognises the "not known from HL7" answer and nothing else', () => {
    const message = 'MRN X is not known from HL7';
    const details = { unknown: [message] };
    expect(unknownValuesWarning(new ApiError(409, 'conflict', message, details))).toBe(message);
    // A conflict without the list (e.g. an MRN known under two issuers) cannot be overridden.
    expect(unknownValuesWarning(new ApiError(409, 'conflict', message))).toBeUndefined();
    expect(unknownValuesWarning(new ApiError(409, 'invalid_state', message, details))).toBeUndefined();
    expect(unknownValuesWarning(new ApiError(400, 'conflict', message, details))).toBeUndefined();
    expect(unknownValuesWarning(new Error(message))).toBeUndefined();
  });

  it('tells values HL7 does not know from conflicts that cannot be overridden', () => {
    const unknown = new ApiError(409, 'conflict', 'MRN X is not known from HL7. Check the values.', {
      unknown: ['MRN X is not known from HL7'],
    });
    expect(unknownValuesWarning(unknown)).toBe('MRN X is not known from HL7. Check the values.');
    const otherMrn = new ApiError(409, 'conflict', 'accession A belongs to an order of another MRN', { other: 1 });
    expect(unknownValuesWarning(otherMrn)).toBeUndefined();
    expect(unknownValuesWarning(new ApiError(409, 'conflict', 'x', { unknown: [] }))).toBeUndefined();
  });
});
