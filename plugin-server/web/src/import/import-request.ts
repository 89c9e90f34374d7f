// The import form's values and the request they make: pure, so the rules (department required,
// birth date as a DICOM date, empty fields left out) are tested without a browser.

import { dicomDateFromInput } from '../format/format.ts';
import type { Department, NewImport } from './imports.resource.ts';

export type ImportDetails = {
  sourceLabel: string;
  department: Department | '';
  mrn: string;
  name: string;
  birthDate: string;
};

export const EMPTY_DETAILS: ImportDetails = { sourceLabel: '', department: '', mrn: '', name: '', birthDate: '' };

export const DEPARTMENT_LABELS: Record<Department, string> = {
  radiology: 'Radiology',
  cardiology: 'Cardiology',
  other: 'Other',
};

/** The request for the sidecar, or the first problem to fix. */
export function importRequestOf(
  details: ImportDetails,
): { ok: true; request: NewImport } | { ok: false; problem: string } {
  if (details.department === '') return { ok: false, problem: 'Choose the department the images are for.' };
  const sourceLabel = details.sourceLabel.trim();
  if (sourceLabel === '') return { ok: false, problem: 'Say where the images come from.' };
  const birthDate = details.birthDate === '' ? undefined : dicomDateFromInput(details.birthDate);
  if (details.birthDate !== '' && birthDate === undefined)
    return { ok: false, problem: 'The birth date is not a valid date.' };
  const patient = {
    ...(details.mrn.trim() === '' ? {} : { mrn: details.mrn.trim() }),
    ...(details.name.trim() === '' ? {} : { name: details.name.trim() }),
    ...(birthDate === undefined ? {} : { birthDate }),
  };
  return {
    ok: true,
    request: {
      department: details.department,
      sourceLabel,
      ...(Object.keys(patient).length === 0 ? {} : { patient }),
    },
  };
}
