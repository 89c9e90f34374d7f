// The per-field evidence behind a candidate (a local patient or an order): what was compared, how
// it came out, the points it gave and the matcher's own explanation.

import type { Evidence } from '../../../src/matching/match-types.ts';
import { DataTable, type Column } from '../hl7/data-table.component.tsx';
import { EVIDENCE_FIELD_LABELS, formatPoints, OUTCOME_LABELS } from './worklist-format.ts';

type EvidenceRow = Evidence & { id: number };

const COLUMNS: readonly Column<EvidenceRow>[] = [
  { header: 'Field', className: 'nowrap', cell: (item) => EVIDENCE_FIELD_LABELS[item.field] },
  {
    header: 'Outcome',
    cell: (item) => (
      <span className={`badge badge--outcome badge--${item.outcome}`}>{OUTCOME_LABELS[item.outcome]}</span>
    ),
  },
  {
    header: 'Points',
    headerClassName: 'numeric',
    className: 'numeric nowrap',
    cell: (item) => formatPoints(item.points),
  },
  { header: 'Explanation', className: 'text-break', cell: (item) => item.explanation },
];

export function EvidenceTable({ evidence, caption }: { evidence: readonly Evidence[]; caption: string }) {
  if (evidence.length === 0) return <p className="muted">No evidence recorded.</p>;
  return (
    <DataTable
      className="table table--compact table--evidence"
      testId="evidence"
      caption={caption}
      columns={COLUMNS}
      rows={evidence.map((item, index) => ({ ...item, id: index }))}
    />
  );
}
