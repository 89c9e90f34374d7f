// The "Worklist" page (radiology): outside studies the matcher could not reconcile on its own,
// oldest first, filtered by state, department, modality, reason and age. The study opened (?study=)
// is shown beside the list (reconciliation-panel.component.tsx) with radiology's decisions; ticked
// rows are confirmed in bulk when their best order scores high enough. Built to be used all day
// from the keyboard (worklist-keys.ts); outcomes are shown and read out through live regions.

import { ListAndDetail } from '../layout/list-and-detail.component.tsx';
import { PageHeader } from '../layout/page-header.component.tsx';
import { useKeyboardCommands } from '../layout/use-keyboard-commands.ts';
import { LiveAnnouncer, type Announcement } from '../layout/live-announcer.component.tsx';
import { useEffect, useId, useRef, useState } from 'react';
import { describeError, type ApiClient } from '../api/api-client.ts';
import { formatDateTime, fullStop, plural } from '../format/format.ts';
import type { FilterField } from '../hl7/filter-form.component.tsx';
import { stateLabel } from '../hl7/hl7-states.ts';
import { PagingControls } from '../hl7/paging-controls.component.tsx';
import { hrefOf, navigate, ROUTES, useQueryParameter } from '../routing/router.ts';
import { ReconciliationPanel } from './reconciliation-panel.component.tsx';
import { confirmAction, unknownValuesWarning, type ActionResult } from './reconcile-request.ts';
import { useReconciliation } from './use-reconciliation.ts';
import { useWorklist, type Worklist } from './use-worklist.ts';
import {
  bestCandidate,
  bulkResultSummary,
  describeAction,
  doneMessage,
  detailStudyLabel,
  isHighConfidence,
  reasonLabel,
  studyLabel,
} from './worklist-format.ts';
import {
  commandForKey,
  effectiveSelection,
  moveSelection,
  selectionAfterRemoval,
  type WorklistCommand,
} from './worklist-keys.ts';
import { WorklistTable } from './worklist-table.component.tsx';
import {
  bulkConfirm,
  EMPTY_WORKLIST_FILTER,
  HIGH_CONFIDENCE_SCORE,
  reconcile,
  REVIEW_REASONS,
  STUDY_STATES,
  type ReconcileAction,
  type WorklistFilter,
  type WorklistItem,
} from './worklist.resource.ts';

const FILTER_FIELDS: readonly FilterField<WorklistFilter>[] = [
  {
    kind: 'select',
    key: 'reason',
    label: 'Reason',
    idSuffix: 'reason',
    anyLabel: 'Any reason',
    options: REVIEW_REASONS,
    optionLabel: reasonLabel,
  },
  {
    kind: 'select',
    key: 'state',
    label: 'Study state',
    idSuffix: 'state',
    anyLabel: 'Any state',
    options: STUDY_STATES,
    optionLabel: stateLabel,
  },
  { kind: 'text', key: 'department', label: 'Department', idSuffix: 'department' },
  { kind: 'text', key: 'modality', label: 'Modality', idSuffix: 'modality', placeholder: 'CT' },
  { kind: 'number', key: 'minAgeDays', label: 'Waiting at least (days)', idSuffix: 'age', min: 0 },
];

type Notice = { kind: 'success' | 'warning' | 'error'; text: string; skipped: string[] };

function itemLabel(item: WorklistItem): string {
  return studyLabel({
    patientName: item.mediaPatientName,
    studyDate: item.studyDate,
    studyDescription: item.studyDescription,
  });
}

export function WorklistPage({ api }: { api: ApiClient }) {
  const id = useId();
  const list = useWorklist(api, EMPTY_WORKLIST_FILTER);
  const opened = useQueryParameter('study');
  const reconciliation = useReconciliation(api, opened);
  /** The row moved to with the keyboard or clicked; the first row until then. */
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  /** What is being sent, if anything: one action at a time. */
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [announcement, setAnnouncement] = useState<Announcement>({ id: 0, text: '', urgent: false });
  const [focusRequest, setFocusRequest] = useState(0);
  const tableRef = useRef<HTMLDivElement>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  // The study open when an answer arrives, which may no longer be the one the action was for.
  const openedRef = useRef(opened);
  useEffect(() => {
    openedRef.current = opened;
  }, [opened]);

  const ids = list.rows.map((row) => row.studyId);
  const selected = effectiveSelection(ids, chosen ?? (opened === '' ? undefined : opened));
  const checkedIds = ids.filter((studyId) => checked.has(studyId));

  const announce = (text: string, urgent = false): void =>
    setAnnouncement((current) => ({ id: current.id + 1, text, urgent }));

  // Nothing left to select after an action: the outcome takes the focus instead.
  useEffect(() => {
    if (focusRequest > 0 && selected === undefined) noticeRef.current?.focus();
  }, [focusRequest, selected]);

  // Focus stays in the list when a study opens (j/k keep working): say what opened.
  const announcedFor = useRef('');
  const loaded = reconciliation.state.status === 'loaded' ? reconciliation.state.data : undefined;
  useEffect(() => {
    if (loaded === undefined || announcedFor.current === opened) return;
    announcedFor.current = opened;
    const best = bestCandidate(loaded.candidates);
    setAnnouncement((current) => ({
      id: current.id + 1,
      urgent: false,
      text:
        `Opened ${detailStudyLabel(loaded)}. ${loaded.reason === null ? 'Not on the worklist' : reasonLabel(loaded.reason)}. ` +
        `${plural(loaded.candidates.length, 'candidate order')}` +
        (best === undefined ? '.' : `, best score ${best.score}.`),
    }));
  }, [loaded, opened]);

  const openStudy = (studyId: string): void => {
    setChosen(studyId);
    navigate(hrefOf(ROUTES.worklist, { study: studyId }), { replace: true });
  };
  const closeStudy = (): void => {
    navigate(ROUTES.worklist, { replace: true });
    setFocusRequest((value) => value + 1);
  };
  const toggle = (studyId: string): void =>
    setChecked((current) => {
      const next = new Set(current);
      if (next.has(studyId)) next.delete(studyId);
      else next.add(studyId);
      return next;
    });
  const toggleAll = (check: boolean): void => setChecked(check ? new Set(ids) : new Set());
  const selectHighConfidence = (): void => {
    const high = list.rows.filter((row) => isHighConfidence(row.bestScore, HIGH_CONFIDENCE_SCORE));
    setChecked(new Set(high.map((row) => row.studyId)));
    announce(
      `${plural(high.length, 'study', 'studies')} with a best score of ${HIGH_CONFIDENCE_SCORE} or more selected.`,
    );
  };

  /** Takes studies an action resolved off the screen and moves on to the next one. */
  const resolved = (studyIds: readonly string[]): void => {
    list.hide(studyIds);
    setChecked((current) => new Set([...current].filter((studyId) => !studyIds.includes(studyId))));
    if (selected !== undefined && studyIds.includes(selected)) {
      setChosen(
        selectionAfterRemoval(
          ids.filter((studyId) => studyId === selected || !studyIds.includes(studyId)),
          selected,
        ),
      );
    }
    if (studyIds.includes(openedRef.current)) {
      navigate(ROUTES.worklist, { replace: true });
      setFocusRequest((value) => value + 1);
    }
  };

  const runAction = async (action: ReconcileAction): Promise<ActionResult> => {
    const detail = reconciliation.data;
    if (detail === undefined || busy !== undefined) return { ok: false };
    const studyId = opened;
    const what = describeAction(action, detail);
    const label = detailStudyLabel(detail);
    setBusy(what);
    setNotice(undefined);
    try {
      const after = await reconcile(api, studyId, action);
      const text = doneMessage(what, label, after);
      setNotice({ kind: 'success', text, skipped: [] });
      announce(text);
      if (after.reason === null) resolved([studyId]);
      else if (openedRef.current === studyId) reconciliation.reload();
      list.refresh();
      return { ok: true };
    } catch (error) {
      // HL7 does not know the MRN or accession: the form warns and offers to send it anyway.
      const unknownValues =
        action.action === 'manual' && !action.acceptUnknown ? unknownValuesWarning(error) : undefined;
      if (unknownValues !== undefined) return { ok: false, unknownValues };
      const text = `Could not ${what} for ${label}: ${fullStop(describeError(error))}`;
      setNotice({ kind: 'error', text, skipped: [] });
      announce(text, true);
      return { ok: false };
    } finally {
      setBusy(undefined);
    }
  };

  const confirmBest = (): void => {
    const detail = reconciliation.state.status === 'loaded' ? reconciliation.state.data : undefined;
    if (opened === '' || detail === undefined) {
      announce('Open a study first: select it and press Enter.');
      return;
    }
    if (busy !== undefined) {
      announce(`Still sending: ${busy}.`);
      return;
    }
    const best = bestCandidate(detail.candidates);
    if (best === undefined) announce('This study has no candidate order to confirm.');
    else if (best.conflicting) {
      announce('The best candidate conflicts with the study: confirm it with its own button only if you are sure.');
    } else void runAction(confirmAction(best.orderId));
  };

  const confirmChecked = async (): Promise<void> => {
    if (checkedIds.length === 0 || busy !== undefined) return;
    const labels = new Map(list.rows.map((row) => [row.studyId, itemLabel(row)]));
    const what = `confirm ${plural(checkedIds.length, 'study', 'studies')}`;
    setBusy(what);
    setNotice(undefined);
    try {
      const result = await bulkConfirm(api, checkedIds, HIGH_CONFIDENCE_SCORE);
      const summary = bulkResultSummary(result, (studyId) => labels.get(studyId) ?? `Study ${studyId}`);
      setNotice({ kind: result.skipped.length > 0 ? 'warning' : 'success', ...summary });
      announce([summary.text, ...summary.skipped].join(' '));
      resolved(result.confirmed);
      list.refresh();
    } catch (error) {
      const text = `Could not ${what}: ${fullStop(describeError(error))}`;
      setNotice({ kind: 'error', text, skipped: [] });
      announce(text, true);
    } finally {
      setBusy(undefined);
    }
  };

  const runCommand = (command: WorklistCommand): void => {
    switch (command) {
      case 'next':
      case 'previous':
      case 'first':
      case 'last': {
        const next = moveSelection(ids, selected, command);
        if (next === undefined) return;
        setChosen(next);
        setFocusRequest((value) => value + 1);
        return;
      }
      case 'open':
        if (selected !== undefined) openStudy(selected);
        return;
      case 'toggle-check': {
        const row = list.rows.find((item) => item.studyId === selected);
        if (row === undefined) return;
        toggle(row.studyId);
        announce(`${itemLabel(row)} ${checked.has(row.studyId) ? 'no longer selected' : 'selected'}.`);
        return;
      }
      case 'confirm-best':
        confirmBest();
        return;
    }
  };

  useKeyboardCommands(commandForKey, runCommand, tableRef);

  const loading = list.state.status === 'loading';
  return (
    <div className="stack">
      <PageHeader
        title="Worklist"
        subtitle="Outside studies the matcher could not reconcile on its own, oldest first."
        loading={loading}
        onRefresh={list.refresh}
        filter={{
          label: 'Filter the worklist',
          fields: FILTER_FIELDS,
          value: list.filter,
          empty: EMPTY_WORKLIST_FILTER,
          onSearch: list.search,
        }}
      />
      <LiveAnnouncer announcement={announcement} testId="worklist-announcer" />
      {notice !== undefined && (
        <div className={`notice notice--${notice.kind}`} ref={noticeRef} tabIndex={-1} data-testid="worklist-notice">
          <p className={notice.skipped.length > 0 ? 'notice__title' : 'notice__text'}>{notice.text}</p>
          {notice.skipped.length > 0 && (
            <ul className="notice__list" data-testid="bulk-skipped">
              {notice.skipped.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <ListAndDetail
        layout="worklist"
        listTitle="Studies waiting"
        status={<WorklistStatus list={list} />}
        tools={
          <div className="worklist-toolbar" role="group" aria-label="Bulk confirmation">
            <button
              type="button"
              className="button button--small"
              onClick={selectHighConfidence}
              disabled={list.rows.length === 0}
            >
              Select scores ≥ {HIGH_CONFIDENCE_SCORE}
            </button>
            <button
              type="button"
              className="button button--small button--primary"
              onClick={() => void confirmChecked()}
              disabled={checkedIds.length === 0 || busy !== undefined}
              aria-describedby={`${id}-bulk`}
            >
              Confirm high-confidence ({checkedIds.length} selected)
            </button>
            <span className="hint" id={`${id}-bulk`}>
              Confirms the best order of each selected study that scores {HIGH_CONFIDENCE_SCORE} or more; the others are
              skipped, with the reason.
            </span>
          </div>
        }
        keys={
          <>
            Keys: <kbd className="kbd">j</kbd> / <kbd className="kbd">k</kbd> or <kbd className="kbd">↓</kbd> /{' '}
            <kbd className="kbd">↑</kbd> move, <kbd className="kbd">Enter</kbd> opens, <kbd className="kbd">x</kbd>{' '}
            selects for bulk confirmation, <kbd className="kbd">c</kbd> confirms the open study’s best order.
          </>
        }
        detailLabel="Open study"
        detail={
          opened === '' ? undefined : (
            <ReconciliationPanel
              key={opened}
              reconciliation={reconciliation}
              busy={busy}
              onAction={runAction}
              onClose={closeStudy}
            />
          )
        }
        empty={{
          title: 'No study open',
          text: 'Open a study in the list (click it, or move with j / k and press Enter) to compare what the media said with the proposed local patient, weigh the candidate orders and see the tag changes.',
        }}
      >
        {list.rows.length > 0 && (
          <WorklistTable
            rows={list.rows}
            selected={selected}
            opened={opened}
            checked={checked}
            now={list.shown?.loadedAt ?? new Date(0)}
            focusRequest={focusRequest}
            onSelect={setChosen}
            onOpen={openStudy}
            onToggle={toggle}
            onToggleAll={toggleAll}
            tableRef={tableRef}
          />
        )}
        <PagingControls
          label="Worklist pages"
          pageNumber={list.pageNumber}
          newer={list.earlier}
          older={list.later}
          labels={{ newer: '← Previous page', older: 'Next page →' }}
        />
      </ListAndDetail>
    </div>
  );
}

function WorklistStatus({ list }: { list: Worklist }) {
  const { state, shown, rows, filtered } = list;
  if (state.status === 'error') {
    return (
      <p className="notice notice--error" role="alert">
        The worklist cannot be loaded: {fullStop(state.message)}
      </p>
    );
  }
  if (shown === undefined) return <p className="muted">Loading…</p>;
  const updated = `Updated ${formatDateTime(shown.loadedAt.toISOString())}.`;
  if (rows.length === 0) {
    return (
      <p className="muted" role="status" data-testid="worklist-status">
        {filtered ? 'No study waiting matches the filter.' : 'No study is waiting.'} {updated}
      </p>
    );
  }
  const onPage = shown.total > rows.length ? ` (${rows.length} on this page)` : '';
  return (
    <p className="muted" role="status" data-testid="worklist-status">
      {plural(shown.total, 'study', 'studies')} waiting{filtered ? ' matching the filter' : ''}
      {onPage}, oldest first. {updated}
    </p>
  );
}
