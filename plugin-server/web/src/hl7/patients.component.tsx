// The "Patients" page (radiology): patients known from ADT and order messages, searched by MRN,
// the start of the family name or birth date; ?id= opens one (patient-detail.component.tsx).

import { useCallback } from 'react';
import type { ApiClient } from '../api/api-client.ts';
import { formatDateTime } from '../format/format.ts';
import { hrefOf, ROUTES } from '../routing/router.ts';
import type { Column } from './data-table.component.tsx';
import type { FilterField } from './filter-form.component.tsx';
import { orDash, patientName } from './hl7-format.ts';
import type { PageRequest } from './keyset-paging.ts';
import { KeysetListPage } from './keyset-list-page.component.tsx';
import { PageLink } from './page-link.component.tsx';
import { PatientDetailView } from './patient-detail.component.tsx';
import { EMPTY_PATIENT_FILTER, listPatients, type Patient, type PatientFilter } from './patients.resource.ts';
import { StateBadge } from './state-badge.component.tsx';
import { useKeysetList } from './use-keyset-list.ts';

const FILTER_FIELDS: readonly FilterField<PatientFilter>[] = [
  { kind: 'text', key: 'mrn', label: 'MRN', idSuffix: 'mrn' },
  { kind: 'text', key: 'familyNamePrefix', label: 'Family name starts with', idSuffix: 'family' },
  { kind: 'date', key: 'birthDate', label: 'Birth date', idSuffix: 'birth' },
];

const COLUMNS: readonly Column<Patient>[] = [
  {
    header: 'MRN',
    className: 'code nowrap',
    cell: (patient) => (
      <>
        <PageLink href={hrefOf(ROUTES.patients, { id: patient.id })} data-open-id={patient.id}>
          {patient.mrn}
        </PageLink>
        <span className="cell-secondary">{patient.mrn_issuer}</span>
      </>
    ),
  },
  { header: 'Name', className: 'text-break', cell: patientName },
  { header: 'Birth date', className: 'nowrap', cell: (patient) => orDash(patient.birth_date) },
  { header: 'Sex', cell: (patient) => orDash(patient.sex) },
  { header: 'Status', cell: (patient) => <StateBadge state={patient.status} /> },
  { header: 'Updated', className: 'nowrap', cell: (patient) => formatDateTime(patient.updated_at) },
];

export function PatientsPage({ api }: { api: ApiClient }) {
  const load = useCallback(
    (filter: PatientFilter, page: PageRequest, signal: AbortSignal) => listPatients(api, filter, page, signal),
    [api],
  );
  const list = useKeysetList(load, EMPTY_PATIENT_FILTER);
  return (
    <KeysetListPage
      route={ROUTES.patients}
      title="Patients"
      list={list}
      filter={{ label: 'Search patients', fields: FILTER_FIELDS, empty: EMPTY_PATIENT_FILTER }}
      noun={['patient', 'patients']}
      pagesLabel="Patient pages"
      table={{
        testId: 'patients',
        caption: 'Patients known from HL7 messages, newest first',
        rowTestId: 'patient-row',
        columns: COLUMNS,
      }}
      detail={{
        what: 'patient',
        backLabel: 'All patients',
        render: (id) => <PatientDetailView key={id} api={api} id={id} />,
      }}
    />
  );
}
