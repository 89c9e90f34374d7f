import { describe, expect, it } from 'vitest';
import type { RoutingFacts, RoutingRule, RuleMatch } from '../domain/routing.ts';
import { chooseDestinations } from './choose-destinations.ts';

function rule(
  id: string,
  position: number,
  match: Partial<RuleMatch>,
  destinations: string[],
  options: { isDefault?: boolean; enabled?: boolean; name?: string } = {},
): RoutingRule {
  return {
    id,
    position,
    name: options.name ?? id,
    match: { departments: [], modalities: [], procedureCodes: [], sources: [], ...match },
    destinations,
    isDefault: options.isDefault ?? false,
    enabled: options.enabled ?? true,
  };
}

function facts(overrides: Partial<RoutingFacts>): RoutingFacts {
  return { department: null, modalities: [], procedureCode: null, source: 'dicom', ...overrides };
}

// The shipped defaults (rules-store.ts seeds the same three).
const SHIPPED: RoutingRule[] = [
  rule('cardiology', 0, { departments: ['cardiology'] }, ['cardiology-pacs'], { name: 'Cardiology' }),
  rule('cardiac-modalities', 1, { modalities: ['US', 'XA', 'ECG', 'IVUS'] }, ['cardiology-pacs'], {
    name: 'Cardiac modalities',
  }),
  rule('default', 2, {}, ['radiology-pacs'], { name: 'Everything else', isDefault: true }),
];

describe('chooseDestinations with the shipped rules', () => {
  const cases: { title: string; facts: RoutingFacts; ruleId: string; destinations: string[] }[] = [
    {
      title: 'cardiology by department',
      facts: facts({ department: 'cardiology', modalities: ['CT'] }),
      ruleId: 'cardiology',
      destinations: ['cardiology-pacs'],
    },
    {
      title: 'department compared without case',
      facts: facts({ department: 'Cardiology', modalities: ['MR'] }),
      ruleId: 'cardiology',
      destinations: ['cardiology-pacs'],
    },
    {
      title: 'echo (US) from radiology',
      facts: facts({ department: 'radiology', modalities: ['US'] }),
      ruleId: 'cardiac-modalities',
      destinations: ['cardiology-pacs'],
    },
    {
      title: 'XA without a department',
      facts: facts({ modalities: ['XA'] }),
      ruleId: 'cardiac-modalities',
      destinations: ['cardiology-pacs'],
    },
    {
      title: 'ECG',
      facts: facts({ department: 'emergency', modalities: ['ECG'] }),
      ruleId: 'cardiac-modalities',
      destinations: ['cardiology-pacs'],
    },
    {
      title: 'IVUS',
      facts: facts({ department: 'radiology', modalities: ['IVUS'] }),
      ruleId: 'cardiac-modalities',
      destinations: ['cardiology-pacs'],
    },
    {
      title: 'mixed-modality study with one cardiac modality',
      facts: facts({ department: 'radiology', modalities: ['CT', 'SR', 'XA'] }),
      ruleId: 'cardiac-modalities',
      destinations: ['cardiology-pacs'],
    },
    {
      title: 'lower-case modality from odd outside media',
      facts: facts({ department: 'radiology', modalities: ['us'] }),
      ruleId: 'cardiac-modalities',
      destinations: ['cardiology-pacs'],
    },
    {
      title: 'CT from radiology goes to the default',
      facts: facts({ department: 'radiology', modalities: ['CT', 'SR'] }),
      ruleId: 'default',
      destinations: ['radiology-pacs'],
    },
    {
      title: 'a study with no facts at all goes to the default',
      facts: facts({ source: null }),
      ruleId: 'default',
      destinations: ['radiology-pacs'],
    },
  ];
  it.each(cases)('$title', ({ facts: studyFacts, ruleId, destinations }) => {
    const decision = chooseDestinations(studyFacts, SHIPPED);
    expect(decision.ruleId).toBe(ruleId);
    expect(decision.destinations).toEqual(destinations);
  });

  it('explains every rule it tried, up to the one that matched', () => {
    expect(chooseDestinations(facts({ department: 'radiology', modalities: ['CT', 'SR'] }), SHIPPED)).toEqual({
      ruleId: 'default',
      ruleName: 'Everything else',
      destinations: ['radiology-pacs'],
      explanation: [
        'Cardiology: no match, department radiology is not cardiology',
        'Cardiac modalities: no match, modalities CT, SR include none of US, XA, ECG, IVUS',
        'Everything else: matches, the default rule takes every study no earlier rule took',
      ],
    });
    expect(chooseDestinations(facts({ department: 'Cardiology' }), SHIPPED).explanation).toEqual([
      'Cardiology: matches, department Cardiology matches',
    ]);
    expect(chooseDestinations(facts({ modalities: ['CT', 'XA', 'US'] }), SHIPPED).explanation).toEqual([
      'Cardiology: no match, the study has no department (rule wants cardiology)',
      'Cardiac modalities: matches, modalities XA, US present',
    ]);
  });
});

describe('chooseDestinations', () => {
  const cases: {
    title: string;
    rules: RoutingRule[];
    facts: RoutingFacts;
    ruleId: string | null;
    destinations: string[];
  }[] = [
    {
      title: 'a disabled rule is passed over',
      rules: [
        rule('cardiology', 0, { departments: ['cardiology'] }, ['cardiology-pacs'], { enabled: false }),
        rule('default', 1, {}, ['radiology-pacs'], { isDefault: true }),
      ],
      facts: facts({ department: 'cardiology' }),
      ruleId: 'default',
      destinations: ['radiology-pacs'],
    },
    {
      title: 'rules are tried by position, not by list order',
      rules: [
        rule('second', 5, { modalities: ['US'] }, ['b']),
        rule('first', 1, { modalities: ['US'] }, ['a']),
        rule('default', 9, {}, ['r'], { isDefault: true }),
      ],
      facts: facts({ modalities: ['US'] }),
      ruleId: 'first',
      destinations: ['a'],
    },
    {
      title: 'the default rule is tried last whatever its position',
      rules: [rule('default', 0, {}, ['r'], { isDefault: true }), rule('echo', 1, { modalities: ['US'] }, ['c'])],
      facts: facts({ modalities: ['US'] }),
      ruleId: 'echo',
      destinations: ['c'],
    },
    {
      title: 'every non-empty condition must hold (department and modality)',
      rules: [
        rule('cardiology-echo', 0, { departments: ['cardiology'], modalities: ['US'] }, ['echo-pacs']),
        rule('default', 1, {}, ['r'], { isDefault: true }),
      ],
      facts: facts({ department: 'cardiology', modalities: ['XA'] }),
      ruleId: 'default',
      destinations: ['r'],
    },
    {
      title: 'all four conditions hold',
      rules: [
        rule(
          'all',
          0,
          { departments: ['cardiology'], modalities: ['US'], procedureCodes: ['ECHO1'], sources: ['zip'] },
          ['echo-pacs', 'vna'],
        ),
      ],
      facts: facts({ department: 'CARDIOLOGY', modalities: ['US', 'SR'], procedureCode: 'ECHO1', source: 'zip' }),
      ruleId: 'all',
      destinations: ['echo-pacs', 'vna'],
    },
    {
      title: 'procedure code must be equal',
      rules: [
        rule('code', 0, { procedureCodes: ['ECHO1', 'ECHO2'] }, ['c']),
        rule('d', 1, {}, ['r'], { isDefault: true }),
      ],
      facts: facts({ procedureCode: 'ECHO3' }),
      ruleId: 'd',
      destinations: ['r'],
    },
    {
      title: 'a procedure code rule does not match a study without a matched order',
      rules: [rule('code', 0, { procedureCodes: ['ECHO1'] }, ['c']), rule('d', 1, {}, ['r'], { isDefault: true })],
      facts: facts({ procedureCode: null }),
      ruleId: 'd',
      destinations: ['r'],
    },
    {
      title: 'source: studies sent by C-STORE',
      rules: [rule('pushed', 0, { sources: ['dicom'] }, ['p']), rule('d', 1, {}, ['r'], { isDefault: true })],
      facts: facts({ source: 'dicom' }),
      ruleId: 'pushed',
      destinations: ['p'],
    },
    {
      title: 'source: an uploaded study is not a C-STORE one',
      rules: [rule('pushed', 0, { sources: ['dicom'] }, ['p']), rule('d', 1, {}, ['r'], { isDefault: true })],
      facts: facts({ source: 'upload' }),
      ruleId: 'd',
      destinations: ['r'],
    },
    {
      title: 'a rule without conditions matches everything',
      rules: [rule('catch-all', 0, {}, ['x']), rule('d', 1, {}, ['r'], { isDefault: true })],
      facts: facts({ modalities: ['CT'] }),
      ruleId: 'catch-all',
      destinations: ['x'],
    },
    {
      title: 'a disabled default rule routes nowhere',
      rules: [
        rule('echo', 0, { modalities: ['US'] }, ['c']),
        rule('d', 1, {}, ['r'], { isDefault: true, enabled: false }),
      ],
      facts: facts({ modalities: ['CT'] }),
      ruleId: null,
      destinations: [],
    },
  ];
  it.each(cases)('$title', ({ rules, facts: studyFacts, ruleId, destinations }) => {
    const decision = chooseDestinations(studyFacts, rules);
    expect(decision.ruleId).toBe(ruleId);
    expect(decision.destinations).toEqual(destinations);
  });

  it('says why a study goes nowhere when there is no rule', () => {
    expect(chooseDestinations(facts({ modalities: ['CT'] }), [])).toEqual({
      ruleId: null,
      ruleName: null,
      destinations: [],
      explanation: ['no routing rules are defined: the study goes to no destination'],
    });
  });

  it('says why a study goes nowhere when every rule is disabled', () => {
    const rules = [rule('d', 0, {}, ['r'], { isDefault: true, enabled: false, name: 'Everything else' })];
    expect(chooseDestinations(facts({}), rules).explanation).toEqual([
      'Everything else: skipped, the rule is disabled',
      'every routing rule is disabled: the study goes to no destination',
    ]);
  });

  it('says why a study goes nowhere when no rule matched and the default is disabled', () => {
    const rules = [
      rule('echo', 0, { modalities: ['US'] }, ['c'], { name: 'Echo' }),
      rule('d', 1, {}, ['r'], { isDefault: true, enabled: false, name: 'Everything else' }),
    ];
    expect(chooseDestinations(facts({ modalities: [] }), rules).explanation).toEqual([
      'Echo: no match, the study has no modalities (rule wants any of US)',
      'Everything else: skipped, the rule is disabled',
      'no enabled rule matched and no default rule is enabled: the study goes to no destination',
    ]);
  });

  it('explains each condition of a rule that failed on one of them', () => {
    const rules = [
      rule('echo', 0, { departments: ['cardiology'], modalities: ['US'], procedureCodes: ['ECHO1'] }, ['c'], {
        name: 'Echo',
      }),
    ];
    const decision = chooseDestinations(
      facts({ department: 'cardiology', modalities: ['US'], procedureCode: 'XA1' }),
      rules,
    );
    expect(decision.explanation[0]).toBe(
      'Echo: no match, department cardiology matches; modality US present; procedure code XA1 is not ECHO1',
    );
  });

  it('returns a copy of the destinations, not the rule itself', () => {
    const decision = chooseDestinations(facts({ department: 'cardiology' }), SHIPPED);
    decision.destinations.push('elsewhere');
    expect(SHIPPED[0]?.destinations).toEqual(['cardiology-pacs']);
  });
});
