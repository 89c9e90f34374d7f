import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { migrateToLatest, openSqlite, type OpenDatabase } from '../db/database.ts';
import { DomainError } from '../domain/errors.ts';
import type { RuleMatch } from '../domain/routing.ts';
import { chooseDestinations } from './choose-destinations.ts';
import { insertDestinations, insertImport, insertOrder, insertStudy } from './routing-fixtures.ts';
import {
  listRoutingRules,
  replaceRoutingRules,
  routingFactsForStudy,
  routingRuleDraftSchema,
  routingRulesProblems,
  seedDefaultRules,
  type RoutingRuleDraft,
} from './rules-store.ts';

function draft(input: Omit<z.input<typeof routingRuleDraftSchema>, 'match'> & { match?: Partial<RuleMatch> }) {
  return routingRuleDraftSchema.parse({ match: {}, ...input });
}

/** A fresh, migrated in-memory database for each test of the enclosing describe. */
function migratedDatabaseEachTest(): () => OpenDatabase {
  let database: OpenDatabase | undefined;
  beforeEach(async () => {
    database = openSqlite(':memory:');
    await migrateToLatest(database);
  });
  afterEach(async () => {
    await database?.close();
  });
  return () => {
    if (database === undefined) throw new Error('the database is opened before each test');
    return database;
  };
}

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the promise to be rejected');
}

describe('routing rules store', () => {
  const database = migratedDatabaseEachTest();

  it('seeds the shipped defaults once, only into an empty table', async () => {
    const { db } = database();
    expect(await seedDefaultRules(db)).toBe(true);
    expect(await seedDefaultRules(db)).toBe(false);
    const rules = await listRoutingRules(db);
    expect(
      rules.map(({ position, name, match, destinations, isDefault, enabled }) => ({
        position,
        name,
        match,
        destinations,
        isDefault,
        enabled,
      })),
    ).toEqual([
      {
        position: 0,
        name: 'Cardiology',
        match: { departments: ['cardiology'], modalities: [], procedureCodes: [], sources: [] },
        destinations: ['cardiology-pacs'],
        isDefault: false,
        enabled: true,
      },
      {
        position: 1,
        name: 'Cardiac modalities',
        match: { departments: [], modalities: ['US', 'XA', 'ECG', 'IVUS'], procedureCodes: [], sources: [] },
        destinations: ['cardiology-pacs'],
        isDefault: false,
        enabled: true,
      },
      {
        position: 2,
        name: 'Everything else',
        match: { departments: [], modalities: [], procedureCodes: [], sources: [] },
        destinations: ['radiology-pacs'],
        isDefault: true,
        enabled: true,
      },
    ]);
  });

  it('does not seed over rules an admin saved', async () => {
    const { db } = database();
    await insertDestinations(db, ['vna']);
    await replaceRoutingRules(db, [draft({ name: 'All to the VNA', destinations: ['vna'], isDefault: true })]);
    expect(await seedDefaultRules(db)).toBe(false);
    expect((await listRoutingRules(db)).map((rule) => rule.name)).toEqual(['All to the VNA']);
  });

  it('replaces the whole list, numbering positions in list order and keeping given ids', async () => {
    const { db } = database();
    await insertDestinations(db, ['cardiology-pacs', 'radiology-pacs', 'vna']);
    await seedDefaultRules(db);
    const before = await listRoutingRules(db);
    const cardiology = before[0];
    if (cardiology === undefined) throw new Error('seeded rules missing');

    const stored = await replaceRoutingRules(db, [
      draft({ name: 'Echo by code', match: { procedureCodes: ['ECHO1'] }, destinations: ['cardiology-pacs', 'vna'] }),
      draft({
        id: cardiology.id,
        name: cardiology.name,
        match: { departments: cardiology.match.departments },
        destinations: cardiology.destinations,
        enabled: false,
      }),
      draft({ name: 'Everything else', destinations: ['radiology-pacs'], isDefault: true }),
    ]);
    expect(stored.map((rule) => [rule.position, rule.name, rule.enabled])).toEqual([
      [0, 'Echo by code', true],
      [1, 'Cardiology', false],
      [2, 'Everything else', true],
    ]);
    expect(stored[1]?.id).toBe(cardiology.id);
    expect(stored[0]?.match).toEqual({ departments: [], modalities: [], procedureCodes: ['ECHO1'], sources: [] });
    expect(stored[0]?.destinations).toEqual(['cardiology-pacs', 'vna']);
    expect(await listRoutingRules(db)).toEqual(stored);
  });

  it('refuses a list that breaks a rule and keeps the stored list as it was', async () => {
    const { db } = database();
    await insertDestinations(db, ['cardiology-pacs', 'radiology-pacs']);
    await seedDefaultRules(db);
    const before = await listRoutingRules(db);

    const error = await rejection(
      replaceRoutingRules(db, [
        draft({ name: 'Everything else', destinations: ['radiology-pacs'], isDefault: true }),
        draft({ name: 'Echo', match: { modalities: ['US'] }, destinations: ['echo-pacs'] }),
      ]),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.details?.problems).toEqual([
      'the default rule must be the last rule',
      'Echo: no destination is named echo-pacs',
    ]);
    expect(await listRoutingRules(db)).toEqual(before);
  });

  const known = new Set(['cardiology-pacs', 'radiology-pacs']);
  const fallback = draft({ name: 'Everything else', destinations: ['radiology-pacs'], isDefault: true });
  const problemCases: { title: string; rules: RoutingRuleDraft[]; problems: string[] }[] = [
    { title: 'the shipped defaults', rules: [fallback], problems: [] },
    { title: 'no rule at all', rules: [], problems: ['there must be exactly one default rule (found 0)'] },
    {
      title: 'no default rule',
      rules: [draft({ name: 'Echo', match: { modalities: ['US'] }, destinations: ['cardiology-pacs'] })],
      problems: ['there must be exactly one default rule (found 0)'],
    },
    {
      title: 'two default rules',
      rules: [{ ...fallback, name: 'First' }, fallback],
      problems: ['there must be exactly one default rule (found 2)'],
    },
    {
      title: 'a default rule with conditions',
      rules: [{ ...fallback, match: { ...fallback.match, departments: ['radiology'] } }],
      problems: ['Everything else: the default rule matches every study and cannot have conditions'],
    },
    {
      title: 'an unknown destination',
      rules: [draft({ name: 'Echo', match: { modalities: ['US'] }, destinations: ['echo-pacs'] }), fallback],
      problems: ['Echo: no destination is named echo-pacs'],
    },
    {
      title: 'a destination listed twice',
      rules: [
        draft({ name: 'Echo', match: { modalities: ['US'] }, destinations: ['cardiology-pacs', 'cardiology-pacs'] }),
        fallback,
      ],
      problems: ['Echo: destination cardiology-pacs is listed twice'],
    },
    {
      title: 'two rules with one name',
      rules: [
        draft({ name: 'Echo', match: { modalities: ['US'] }, destinations: ['cardiology-pacs'] }),
        draft({ name: 'echo', match: { modalities: ['XA'] }, destinations: ['cardiology-pacs'] }),
        fallback,
      ],
      problems: ['two rules are named echo; names must differ'],
    },
  ];
  it.each(problemCases)('checks the list: $title', ({ rules, problems }) => {
    expect(routingRulesProblems(rules, known)).toEqual(problems);
  });

  it('refuses an unknown source kind at the schema', () => {
    expect(
      routingRuleDraftSchema.safeParse({ name: 'x', match: { sources: ['cd-rom'] }, destinations: ['a'] }).success,
    ).toBe(false);
    expect(
      routingRuleDraftSchema.safeParse({ name: 'x', match: { sources: ['dicom', 'zip'] }, destinations: ['a'] })
        .success,
    ).toBe(true);
  });
});

describe('routingFactsForStudy', () => {
  const database = migratedDatabaseEachTest();

  it('reads department, modalities, the matched order procedure code and the latest import source', async () => {
    const { db } = database();
    const orderId = await insertOrder(db, 'ECHO1');
    await insertStudy(db, {
      id: 'study-1',
      uid: '1.2.3',
      department: 'cardiology',
      modalities: ['US', 'SR'],
      matchedOrderId: orderId,
    });
    await insertImport(db, { id: 'import-old', uid: '1.2.3', sourceKind: 'zip', createdAt: '2025-01-01T08:00:00Z' });
    await insertImport(db, { id: 'import-new', uid: '1.2.3', sourceKind: 'upload', createdAt: '2025-01-02T08:00:00Z' });
    // Another study's import does not count.
    await insertImport(db, {
      id: 'import-other',
      uid: '9.9.9',
      sourceKind: 'folder',
      createdAt: '2025-01-03T08:00:00Z',
    });

    expect(await routingFactsForStudy(db, 'study-1')).toEqual({
      department: 'cardiology',
      modalities: ['US', 'SR'],
      procedureCode: 'ECHO1',
      source: 'upload',
    });
  });

  it("says 'dicom' for a study no import brought, and no procedure code without a matched order", async () => {
    const { db } = database();
    await insertStudy(db, { id: 'study-2', uid: '1.2.4', modalities: ['XA'] });
    const facts = await routingFactsForStudy(db, 'study-2');
    expect(facts).toEqual({ department: null, modalities: ['XA'], procedureCode: null, source: 'dicom' });
    await seedDefaultRules(db);
    expect(chooseDestinations(facts, await listRoutingRules(db)).destinations).toEqual(['cardiology-pacs']);
  });

  it('reports an unknown study as not found', async () => {
    const error = await rejection(routingFactsForStudy(database().db, 'no-such-study'));
    expect(error.code).toBe('not_found');
  });
});
