import { describe, expect, it } from 'vitest';
import { EMPTY_DETAILS, importRequestOf } from './import-request.ts';

describe('importRequestOf', () => {
  it('needs a department and a source', () => {
    expect(importRequestOf({ ...EMPTY_DETAILS, sourceLabel: 'CD' })).toEqual({
      ok: false,
      problem: 'Choose the department the images are for.',
    });
    expect(importRequestOf({ ...EMPTY_DETAILS, department: 'radiology', sourceLabel: '  ' })).toEqual({
      ok: false,
      problem: 'Say where the images come from.',
    });
  });

  it('leaves the patient out when nothing was entered', () => {
    expect(importRequestOf({ ...EMPTY_DETAILS, department: 'cardiology', sourceLabel: ' St. Mary ' })).toEqual({
      ok: true,
      request: { department: 'cardiology', sourceLabel: 'St. Mary' },
    });
  });

  it('sends the MRN, name and birth date (as a DICOM date) that were entered, trimmed', () => {
    expect(
      importRequestOf({
        department: 'radiology',
        sourceLabel: 'CD',
        mrn: ' 12345 ',
        name: 'Doe, Jane',
        birthDate: '1970-03-01',
      }),
    ).toEqual({
      ok: true,
      request: {
        department: 'radiology',
        sourceLabel: 'CD',
        patient: { mrn: '12345', name: 'Doe, Jane', birthDate: '19700301' },
      },
    });
    expect(importRequestOf({ ...EMPTY_DETAILS, department: 'other', sourceLabel: 'CD', mrn: '7' })).toMatchObject({
      ok: true,
      request: { patient: { mrn: '7' } },
    });
  });
});
