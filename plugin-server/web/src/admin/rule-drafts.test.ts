import { describe, expect, it } from 'vitest';
import type { RoutingRule } from './routing-rules.resource.ts';
import {
  addDraft,
  canMove,
  conditionsText,
  draftsDiffer,
  draftsFromRules,
  moveDraft,
  parseList,
  removeDraft,
  rulesBody,
  rulesInOrder,
  updateDraft,
} from './rule-drafts.ts';

const EMPTY = { departments: [], modalities: [], procedureCodes: [], sources: [] };

const RULES: RoutingRule[] = [
  // The default rule comes back with the lowest position: it is still tried last.
  {
    id: 'r-default',
    position: 0,
    name: 'Everything else',
    match: EMPTY,
    destinations: ['radiology-pacs'],
    isDefault: true,
    enabled: true,
  },
  {
    id: 'r-modalities',
    position: 2,
    name: 'Cardiac modalities',
    match: { ...EMPTY, modalities: ['US', 'XA'] },
    destinations: ['cardiology-pacs'],
    isDefault: false,
    enabled: true,
  },
  {
    id: 'r-cardiology',
    position: 1,
    name: 'Cardiology',
    match: { ...EMPTY, departments: ['cardiology'], sources: ['zip', 'dicom'] },
    destinations: ['cardiology-pacs', 'vna'],
    isDefault: false,
    enabled: false,
  },
];

const names = (drafts: { name: string }[]) => drafts.map((draft) => draft.name);

describe('routing rule drafts', () => {
  it.each([
    ['', []],
    [' US , XA,,ECG ', ['US', 'XA', 'ECG']],
    ['cardiology', ['cardiology']],
  ])('reads %j as a list', (text, list) => {
    expect(parseList(text)).toEqual(list);
  });

  it('orders the rules as the server tries them and gives back the same body', () => {
    expect(rulesInOrder(RULES).map((rule) => rule.id)).toEqual(['r-cardiology', 'r-modalities', 'r-default']);
    const drafts = draftsFromRules(RULES);
    expect(drafts[0]?.conditions).toEqual({
      departments: 'cardiology',
      modalities: '',
      procedureCodes: '',
      sources: 'zip, dicom',
    });
    expect(rulesBody(drafts)).toEqual([
      {
        id: 'r-cardiology',
        name: 'Cardiology',
        match: { ...EMPTY, departments: ['cardiology'], sources: ['zip', 'dicom'] },
        destinations: ['cardiology-pacs', 'vna'],
        isDefault: false,
        enabled: false,
      },
      {
        id: 'r-modalities',
        name: 'Cardiac modalities',
        match: { ...EMPTY, modalities: ['US', 'XA'] },
        destinations: ['cardiology-pacs'],
        isDefault: false,
        enabled: true,
      },
      {
        id: 'r-default',
        name: 'Everything else',
        match: EMPTY,
        destinations: ['radiology-pacs'],
        isDefault: true,
        enabled: true,
      },
    ]);
    expect(draftsDiffer(drafts, RULES)).toBe(false);
    expect(draftsDiffer(updateDraft(drafts, 1, { enabled: false }), RULES)).toBe(true);
    // Spaces around commas are not a change.
    expect(draftsDiffer(updateDraft(drafts, 0, { destinations: 'cardiology-pacs ,vna' }), RULES)).toBe(false);
  });

  it('moves rules up and down but never the default rule, nor past it', () => {
    const drafts = draftsFromRules(RULES);
    expect([canMove(drafts, 0, -1), canMove(drafts, 0, 1), canMove(drafts, 1, 1), canMove(drafts, 2, -1)]).toEqual([
      false,
      true,
      false,
      false,
    ]);
    expect(names(moveDraft(drafts, 0, 1))).toEqual(['Cardiac modalities', 'Cardiology', 'Everything else']);
    expect(names(moveDraft(drafts, 1, 1))).toEqual(names(drafts));
  });

  it('adds a rule before the default one and removes any rule but the default', () => {
    const drafts = draftsFromRules(RULES);
    const added = addDraft(drafts, 'new-1');
    expect(names(added)).toEqual(['Cardiology', 'Cardiac modalities', 'New rule 3', 'Everything else']);
    expect(added[2]).toMatchObject({ key: 'new-1', id: undefined, enabled: true, isDefault: false });
    expect(names(addDraft(added, 'new-2'))).toContain('New rule 4');
    // A new rule has no id: the server gives it one.
    expect(rulesBody(added)[2]).not.toHaveProperty('id');
    expect(names(removeDraft(drafts, 0))).toEqual(['Cardiac modalities', 'Everything else']);
    expect(names(removeDraft(drafts, 2))).toEqual(names(drafts));
  });

  it('never sends conditions for the default rule', () => {
    const drafts = updateDraft(draftsFromRules(RULES), 2, {
      conditions: { departments: 'x', modalities: '', procedureCodes: '', sources: '' },
    });
    expect(rulesBody(drafts)[2]?.match).toEqual(EMPTY);
  });

  it('says what a rule matches', () => {
    expect(conditionsText({ ...EMPTY, departments: ['cardiology'] }, false)).toBe('department cardiology');
    expect(conditionsText({ ...EMPTY, modalities: ['US', 'XA'], procedureCodes: ['E1'] }, false)).toBe(
      'any of the modalities US, XA and procedure code E1',
    );
    expect(conditionsText(EMPTY, false)).toBe('every study (no condition)');
    expect(conditionsText(EMPTY, true)).toBe('every study no rule above took');
  });
});
