// The columns the import pages show for a study, whether read from the medium before upload or
// reported by the sidecar after it.

import { formatDicomDate, formatPersonName } from '../format/format.ts';
import type { Column } from '../hl7/data-table.component.tsx';

/** What the import pages know of a study, shaped for the shared columns. */
export type StudyRow = {
  id: string;
  patientName: string;
  patientId?: string;
  patientBirthDate?: string;
  studyDate: string;
  studyDescription: string;
  modalities: readonly string[];
  institutionName?: string;
  series: number;
  instances: number;
};

const orDash = (text: string | undefined): string => (text === undefined || text === '' ? '–' : text);

export const STUDY_COLUMNS = {
  patient: { header: 'Patient', cell: (row) => formatPersonName(row.patientName) },
  patientId: { header: 'Patient ID (outside)', cell: (row) => orDash(row.patientId) },
  birthDate: { header: 'Birth date', cell: (row) => formatDicomDate(row.patientBirthDate ?? '') },
  studyDate: { header: 'Study date', cell: (row) => formatDicomDate(row.studyDate) },
  date: { header: 'Date', cell: (row) => formatDicomDate(row.studyDate) },
  description: { header: 'Description', cell: (row) => orDash(row.studyDescription) },
  modalities: { header: 'Modalities', cell: (row) => orDash(row.modalities.join(', ')) },
  institution: { header: 'Institution', cell: (row) => orDash(row.institutionName) },
  series: { header: 'Series', headerClassName: 'numeric', className: 'numeric', cell: (row) => row.series },
  images: { header: 'Images', headerClassName: 'numeric', className: 'numeric', cell: (row) => row.instances },
} satisfies Record<string, Column<StudyRow>>;
