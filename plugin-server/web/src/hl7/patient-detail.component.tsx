// One patient known from HL7: demographics, every PID-3 identifier, and every change with the
// message that made it (merges name the other patient). Patient data is rendered as text.

import { useCallback } from 'react';
import type { ApiClient } from '../api/api-client.ts';
import { formatDateTime, fullStop } from '../format/format.ts';
import { hrefOf, ROUTES } from '../routing/router.ts';
import { describeEventDetails, formatPair, orDash, patientName } from './hl7-format.ts';
import { stateLabel } from './hl7-states.ts';
import { PageLink } from './page-link.component.tsx';
import { getPatient, type Patient, type PatientEvent, type PatientIdentifier } from './patients.resource.ts';
import { StateBadge } from './state-badge.component.tsx';
import { useDetail } from './use-detail.ts';
import { useHeadingFocus } from './use-detail-focus.ts';

export function PatientDetailView({ api, id }: { api: ApiClient; id: number }) {
  const load = useCallback((signal: AbortSignal) => getPatient(api, id, signal), [api, id]);
  const detail = useDetail(load);
  const headingRef = useHeadingFocus(detail.data !== undefined);
  const patient = detail.data?.patient;
  return (
    <div className="stack">
      <PageLink href={ROUTES.patients} className="back-link">
        ← All patients
      </PageLink>
      <header className="page-header">
        <h1 ref={headingRef} tabIndex={-1}>
          {patient === undefined ? 'Patient' : `Patient ${patient.mrn}`}
        </h1>
        <button type="button" className="button" onClick={detail.reload} disabled={detail.state.status === 'loading'}>
          {detail.state.status === 'loading' && detail.data !== undefined ? 'Refreshing…' : 'Refresh'}
        </button>
      </header>
      {detail.state.status === 'error' && (
        <p className="notice notice--error" role="alert">
          The patient cannot be loaded: {fullStop(detail.state.message)}
        </p>
      )}
      {detail.data === undefined && detail.state.status === 'loading' && <p className="muted">Loading…</p>}
      {patient !== undefined && detail.data !== undefined && (
        <>
          <section className="card" aria-labelledby="patient-summary">
            <h2 id="patient-summary" className="card__title">
              Patient
            </h2>
            <PatientFacts patient={patient} />
          </section>
          <section className="card" aria-labelledby="patient-identifiers">
            <h2 id="patient-identifiers" className="card__title">
              Identifiers (PID-3)
            </h2>
            <IdentifierTable identifiers={detail.data.identifiers} />
          </section>
          <section className="card" aria-labelledby="patient-history">
            <h2 id="patient-history" className="card__title">
              History
            </h2>
            <PatientHistory events={detail.data.events} />
          </section>
        </>
      )}
    </div>
  );
}

function PatientFacts({ patient }: { patient: Patient }) {
  return (
    <dl className="meta-list">
      <div className="meta-list__wide">
        <dt>Name</dt>
        <dd data-testid="patient-name">{patientName(patient)}</dd>
      </div>
      <div>
        <dt>MRN (issuer)</dt>
        <dd>
          {patient.mrn} <span className="muted">({patient.mrn_issuer})</span>
        </dd>
      </div>
      <div>
        <dt>Status</dt>
        <dd>
          <StateBadge state={patient.status} />
          {patient.merged_into_patient_id !== null && (
            <>
              {' '}
              into{' '}
              <PageLink href={hrefOf(ROUTES.patients, { id: patient.merged_into_patient_id })}>
                patient #{patient.merged_into_patient_id}
              </PageLink>
            </>
          )}
        </dd>
      </div>
      <div>
        <dt>Birth date</dt>
        <dd>{orDash(patient.birth_date)}</dd>
      </div>
      <div>
        <dt>Sex</dt>
        <dd>{orDash(patient.sex)}</dd>
      </div>
      <div>
        <dt>First known</dt>
        <dd>{formatDateTime(patient.created_at)}</dd>
      </div>
      <div>
        <dt>Updated</dt>
        <dd>{formatDateTime(patient.updated_at)}</dd>
      </div>
      <div>
        <dt>Last message</dt>
        <dd>
          <PageLink href={hrefOf(ROUTES.hl7Messages, { id: patient.last_message_id })}>
            message #{patient.last_message_id}
          </PageLink>
        </dd>
      </div>
    </dl>
  );
}

function IdentifierTable({ identifiers }: { identifiers: readonly PatientIdentifier[] }) {
  if (identifiers.length === 0) return <p className="muted">No identifiers recorded.</p>;
  return (
    <div className="table-wrap">
      <table className="table table--compact" data-testid="patient-identifiers">
        <thead>
          <tr>
            <th scope="col">Identifier</th>
            <th scope="col">Type</th>
            <th scope="col">Assigning authority</th>
            <th scope="col">Universal ID</th>
            <th scope="col">Facility</th>
          </tr>
        </thead>
        <tbody>
          {identifiers.map((identifier) => (
            <tr key={identifier.id}>
              <td className="code">{identifier.identifier}</td>
              <td>{orDash(identifier.identifier_type)}</td>
              <td>{orDash(identifier.assigning_authority)}</td>
              <td className="text-break">
                {formatPair(
                  identifier.assigning_authority_universal_id,
                  identifier.assigning_authority_universal_id_type,
                )}
              </td>
              <td>{orDash(identifier.assigning_facility)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PatientHistory({ events }: { events: readonly PatientEvent[] }) {
  if (events.length === 0) return <p className="muted">No changes recorded.</p>;
  return (
    <div className="table-wrap">
      <table className="table table--compact" data-testid="patient-events">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Event</th>
            <th scope="col">Message type</th>
            <th scope="col">Details</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <td className="nowrap">{formatDateTime(event.occurred_at)}</td>
              <td>{stateLabel(event.event)}</td>
              <td className="code">{event.message_type}</td>
              <td className="text-break">{orDash(describeEventDetails(event.details))}</td>
              <td>
                <PageLink href={hrefOf(ROUTES.hl7Messages, { id: event.inbox_message_id })}>
                  #{event.inbox_message_id}
                </PageLink>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
