// The "Patients" page (radiology): patients known from ADT and order messages, searched by MRN,
// the start of the family name or birth date; ?id= opens one (patient-detail.component.tsx).

import { useCallback, useId, useState, type FormEvent } from 'react';
import type { ApiClient } from '../api/api-client.ts';
import { formatDateTime } from '../format/format.ts';
import { hrefOf, ROUTES, useQueryParameter } from '../routing/router.ts';
import { orDash, patientName } from './hl7-format.ts';
import type { PageRequest } from './keyset-paging.ts';
import { ListStatus } from './list-status.component.tsx';
import { NotFound } from './not-found.component.tsx';
import { Hl7SectionNav } from './hl7-section-nav.component.tsx';
import { PageLink } from './page-link.component.tsx';
import { PagingControls } from './paging-controls.component.tsx';
import { PatientDetailView } from './patient-detail.component.tsx';
import { EMPTY_PATIENT_FILTER, listPatients, type Patient, type PatientFilter } from './patients.resource.ts';
import { StateBadge } from './state-badge.component.tsx';
import { idFromQuery } from './use-detail.ts';
import { useReturnFocus } from './use-detail-focus.ts';
import { useKeysetList } from './use-keyset-list.ts';

export function PatientsPage({ api }: { api: ApiClient }) {
  return (
    <div className="stack">
      <Hl7SectionNav current={ROUTES.patients} />
      <PatientsView api={api} />
    </div>
  );
}

function PatientsView({ api }: { api: ApiClient }) {
  const opened = useQueryParameter('id');
  const load = useCallback(
    (filter: PatientFilter, page: PageRequest, signal: AbortSignal) => listPatients(api, filter, page, signal),
    [api],
  );
  const list = useKeysetList(load, EMPTY_PATIENT_FILTER);
  const listRef = useReturnFocus(opened);

  if (opened !== '') {
    const id = idFromQuery(opened);
    return id === undefined ? (
      <NotFound what="patient" back={{ href: ROUTES.patients, label: 'All patients' }} />
    ) : (
      <PatientDetailView key={id} api={api} id={id} />
    );
  }
  return (
    <div className="stack" ref={listRef}>
      <header className="page-header">
        <h1>Patients</h1>
        <button type="button" className="button" onClick={list.refresh} disabled={list.state.status === 'loading'}>
          {list.state.status === 'loading' ? 'Refreshing…' : 'Refresh'}
        </button>
      </header>
      <PatientSearchForm filter={list.filter} onSearch={list.search} />
      <ListStatus state={list.state} shown={list.shown} noun={['patient', 'patients']} filtered={list.filtered} />
      {list.shown !== undefined && list.shown.rows.length > 0 && <PatientTable patients={list.shown.rows} />}
      <PagingControls label="Patient pages" pageNumber={list.pageNumber} newer={list.newer} older={list.older} />
    </div>
  );
}

function PatientSearchForm({ filter, onSearch }: { filter: PatientFilter; onSearch: (filter: PatientFilter) => void }) {
  const id = useId();
  const [draft, setDraft] = useState(filter);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    onSearch({ ...draft, mrn: draft.mrn.trim(), familyNamePrefix: draft.familyNamePrefix.trim() });
  };
  const clear = (): void => {
    setDraft(EMPTY_PATIENT_FILTER);
    onSearch(EMPTY_PATIENT_FILTER);
  };
  return (
    <form className="filter-bar" role="search" aria-label="Search patients" onSubmit={submit}>
      <div className="field field--grow">
        <label htmlFor={`${id}-mrn`}>MRN</label>
        <input
          id={`${id}-mrn`}
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={draft.mrn}
          onChange={(event) => setDraft({ ...draft, mrn: event.target.value })}
        />
      </div>
      <div className="field field--grow">
        <label htmlFor={`${id}-family`}>Family name starts with</label>
        <input
          id={`${id}-family`}
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={draft.familyNamePrefix}
          onChange={(event) => setDraft({ ...draft, familyNamePrefix: event.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-birth`}>Birth date</label>
        <input
          id={`${id}-birth`}
          type="date"
          value={draft.birthDate}
          onChange={(event) => setDraft({ ...draft, birthDate: event.target.value })}
        />
      </div>
      <div className="filter-bar__actions">
        <button type="submit" className="button button--primary">
          Search
        </button>
        <button type="button" className="button button--quiet" onClick={clear}>
          Clear
        </button>
      </div>
    </form>
  );
}

function PatientTable({ patients }: { patients: readonly Patient[] }) {
  return (
    <div className="table-wrap">
      <table className="table table--rows" data-testid="patients">
        <caption className="visually-hidden">Patients known from HL7 messages, newest first</caption>
        <thead>
          <tr>
            <th scope="col">MRN</th>
            <th scope="col">Name</th>
            <th scope="col">Birth date</th>
            <th scope="col">Sex</th>
            <th scope="col">Status</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {patients.map((patient) => (
            <tr key={patient.id} data-testid="patient-row">
              <td className="code nowrap">
                <PageLink href={hrefOf(ROUTES.patients, { id: patient.id })} data-open-id={patient.id}>
                  {patient.mrn}
                </PageLink>
                <span className="cell-secondary">{patient.mrn_issuer}</span>
              </td>
              <td className="text-break">{patientName(patient)}</td>
              <td className="nowrap">{orDash(patient.birth_date)}</td>
              <td>{orDash(patient.sex)}</td>
              <td>
                <StateBadge state={patient.status} />
              </td>
              <td className="nowrap">{formatDateTime(patient.updated_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
