// The "Routing rules" admin page: the ordered rules that choose a study's permanent archive(s),
// first match wins, the default rule last. Admins reorder, enable and disable, edit conditions as
// comma-separated lists, add and remove rules, and save the whole list (the server lists every
// problem when it refuses one); a dry run shows where a given study would go with the saved rules
// and why.

import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { describeError, type ApiClient } from '../api/api-client.ts';
import { fullStop, plural } from '../format/format.ts';
import { DataTable, type Column } from '../hl7/data-table.component.tsx';
import { DetailCard } from '../hl7/detail-frame.component.tsx';
import { useDetail } from '../hl7/use-detail.ts';
import { ROUTES } from '../routing/router.ts';
import { AdminSectionNav } from './admin-section-nav.component.tsx';
import { listDestinations } from './destinations.resource.ts';
import { RoutingPreviewBox } from './routing-preview.component.tsx';
import {
  addDraft,
  canMove,
  CONDITION_FIELDS,
  conditionsText,
  draftsDiffer,
  draftsFromRules,
  formatList,
  moveDraft,
  removeDraft,
  ROUTING_SOURCE_NAMES,
  rulesBody,
  rulesInOrder,
  updateDraft,
  type ConditionField,
  type RuleDraft,
} from './rule-drafts.ts';
import { listRoutingRules, ruleProblems, saveRoutingRules, type RoutingRule } from './routing-rules.resource.ts';

type Notice = { kind: 'success' | 'error'; text: string; problems: string[] };

const CONDITION_INPUTS: Readonly<Record<ConditionField, { label: string; placeholder: string }>> = {
  departments: { label: 'Departments', placeholder: 'cardiology' },
  modalities: { label: 'Modalities (any present)', placeholder: 'US, XA' },
  procedureCodes: { label: 'Procedure codes', placeholder: 'ECHO1' },
  sources: { label: 'Sources', placeholder: formatList(ROUTING_SOURCE_NAMES) },
};

const SUMMARY_COLUMNS: readonly Column<RoutingRule & { order: number }>[] = [
  { header: '#', headerClassName: 'numeric', className: 'numeric', cell: (rule) => rule.order },
  { header: 'Rule', cell: (rule) => rule.name },
  { header: 'Conditions', cell: (rule) => conditionsText(rule.match, rule.isDefault) },
  { header: 'Destinations', className: 'code', cell: (rule) => formatList(rule.destinations) },
  {
    header: 'State',
    cell: (rule) => (
      <>
        <span className={`badge badge--state ${rule.enabled ? 'badge--enabled' : 'badge--disabled'}`}>
          {rule.enabled ? 'enabled' : 'disabled'}
        </span>
        {rule.isDefault && <span className="cell-secondary">default rule</span>}
      </>
    ),
  },
];

/** Which control of which rule gets the focus after a move (it moved with the rule). */
type FocusRequest = { key: string; control: 'up' | 'down' | 'name' };

export function RoutingRulesPage({ api }: { api: ApiClient }) {
  const id = useId();
  const loadRules = useCallback((signal: AbortSignal) => listRoutingRules(api, signal), [api]);
  const rules = useDetail(loadRules);
  const loadNames = useCallback(
    async (signal: AbortSignal) => (await listDestinations(api, signal)).map((destination) => destination.name),
    [api],
  );
  const names = useDetail(loadNames);
  const [drafts, setDrafts] = useState<RuleDraft[]>([]);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [focus, setFocus] = useState<FocusRequest | undefined>(undefined);
  const newKeys = useRef(0);
  const editorRef = useRef<HTMLOListElement>(null);
  const noticeRef = useRef<HTMLDivElement>(null);

  // Every answer (first load, Refresh, Save) is the new starting point of the editor.
  const saved = rules.data;
  useEffect(() => {
    if (saved !== undefined) setDrafts(draftsFromRules(saved));
  }, [saved]);

  useEffect(() => {
    if (notice !== undefined) noticeRef.current?.focus();
  }, [notice]);

  useEffect(() => {
    if (focus === undefined) return;
    const rule = editorRef.current?.querySelector(`[data-rule-key="${CSS.escape(focus.key)}"]`);
    const wanted = rule?.querySelector<HTMLElement>(`[data-control="${focus.control}"]:not(:disabled)`);
    (wanted ?? rule?.querySelector<HTMLElement>('[data-control="name"]'))?.focus();
    setFocus(undefined);
  }, [focus]);

  const dirty = saved !== undefined && draftsDiffer(drafts, saved);

  const move = (index: number, direction: -1 | 1): void => {
    const rule = drafts[index];
    if (rule === undefined) return;
    setDrafts(moveDraft(drafts, index, direction));
    setFocus({ key: rule.key, control: direction === -1 ? 'up' : 'down' });
  };
  const add = (): void => {
    newKeys.current += 1;
    const key = `new-${newKeys.current}`;
    setDrafts(addDraft(drafts, key));
    setFocus({ key, control: 'name' });
  };
  const remove = (index: number): void => {
    const next = removeDraft(drafts, index);
    setDrafts(next);
    const neighbour = next[Math.min(index, next.length - 1)];
    if (neighbour !== undefined) setFocus({ key: neighbour.key, control: 'name' });
  };

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setSaving(true);
    try {
      const answer = await saveRoutingRules(api, rulesBody(drafts));
      setNotice({ kind: 'success', text: `Saved ${plural(answer.length, 'rule')}.`, problems: [] });
      rules.reload();
    } catch (error) {
      const problems = ruleProblems(error);
      setNotice(
        problems === undefined
          ? { kind: 'error', text: `The rules were not saved: ${fullStop(describeError(error))}`, problems: [] }
          : { kind: 'error', text: 'The rules were not saved; nothing changed. Please fix:', problems },
      );
    } finally {
      setSaving(false);
    }
  };

  const loading = rules.state.status === 'loading';
  const known = names.data;
  return (
    <div className="stack">
      <AdminSectionNav current={ROUTES.routingRules} />
      <header className="page-header">
        <div>
          <h1>Routing rules</h1>
          <p className="hint page-header__subtitle">
            Tried in order when a study is archived: the first enabled rule whose every condition holds chooses the
            destinations; the default rule takes the rest.
          </p>
        </div>
        <button
          type="button"
          className="button"
          onClick={() => {
            rules.reload();
            names.reload();
          }}
          disabled={loading}
        >
          {loading && saved !== undefined ? 'Refreshing…' : 'Refresh'}
        </button>
      </header>
      {notice !== undefined && (
        <div className={`notice notice--${notice.kind}`} ref={noticeRef} tabIndex={-1} data-testid="rules-notice">
          <p className={notice.problems.length > 0 ? 'notice__title' : 'notice__text'}>{notice.text}</p>
          {notice.problems.length > 0 && (
            <ul className="notice__list" data-testid="rules-problems">
              {notice.problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {rules.state.status === 'error' && (
        <p className="notice notice--error" role="alert">
          The routing rules cannot be loaded: {fullStop(rules.state.message)}
        </p>
      )}
      {saved === undefined && loading && <p className="muted">Loading…</p>}
      {saved !== undefined && (
        <DetailCard id={`${id}-saved`} title="Rules in force" testId="rules-in-force">
          <DataTable
            className="table table--compact"
            testId="rules-summary"
            caption="The saved rules in the order they are tried"
            rowTestId="rule-summary"
            columns={SUMMARY_COLUMNS}
            rows={rulesInOrder(saved).map((rule, index) => ({ ...rule, order: index + 1 }))}
          />
        </DetailCard>
      )}
      {saved !== undefined && (
        <section className="card" aria-labelledby={`${id}-editor`}>
          <h2 id={`${id}-editor`} className="card__title">
            Edit the rules
          </h2>
          <p className="hint rules-editor__hint">
            Conditions and destinations are comma-separated lists; an empty condition always holds. Sources are{' '}
            {formatList(ROUTING_SOURCE_NAMES)}.{' '}
            {known === undefined
              ? names.state.status === 'error'
                ? `The destination names cannot be listed: ${fullStop(names.state.message)}`
                : ''
              : known.length === 0
                ? 'No destination exists yet: create them on the Destinations page.'
                : `Destinations: ${formatList(known)}.`}
          </p>
          <form onSubmit={(event) => void save(event)} noValidate>
            <ol className="rules-editor" ref={editorRef} data-testid="rules-editor">
              {drafts.map((draft, index) => (
                <RuleEditor
                  key={draft.key}
                  draft={draft}
                  position={index + 1}
                  canMoveUp={canMove(drafts, index, -1)}
                  canMoveDown={canMove(drafts, index, 1)}
                  onChange={(change) => setDrafts(updateDraft(drafts, index, change))}
                  onMove={(direction) => move(index, direction)}
                  onRemove={() => remove(index)}
                />
              ))}
            </ol>
            <div className="button-row">
              <button type="button" className="button" onClick={add}>
                Add rule
              </button>
              <button type="submit" className="button button--primary" disabled={saving || !dirty}>
                {saving ? 'Saving…' : 'Save rules'}
              </button>
              <button
                type="button"
                className="button button--quiet"
                disabled={!dirty}
                onClick={() => setDrafts(draftsFromRules(saved))}
              >
                Discard changes
              </button>
              <span className="muted" role="status">
                {dirty ? 'Unsaved changes.' : 'No unsaved changes.'}
              </span>
            </div>
          </form>
        </section>
      )}
      <RoutingPreviewBox api={api} />
    </div>
  );
}

function RuleEditor({
  draft,
  position,
  canMoveUp,
  canMoveDown,
  onChange,
  onMove,
  onRemove,
}: {
  draft: RuleDraft;
  position: number;
  canMoveUp: boolean;
  canMoveDown: boolean;
  onChange: (change: Partial<RuleDraft>) => void;
  onMove: (direction: -1 | 1) => void;
  onRemove: () => void;
}) {
  const id = useId();
  const name = draft.name.trim() === '' ? `rule ${position}` : draft.name.trim();
  return (
    <li
      className={draft.enabled ? 'rule-editor' : 'rule-editor rule-editor--disabled'}
      data-rule-key={draft.key}
      data-testid="rule-editor"
    >
      <fieldset className="fieldset rule-editor__fieldset">
        <legend>
          Rule {position}: {name}
          {draft.isDefault && <span className="badge badge--best rule-editor__badge">default</span>}
          {!draft.enabled && <span className="badge badge--disabled rule-editor__badge">disabled</span>}
        </legend>
        <div className="rule-editor__top">
          <div className="field field--grow">
            <label htmlFor={`${id}-name`}>Name</label>
            <input
              id={`${id}-name`}
              type="text"
              autoComplete="off"
              data-control="name"
              value={draft.name}
              onChange={(event) => onChange({ name: event.target.value })}
            />
          </div>
          <div className="field field--grow">
            <label htmlFor={`${id}-destinations`}>Destinations</label>
            <input
              id={`${id}-destinations`}
              type="text"
              autoComplete="off"
              spellCheck={false}
              placeholder="radiology-pacs"
              value={draft.destinations}
              onChange={(event) => onChange({ destinations: event.target.value })}
            />
          </div>
          <div className="field field--checkbox">
            <label htmlFor={`${id}-enabled`}>
              <input
                id={`${id}-enabled`}
                type="checkbox"
                checked={draft.enabled}
                onChange={(event) => onChange({ enabled: event.target.checked })}
              />{' '}
              Enabled
            </label>
          </div>
        </div>
        {draft.isDefault ? (
          <p className="hint">The default rule has no conditions: it takes every study no rule above took.</p>
        ) : (
          <div className="form-grid form-grid--four">
            {CONDITION_FIELDS.map((field) => (
              <div key={field} className="field">
                <label htmlFor={`${id}-${field}`}>{CONDITION_INPUTS[field].label}</label>
                <input
                  id={`${id}-${field}`}
                  type="text"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder={CONDITION_INPUTS[field].placeholder}
                  value={draft.conditions[field]}
                  onChange={(event) => onChange({ conditions: { ...draft.conditions, [field]: event.target.value } })}
                />
              </div>
            ))}
          </div>
        )}
        {!draft.isDefault && (
          <div className="button-row button-row--tight">
            <button
              type="button"
              className="button button--small"
              data-control="up"
              disabled={!canMoveUp}
              aria-label={`Move ${name} up`}
              onClick={() => onMove(-1)}
            >
              ↑ Up
            </button>
            <button
              type="button"
              className="button button--small"
              data-control="down"
              disabled={!canMoveDown}
              aria-label={`Move ${name} down`}
              onClick={() => onMove(1)}
            >
              ↓ Down
            </button>
            <button
              type="button"
              className="button button--small button--quiet"
              aria-label={`Remove ${name}`}
              onClick={onRemove}
            >
              Remove
            </button>
          </div>
        )}
      </fieldset>
    </li>
  );
}
