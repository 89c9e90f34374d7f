// The worklist itself: one row per study waiting, oldest first. One row is selected (moved with
// j/k or the arrows, see worklist-keys.ts) and only its link and checkbox are in the tab order, so
// Tab leaves the list in two steps; the selected row's link opens the study beside the list.

import { useEffect, useRef, type MouseEvent, type RefObject } from 'react';
import { formatDateTime, formatDicomDate, formatPersonName } from '../format/format.ts';
import { orDash } from '../hl7/hl7-format.ts';
import { StateBadge } from '../hl7/state-badge.component.tsx';
import { hrefOf, ROUTES } from '../routing/router.ts';
import { formatScore, formatWaiting, isHighConfidence, reasonLabel, studyLabel } from './worklist-format.ts';
import { HIGH_CONFIDENCE_SCORE, type WorklistItem } from './worklist.resource.ts';

export function WorklistTable({
  rows,
  selected,
  opened,
  checked,
  now,
  focusRequest,
  onSelect,
  onOpen,
  onToggle,
  onToggleAll,
  tableRef,
}: {
  rows: readonly WorklistItem[];
  selected: string | undefined;
  opened: string;
  checked: ReadonlySet<string>;
  /** "Now" for the waiting time: when the list was loaded. */
  now: Date;
  /** Changes when the selected row's link should take the focus. */
  focusRequest: number;
  onSelect: (studyId: string) => void;
  onOpen: (studyId: string) => void;
  onToggle: (studyId: string) => void;
  onToggleAll: (check: boolean) => void;
  tableRef: RefObject<HTMLDivElement | null>;
}) {
  const handled = useRef(0);
  useEffect(() => {
    if (focusRequest === handled.current || selected === undefined) return;
    handled.current = focusRequest;
    tableRef.current?.querySelector<HTMLElement>(`a[data-study-id="${CSS.escape(selected)}"]`)?.focus();
  }, [focusRequest, selected, tableRef]);

  const allChecked = rows.length > 0 && rows.every((row) => checked.has(row.studyId));
  const someChecked = rows.some((row) => checked.has(row.studyId));
  const open = (studyId: string) => (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    onOpen(studyId);
  };
  // A click anywhere on a row selects it and opens it, as its link does.
  const rowClick = (studyId: string) => (event: MouseEvent<HTMLTableRowElement>) => {
    if (event.target instanceof Element && event.target.closest('a, button, input, label') !== null) return;
    onOpen(studyId);
  };

  return (
    <div className="table-wrap" ref={tableRef}>
      <table className="table table--rows worklist-table" data-testid="worklist">
        <caption className="visually-hidden">Studies waiting for radiology, oldest first</caption>
        <thead>
          <tr>
            <th scope="col" className="worklist-table__check">
              <input
                type="checkbox"
                aria-label="Select every study on this page for bulk confirmation"
                checked={allChecked}
                ref={(element) => {
                  if (element !== null) element.indeterminate = someChecked && !allChecked;
                }}
                onChange={(event) => onToggleAll(event.target.checked)}
                disabled={rows.length === 0}
              />
            </th>
            <th scope="col" className="worklist-table__study">
              Study
            </th>
            <th scope="col">Waiting</th>
            <th scope="col">Reason</th>
            <th scope="col" className="numeric">
              Best score
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const isSelected = row.studyId === selected;
            const isOpen = row.studyId === opened;
            const label = studyLabel({
              patientName: row.mediaPatientName,
              studyDate: row.studyDate,
              studyDescription: row.studyDescription,
            });
            const classes = ['worklist-row', isSelected ? 'is-selected' : '', isOpen ? 'is-open' : '']
              .filter((name) => name !== '')
              .join(' ');
            return (
              <tr
                key={row.studyId}
                className={classes}
                data-testid="worklist-row"
                data-study-id={row.studyId}
                onClick={rowClick(row.studyId)}
              >
                <td className="worklist-table__check">
                  <input
                    type="checkbox"
                    tabIndex={isSelected ? 0 : -1}
                    aria-label={`Select ${label} for bulk confirmation`}
                    checked={checked.has(row.studyId)}
                    onChange={() => onToggle(row.studyId)}
                    onFocus={() => onSelect(row.studyId)}
                  />
                </td>
                <td className="worklist-table__study">
                  <a
                    href={hrefOf(ROUTES.worklist, { study: row.studyId })}
                    className="worklist-row__link"
                    data-study-id={row.studyId}
                    tabIndex={isSelected ? 0 : -1}
                    aria-current={isOpen ? 'true' : undefined}
                    onClick={open(row.studyId)}
                    onFocus={() => onSelect(row.studyId)}
                  >
                    {formatPersonName(row.mediaPatientName)}
                  </a>
                  <span className="cell-secondary">
                    born {formatDicomDate(row.mediaPatientBirthDate)}
                    {row.claimedMrn !== null && <> · claimed MRN {row.claimedMrn}</>}
                  </span>
                  <span className="cell-secondary">
                    {formatDicomDate(row.studyDate)} · {row.modalities.length === 0 ? '–' : row.modalities.join(', ')} ·{' '}
                    {orDash(row.studyDescription)}
                  </span>
                  <span className="cell-secondary">
                    {orDash(row.institutionName)}
                    {row.department !== null && row.department.trim() !== '' && <> · for {row.department}</>}
                  </span>
                </td>
                <td>
                  {formatWaiting(row.waitingSince, now)}
                  <span className="cell-secondary">since {formatDateTime(row.waitingSince)}</span>
                </td>
                <td>
                  <span data-testid="worklist-reason">{reasonLabel(row.reason)}</span>
                  <span className="cell-secondary">
                    <StateBadge state={row.state} />
                  </span>
                </td>
                <td className="numeric">
                  <span
                    className={isHighConfidence(row.bestScore, HIGH_CONFIDENCE_SCORE) ? 'score score--high' : 'score'}
                  >
                    {formatScore(row.bestScore)}
                  </span>
                  <span className="cell-secondary">
                    {row.candidateCount === 1 ? '1 order' : `${row.candidateCount} orders`}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
