// The routing rules editor's model: the ordered rules with their conditions and destinations as
// comma-separated text, the moves an admin makes, and the PUT body they become. The default rule
// matches every study and stays last (the server refuses anything else, rules-store.ts); the
// editor keeps it there instead of letting an admin find out on Save. Pure.

import type { RoutingRule, RuleDraftBody, RuleMatch } from './routing-rules.resource.ts';

/** The condition lists of a rule, in the order they are shown. */
export const CONDITION_FIELDS = ['departments', 'modalities', 'procedureCodes', 'sources'] as const;
export type ConditionField = (typeof CONDITION_FIELDS)[number];

export type RuleDraft = {
  /** React key: the rule's id, or `new-N` for a rule not saved yet. */
  key: string;
  id: string | undefined;
  name: string;
  conditions: Record<ConditionField, string>;
  destinations: string;
  isDefault: boolean;
  enabled: boolean;
};

/** Where a study came from, as rules name it (src/routing/rules-store.ts ROUTING_SOURCES). */
export const ROUTING_SOURCE_NAMES = ['folder', 'zip', 'upload', 'dicom'] as const;

/** "a, b ,, c" → ["a", "b", "c"]. */
export function parseList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

export function formatList(values: readonly string[]): string {
  return values.join(', ');
}

/** The rules in the order the server tries them: by position, the default rule after all others. */
export function rulesInOrder(rules: readonly RoutingRule[]): RoutingRule[] {
  const ordered = [...rules].sort((a, b) => a.position - b.position);
  return [...ordered.filter((rule) => !rule.isDefault), ...ordered.filter((rule) => rule.isDefault)];
}

/** The editor's rules, in the order the server tries them. */
export function draftsFromRules(rules: readonly RoutingRule[]): RuleDraft[] {
  return rulesInOrder(rules).map((rule) => ({
    key: rule.id,
    id: rule.id,
    name: rule.name,
    conditions: {
      departments: formatList(rule.match.departments),
      modalities: formatList(rule.match.modalities),
      procedureCodes: formatList(rule.match.procedureCodes),
      sources: formatList(rule.match.sources),
    },
    destinations: formatList(rule.destinations),
    isDefault: rule.isDefault,
    enabled: rule.enabled,
  }));
}

export function matchOf(draft: Pick<RuleDraft, 'conditions'>): RuleMatch {
  return {
    departments: parseList(draft.conditions.departments),
    modalities: parseList(draft.conditions.modalities),
    procedureCodes: parseList(draft.conditions.procedureCodes),
    sources: parseList(draft.conditions.sources),
  };
}

/** The body of PUT /api/routing/rules: the list in its order, the default rule with no conditions. */
export function rulesBody(drafts: readonly RuleDraft[]): RuleDraftBody[] {
  return drafts.map((draft) => ({
    ...(draft.id === undefined ? {} : { id: draft.id }),
    name: draft.name.trim(),
    match: draft.isDefault ? { departments: [], modalities: [], procedureCodes: [], sources: [] } : matchOf(draft),
    destinations: parseList(draft.destinations),
    isDefault: draft.isDefault,
    enabled: draft.enabled,
  }));
}

/** Whether the drafts say something other than the saved rules (the Save button's reason to be). */
export function draftsDiffer(drafts: readonly RuleDraft[], rules: readonly RoutingRule[]): boolean {
  return JSON.stringify(rulesBody(drafts)) !== JSON.stringify(rulesBody(draftsFromRules(rules)));
}

/** Whether the rule at `index` may move one place up (-1) or down (+1): never the default, never past it. */
export function canMove(drafts: readonly RuleDraft[], index: number, direction: -1 | 1): boolean {
  const rule = drafts[index];
  const other = drafts[index + direction];
  return rule !== undefined && other !== undefined && !rule.isDefault && !other.isDefault;
}

export function moveDraft(drafts: readonly RuleDraft[], index: number, direction: -1 | 1): RuleDraft[] {
  if (!canMove(drafts, index, direction)) return [...drafts];
  const next = [...drafts];
  const [rule] = next.splice(index, 1);
  if (rule !== undefined) next.splice(index + direction, 0, rule);
  return next;
}

/** A new, enabled rule with no conditions yet, put just before the default rule. */
export function addDraft(drafts: readonly RuleDraft[], key: string): RuleDraft[] {
  const taken = new Set(drafts.map((draft) => draft.name.trim().toLowerCase()));
  let number = drafts.length;
  while (taken.has(`new rule ${number}`)) number += 1;
  const draft: RuleDraft = {
    key,
    id: undefined,
    name: `New rule ${number}`,
    conditions: { departments: '', modalities: '', procedureCodes: '', sources: '' },
    destinations: '',
    isDefault: false,
    enabled: true,
  };
  const fallback = drafts.findIndex((rule) => rule.isDefault);
  const at = fallback === -1 ? drafts.length : fallback;
  return [...drafts.slice(0, at), draft, ...drafts.slice(at)];
}

/** Takes a rule out; the default rule stays (every list needs exactly one). */
export function removeDraft(drafts: readonly RuleDraft[], index: number): RuleDraft[] {
  return drafts[index]?.isDefault === true ? [...drafts] : drafts.filter((_, at) => at !== index);
}

export function updateDraft(drafts: readonly RuleDraft[], index: number, change: Partial<RuleDraft>): RuleDraft[] {
  return drafts.map((draft, at) => (at === index ? { ...draft, ...change } : draft));
}

const CONDITION_LABELS: Readonly<Record<ConditionField, [string, string]>> = {
  departments: ['department', 'departments'],
  modalities: ['modality', 'any of the modalities'],
  procedureCodes: ['procedure code', 'procedure codes'],
  sources: ['source', 'sources'],
};

/** A rule's conditions in words: "department cardiology and any of the modalities US, XA". */
export function conditionsText(match: RuleMatch, isDefault: boolean): string {
  if (isDefault) return 'every study no rule above took';
  const parts = CONDITION_FIELDS.flatMap((field) => {
    const values = match[field];
    if (values.length === 0) return [];
    const [one, many] = CONDITION_LABELS[field];
    return [`${values.length === 1 ? one : many} ${formatList(values)}`];
  });
  return parts.length === 0 ? 'every study (no condition)' : parts.join(' and ');
}
