import type { ReactNode } from 'react';
import type { ViewerPanel } from '../../../plugin-server/src/domain/viewer-panel.ts';
import {
  dicomDate,
  matchScore,
  MISSING,
  orMissing,
  personName,
  studyStateLabel,
  timestamp,
  words,
} from './panel-format.ts';

// The read-only parts of the panel. Every value from the study (names, descriptions, identifiers:
// what another hospital's media said) is a React text child, so markup in it stays text.

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

export function StudyHeader({ study }: { study: ViewerPanel['study'] }) {
  return (
    <header>
      <h2>{orMissing(study.studyDescription)}</h2>
      <div className="outside-muted">
        {dicomDate(study.studyDate)} · {study.modalities.join(', ') || MISSING} · {study.seriesCount} series,{' '}
        {study.instanceCount} images
      </div>
    </header>
  );
}

export function StateSection({ study }: { study: ViewerPanel['study'] }) {
  return (
    <section data-testid="outside-state" aria-label="Status">
      <h3>Status</h3>
      <div className="outside-state" data-state={study.state}>
        {studyStateLabel(study.state)}
      </div>
      {study.tags.length > 0 && (
        <div>
          {study.tags.map((tag) => (
            <span
              key={tag.tag}
              className="outside-chip"
              data-tag={tag.tag}
              title={`${tag.by}, ${timestamp(tag.at)}${tag.note === '' ? '' : `: ${tag.note}`}`}
            >
              {words(tag.tag)} · {tag.by}
            </span>
          ))}
        </div>
      )}
    </section>
  );
}

export function ProvenanceSection({ provenance }: { provenance: ViewerPanel['provenance'] }) {
  const session = provenance.importSession;
  return (
    <section data-testid="outside-provenance" aria-label="Provenance">
      <h3>Provenance</h3>
      <dl>
        <Field label="Institution">{orMissing(provenance.sourceInstitution)}</Field>
        <Field label="Patient name">{personName(provenance.originalPatientName)}</Field>
        <Field label="Patient ID">
          {orMissing(provenance.originalPatientId)}
          {provenance.originalIssuerOfPatientId !== '' && (
            <span className="outside-muted"> ({provenance.originalIssuerOfPatientId})</span>
          )}
        </Field>
        <Field label="Birth date">{dicomDate(provenance.originalPatientBirthDate)}</Field>
        <Field label="Accession">{orMissing(provenance.originalAccessionNumber)}</Field>
        <Field label="Imported from">{session === null ? MISSING : orMissing(session.source)}</Field>
        <Field label="Imported by">{session === null ? MISSING : orMissing(session.importedBy)}</Field>
        <Field label="Imported at">{session === null ? MISSING : timestamp(session.importedAt)}</Field>
        <Field label="Import session">{session === null ? MISSING : session.id}</Field>
      </dl>
    </section>
  );
}

export function IdentitySection({ identity }: { identity: ViewerPanel['identity'] }) {
  const order = identity.order;
  return (
    <section data-testid="outside-identity" aria-label="Identity and match">
      <h3>Identity and match</h3>
      <dl>
        <Field label="Local MRN">{orMissing(identity.localMrn)}</Field>
        <Field label="Local name">{personName(identity.localPatientName)}</Field>
        <Field label="Local accession">{orMissing(identity.localAccessionNumber)}</Field>
        <Field label="Order">
          {order === null
            ? MISSING
            : [order.placerOrderNumber, order.fillerOrderNumber].filter((number) => number !== '').join(' / ') ||
              MISSING}
        </Field>
        {order !== null && <Field label="Procedure">{orMissing(order.procedure)}</Field>}
        <Field label="Match score">{matchScore(identity.matchScore, identity.autoMatchThreshold)}</Field>
        <Field label="Resolution">{words(identity.resolution)}</Field>
        {identity.reviewReason !== null && <Field label="Review">{words(identity.reviewReason)}</Field>}
        <Field label="Coercion">{words(identity.coercionState)}</Field>
      </dl>
    </section>
  );
}

export function ArchiveSection({ archive }: { archive: ViewerPanel['archive'] }) {
  return (
    <section data-testid="outside-archive" aria-label="Archive">
      <h3>Archive</h3>
      {archive.deliveries.length === 0 ? (
        <div className="outside-muted">Not sent to any archive.</div>
      ) : (
        <ul className="outside-deliveries">
          {archive.deliveries.map((delivery) => (
            <li key={delivery.destination} data-destination={delivery.destination} data-state={delivery.state}>
              <span>{delivery.destination}</span>
              <span title={`updated ${timestamp(delivery.updatedAt)}, ${delivery.attempts} attempts`}>
                {words(delivery.state)}
              </span>
              {delivery.lastError !== null && <span className="outside-error-text">{delivery.lastError}</span>}
            </li>
          ))}
        </ul>
      )}
      <div className="outside-muted">
        Archive would send to:{' '}
        {archive.proposedDestinations.length === 0 ? 'no destination' : archive.proposedDestinations.join(', ')}
      </div>
    </section>
  );
}
