import type { PanelAction, StudyTag } from '../domain/viewer-panel.ts';
import type { Role } from '../domain/roles.ts';
import { STUDY_VIEWERS } from '../domain/roles.ts';
import type { StudyState } from '../domain/study-state.ts';

// What the viewer panel offers a user for a study: the server decides, the panel only shows it, so
// a button never appears for an action the API would refuse.

export interface PanelActionFacts {
  state: StudyState;
  tags: readonly StudyTag[];
  /** The study's local identifiers are written in Orthanc (archiving needs them). */
  coerced: boolean;
}

const OPEN: ReadonlySet<StudyState> = new Set(['received', 'ready', 'identified', 'matched', 'queued']);

export function panelActions(roles: readonly Role[], facts: PanelActionFacts): PanelAction[] {
  if (!roles.some((role) => STUDY_VIEWERS.includes(role))) return [];
  const actions: PanelAction[] = [];
  const open = OPEN.has(facts.state);
  if (open && !facts.tags.includes('reference')) actions.push('reference');
  if (open && !facts.tags.includes('second-read')) actions.push('secondRead');
  if (facts.state === 'matched' && facts.coerced) actions.push('archive');
  if (open || facts.state === 'archived') actions.push('share');
  if (open) actions.push('discard');
  return actions;
}
