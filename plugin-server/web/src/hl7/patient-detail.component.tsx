// One patient known from HL7: demographics, every PID-3 identifier, and every change with the
// message that made it (merges name the other patient). Patient data is rendered as text.

import { useCallback } from 'react';
import type { ApiClient } from '../api/api-client.ts';
import { formatDateTime } from '../format/format.ts';
import { hrefOf, ROUTES } from '../routing/router.ts';
import { DataTable, type Column } from './data-table.component.tsx';
import { DetailCard, DetailFrame } from './detail-frame.component.tsx';
import { formatPair, orDash, patientName } from './hl7-format.ts';
import { historyColumns } from './history-columns.component.tsx';
import { PageLink } from './page-link.component.tsx';
import { getPatient, type Patient, type PatientEvent, type PatientIdentifier } from './patients.resource.ts';
import { StateBadge } from './state-badge.component.tsx';
import { useDetail } from './use-detail.ts';

export function PatientDetailView({ api, id }: { api: ApiClient; id: number }) {
  const load = useCallback((signal: AbortSignal) => getPatient(api, id, signal), [api, id]);
  const detail = useDetail(load);
  const patient = detail.data?.patient;
  return (
    <DetailFrame
      back={{ href: ROUTES.patients, label: 'All patients' }}
      title={patient === undefined ? 'Patient' : `Patient ${patient.mrn}`}
      what="patient"
      detail={detail}
    >
      {(data) => (
        <>
          <DetailCard id="patient-summary" title="Patient">
            <PatientFacts patient={data.patient} />
          </DetailCard>
          <DetailCard id="patient-identifiers" title="Identifiers (PID-3)">
            <IdentifierTable identifiers={data.identifiers} />
          </DetailCard>
          <DetailCard id="patient-history" title="History">
            <PatientHistory events={data.events} />
          </DetailCard>
        </>
      )}
    </DetailFrame>
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

const IDENTIFIER_COLUMNS: readonly Column<PatientIdentifier>[] = [
  { header: 'Identifier', className: 'code', cell: (identifier) => identifier.identifier },
  { header: 'Type', cell: (identifier) => orDash(identifier.identifier_type) },
  { header: 'Assigning authority', cell: (identifier) => orDash(identifier.assigning_authority) },
  {
    header: 'Universal ID',
    className: 'text-break',
    cell: (identifier) =>
      formatPair(identifier.assigning_authority_universal_id, identifier.assigning_authority_universal_id_type),
  },
  { header: 'Facility', cell: (identifier) => orDash(identifier.assigning_facility) },
];

function IdentifierTable({ identifiers }: { identifiers: readonly PatientIdentifier[] }) {
  if (identifiers.length === 0) return <p className="muted">No identifiers recorded.</p>;
  return (
    <DataTable
      className="table table--compact"
      testId="patient-identifiers"
      columns={IDENTIFIER_COLUMNS}
      rows={identifiers}
    />
  );
}

const HISTORY_COLUMNS = historyColumns<PatientEvent>([
  { header: 'Message type', className: 'code', cell: (event) => event.message_type },
]);

function PatientHistory({ events }: { events: readonly PatientEvent[] }) {
  if (events.length === 0) return <p className="muted">No changes recorded.</p>;
  return <DataTable className="table table--compact" testId="patient-events" columns={HISTORY_COLUMNS} rows={events} />;
}
