// One study on the worklist, beside the list: what the media said next to the proposed local
// patient, the candidate orders with the evidence behind each score, the exact tag changes
// coercion will make, and radiology's decisions (confirm, MRN/accession by hand, reference only,
// rematch). Everything from the media and from HL7 is rendered as text.

import { useId, useState, type ReactNode } from 'react';
import type { DicomIdentity } from '../../../src/domain/coercion.ts';
import type { MatchResult, PatientCandidate } from '../../../src/matching/match-types.ts';
import { formatDateTime, formatDicomDate, formatPersonName, fullStop, plural } from '../format/format.ts';
import { viewerUrl } from '../format/viewer-link.ts';
import { DataTable, type Column } from '../hl7/data-table.component.tsx';
import { DetailCard } from '../hl7/detail-frame.component.tsx';
import { orDash } from '../hl7/hl7-format.ts';
import { StateBadge } from '../hl7/state-badge.component.tsx';
import { EvidenceTable } from './evidence-table.component.tsx';
import { ManualEntryForm, ReferenceOnlyForm } from './reconcile-forms.component.tsx';
import { confirmAction, type ActionResult } from './reconcile-request.ts';
import type { Reconciliation } from './use-reconciliation.ts';
import {
  bestCandidate,
  candidateLabel,
  COERCION_LABELS,
  detailStudyLabel,
  formatScore,
  formatXpn,
  isHighConfidence,
  procedureLabel,
  reasonLabel,
  RESOLUTION_LABELS,
} from './worklist-format.ts';
import { SHORTCUTS } from './worklist-keys.ts';
import {
  HIGH_CONFIDENCE_SCORE,
  type CandidateView,
  type ReconcileAction,
  type ReconciliationDetail,
} from './worklist.resource.ts';

type Props = {
  reconciliation: Reconciliation;
  /** What is being sent right now, if anything: every action waits for it. */
  busy: string | undefined;
  onAction: (action: ReconcileAction) => Promise<ActionResult>;
  onClose: () => void;
};

export function ReconciliationPanel({ reconciliation, busy, onAction, onClose }: Props) {
  const id = useId();
  const { state, data } = reconciliation;
  const loading = state.status === 'loading';
  return (
    <div className="detail-panel" data-testid="reconciliation-detail" aria-busy={loading}>
      <header className="detail-panel__header">
        <h2 id={`${id}-title`} className="detail-panel__title">
          {data === undefined ? 'Study' : detailStudyLabel(data)}
        </h2>
        <div className="button-row">
          <button type="button" className="button button--small" onClick={reconciliation.reload} disabled={loading}>
            {loading && data !== undefined ? 'Refreshing…' : 'Refresh'}
          </button>
          <button type="button" className="button button--small button--quiet" onClick={onClose}>
            Close
          </button>
        </div>
      </header>
      {state.status === 'error' && (
        <p className="notice notice--error" role="alert">
          The study cannot be loaded: {fullStop(state.message)}
        </p>
      )}
      {data === undefined && loading && <p className="muted">Loading…</p>}
      {data !== undefined && <ReconciliationBody detail={data} busy={busy} onAction={onAction} />}
    </div>
  );
}

type OpenForm = 'none' | 'manual' | 'reference';

function ReconciliationBody({
  detail,
  busy,
  onAction,
}: {
  detail: ReconciliationDetail;
  busy: string | undefined;
  onAction: (action: ReconcileAction) => Promise<ActionResult>;
}) {
  const [form, setForm] = useState<OpenForm>('none');
  const best = bestCandidate(detail.candidates);
  const sending = busy !== undefined;
  const act = async (action: ReconcileAction): Promise<ActionResult> => {
    const result = await onAction(action);
    if (result.ok) setForm('none');
    return result;
  };
  const toggle = (which: OpenForm) => () => setForm(form === which ? 'none' : which);

  return (
    <div className="stack stack--tight">
      <StudyStatus detail={detail} />
      <div className="button-row action-bar" role="group" aria-label="Decisions">
        <button
          type="button"
          className="button button--primary"
          disabled={sending || best === undefined || best.conflicting}
          aria-keyshortcuts={SHORTCUTS.confirm}
          onClick={() => {
            if (best !== undefined) void act(confirmAction(best.orderId));
          }}
        >
          {best === undefined ? 'Confirm best candidate' : `Confirm best: ${candidateLabel(best)}`}
          <kbd className="kbd">c</kbd>
        </button>
        <button type="button" className="button" aria-expanded={form === 'manual'} onClick={toggle('manual')}>
          Enter MRN / accession…
        </button>
        <button type="button" className="button" aria-expanded={form === 'reference'} onClick={toggle('reference')}>
          Reference only…
        </button>
        <button type="button" className="button" disabled={sending} onClick={() => void act({ action: 'rematch' })}>
          Rematch
        </button>
      </div>
      {best?.conflicting === true && (
        <p className="notice notice--warning">
          The best candidate conflicts with the study (birth date or sex): confirm it with its own button only if you
          are sure.
        </p>
      )}
      {busy !== undefined && <p className="muted">Sending: {busy}…</p>}
      {form === 'manual' && (
        <ManualEntryForm detail={detail} busy={sending} onSubmit={act} onCancel={() => setForm('none')} />
      )}
      {form === 'reference' && (
        <ReferenceOnlyForm detail={detail} busy={sending} onSubmit={act} onCancel={() => setForm('none')} />
      )}
      <div className="compare">
        <DetailCard id={`media-${detail.studyId}`} title="What the media said" level={3} testId="media-identity">
          <MediaFacts detail={detail} />
        </DetailCard>
        <DetailCard
          id={`proposed-${detail.studyId}`}
          title="Proposed local patient"
          level={3}
          testId="proposed-patient"
        >
          <ProposedPatient detail={detail} />
        </DetailCard>
      </div>
      {detail.match !== null && detail.match.identity.candidates.length > 0 && (
        <DetailCard
          id={`patients-${detail.studyId}`}
          title="Local patients considered"
          level={3}
          testId="patients-considered"
        >
          <PatientsConsidered identity={detail.match.identity} />
        </DetailCard>
      )}
      <DetailCard id={`candidates-${detail.studyId}`} title="Candidate orders" level={3} testId="candidate-orders">
        <CandidateOrders
          detail={detail}
          best={best}
          sending={sending}
          onConfirm={(orderId) => act(confirmAction(orderId))}
        />
      </DetailCard>
      <DetailCard id={`diff-${detail.studyId}`} title="Tag changes coercion will make" level={3}>
        <TagChanges detail={detail} />
      </DetailCard>
    </div>
  );
}

function StudyStatus({ detail }: { detail: ReconciliationDetail }) {
  return (
    <div className="study-status">
      <StateBadge state={detail.state} />{' '}
      {detail.reason === null ? (
        <span className="study-status__resolved">
          Not on the worklist
          {detail.resolution !== null && <> · {RESOLUTION_LABELS[detail.resolution]}</>} ·{' '}
          {COERCION_LABELS[detail.coercionState]}
        </span>
      ) : (
        <strong data-testid="detail-reason">{reasonLabel(detail.reason)}</strong>
      )}
      {detail.match !== null && <p className="hint study-status__why">{fullStop(detail.match.decision.explanation)}</p>}
    </div>
  );
}

function Fact({
  label,
  wide = false,
  code = false,
  children,
}: {
  label: string;
  wide?: boolean;
  code?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={wide ? 'meta-list__wide' : undefined}>
      <dt>{label}</dt>
      <dd className={code ? 'code' : undefined}>{children}</dd>
    </div>
  );
}

function identityIdentifier(identity: DicomIdentity): string {
  const id = orDash(identity.patientId);
  return identity.issuerOfPatientId.trim() === '' ? id : `${id} (${identity.issuerOfPatientId})`;
}

function MediaFacts({ detail }: { detail: ReconciliationDetail }) {
  const { media } = detail;
  return (
    <dl className="meta-list meta-list--two">
      <Fact label="Patient name">{formatPersonName(media.patientName)}</Fact>
      <Fact label="Patient ID (issuer)">{identityIdentifier(media)}</Fact>
      <Fact label="Birth date">{formatDicomDate(media.patientBirthDate)}</Fact>
      <Fact label="Sex">{orDash(media.patientSex)}</Fact>
      <Fact label="Institution" wide>
        {orDash(media.institutionName)}
      </Fact>
      <Fact label="Study date">{formatDicomDate(media.studyDate)}</Fact>
      <Fact label="Modalities">{media.modalities.length === 0 ? '–' : media.modalities.join(', ')}</Fact>
      <Fact label="Description" wide>
        {orDash(media.studyDescription)}
      </Fact>
      <Fact label="Outside accession">{orDash(media.accessionNumber)}</Fact>
      <Fact label="Department">{orDash(detail.department)}</Fact>
      <Fact label="Study Instance UID" wide code>
        {detail.StudyInstanceUID}
      </Fact>
      <Fact label="Images" wide>
        <a href={viewerUrl(detail.StudyInstanceUID)} target="_blank" rel="noopener" data-testid="open-in-viewer">
          Open in viewer
        </a>
      </Fact>
    </dl>
  );
}

function ProposedPatient({ detail }: { detail: ReconciliationDetail }) {
  const identity = detail.match?.identity;
  return (
    <>
      {detail.proposed === null ? (
        <p className="muted">No local patient proposed yet.</p>
      ) : (
        <dl className="meta-list meta-list--two" data-testid="proposed-identity">
          <Fact label="Patient name">{formatPersonName(detail.proposed.patientName)}</Fact>
          <Fact label="MRN (issuer)">{identityIdentifier(detail.proposed)}</Fact>
          <Fact label="Birth date">{formatDicomDate(detail.proposed.patientBirthDate)}</Fact>
          <Fact label="Sex">{orDash(detail.proposed.patientSex)}</Fact>
          <Fact label="Accession number">{orDash(detail.proposed.accessionNumber)}</Fact>
        </dl>
      )}
      <dl className="meta-list meta-list--two">
        <Fact label="MRN claimed at import">{detail.claimedMrn ?? <span className="muted">none given</span>}</Fact>
        <Fact label="Identified">{identity === undefined ? '–' : identityDecision(identity)}</Fact>
      </dl>
    </>
  );
}

/** The local patients the matcher compared with the media, with the evidence for each. */
function PatientsConsidered({ identity }: { identity: MatchResult['identity'] }) {
  return (
    <ul className="candidate-list">
      {identity.candidates.map((candidate) => (
        <PatientCandidateItem key={`${candidate.patient.mrnIssuer}|${candidate.patient.mrn}`} candidate={candidate} />
      ))}
    </ul>
  );
}

function identityDecision(identity: MatchResult['identity']): string {
  if (identity.decision === 'identified') {
    return identity.source === 'claimed-mrn' ? 'yes, by the claimed MRN' : 'yes, by demographics';
  }
  return `no: ${reasonLabel(identity.reason)}. ${fullStop(identity.explanation)}`;
}

function PatientCandidateItem({ candidate }: { candidate: PatientCandidate }) {
  const { patient } = candidate;
  const title = `MRN ${patient.mrn}${patient.mrnIssuer === '' ? '' : ` (${patient.mrnIssuer})`}`;
  return (
    <li className="candidate" data-testid="patient-candidate">
      <div className="candidate__header">
        <span className="candidate__title">{title}</span>
        <span>{formatXpn(patient.name)}</span>
        <span className="muted">
          born {formatDicomDate(patient.birthDate)} · sex {orDash(patient.sex)}
        </span>
        {candidate.conflicting && <span className="badge badge--conflict">conflicts</span>}
      </div>
      <EvidenceTable evidence={candidate.evidence} caption={`Evidence for patient ${title}`} />
    </li>
  );
}

function CandidateOrders({
  detail,
  best,
  sending,
  onConfirm,
}: {
  detail: ReconciliationDetail;
  best: CandidateView | undefined;
  sending: boolean;
  onConfirm: (orderId: number) => Promise<ActionResult>;
}) {
  const excluded = detail.match?.excluded ?? [];
  return (
    <>
      {detail.candidates.length === 0 ? (
        <p className="muted">No open order of the patient was found.</p>
      ) : (
        <ol className="candidate-list">
          {detail.candidates.map((candidate) => (
            <CandidateOrder
              key={candidate.orderId}
              candidate={candidate}
              isBest={candidate === best}
              sending={sending}
              onConfirm={onConfirm}
            />
          ))}
        </ol>
      )}
      {excluded.length > 0 && (
        <>
          <h4 className="subheading">Not considered</h4>
          <ul className="plain-list">
            {excluded.map((order) => (
              <li key={order.orderId}>
                Order #{order.orderId}: {fullStop(order.explanation)}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

function CandidateOrder({
  candidate,
  isBest,
  sending,
  onConfirm,
}: {
  candidate: CandidateView;
  isBest: boolean;
  sending: boolean;
  onConfirm: (orderId: number) => Promise<ActionResult>;
}) {
  const id = useId();
  const label = candidateLabel(candidate);
  const high = isHighConfidence(candidate.score, HIGH_CONFIDENCE_SCORE);
  return (
    <li
      className={isBest ? 'candidate candidate--best' : 'candidate'}
      aria-labelledby={`${id}-title`}
      data-testid="candidate-order"
      data-order-id={candidate.orderId}
    >
      <div className="candidate__header">
        <h4 id={`${id}-title`} className="candidate__title">
          Order {label}
        </h4>
        <span className={high ? 'score score--high' : 'score'} data-testid="candidate-score">
          Score {formatScore(candidate.score)}
        </span>
        {isBest && <span className="badge badge--best">best</span>}
        {candidate.explicitStudyUid && <span className="badge badge--best">names this study</span>}
        {candidate.conflicting && <span className="badge badge--conflict">conflicts with the study</span>}
        <button
          type="button"
          className={
            isBest ? 'button button--small button--primary candidate__action' : 'button button--small candidate__action'
          }
          disabled={sending}
          onClick={() => void onConfirm(candidate.orderId)}
        >
          Confirm order {label}
        </button>
      </div>
      <dl className="meta-list meta-list--three">
        <Fact label="Accession">{orDash(candidate.accessionNumber)}</Fact>
        <Fact label="Procedure" wide>
          {procedureLabel(candidate)}
        </Fact>
        <Fact label="Modality">{orDash(candidate.modality)}</Fact>
        <Fact label="Ordered">{formatDateTime(candidate.orderedAt)}</Fact>
        <Fact label="Department">{orDash(candidate.department)}</Fact>
        <Fact label="Placer number">{orDash(candidate.placerOrderNumber)}</Fact>
        <Fact label="Status">
          <StateBadge state={candidate.status} />
        </Fact>
        <Fact label="MRN">{candidate.mrn}</Fact>
      </dl>
      <EvidenceTable evidence={candidate.evidence} caption={`Evidence for order ${label}`} />
    </li>
  );
}

type TagChangeRow = ReconciliationDetail['diff'][number] & { id: number };

const TAG_CHANGE_COLUMNS: readonly Column<TagChangeRow>[] = [
  { header: 'Tag', className: 'code nowrap', cell: (change) => change.tag },
  { header: 'Keyword', className: 'code', cell: (change) => change.keyword },
  {
    header: 'Before',
    className: 'code text-break',
    cell: (change) => (change.before === '' ? <span className="muted">(empty)</span> : change.before),
  },
  {
    header: 'After',
    className: 'code text-break diff-after',
    cell: (change) => (change.after === '' ? <span className="muted">(empty)</span> : change.after),
  },
];

function TagChanges({ detail }: { detail: ReconciliationDetail }) {
  if (detail.diff.length === 0) {
    return <p className="muted">No tag changes: no local identity is proposed yet, or the media already carries it.</p>;
  }
  return (
    <>
      <p className="hint">
        {plural(detail.diff.length, 'attribute')} in every instance of the study; the previous values are kept in the
        Original Attributes Sequence.
      </p>
      <DataTable
        className="table table--compact"
        testId="tag-changes"
        caption="Tag changes coercion will make"
        rowTestId="tag-change"
        columns={TAG_CHANGE_COLUMNS}
        rows={detail.diff.map((change, index) => ({ ...change, id: index }))}
      />
    </>
  );
}
