import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { Database, RoutingRuleRow } from '../db/schema.ts';
import { DomainError } from '../domain/errors.ts';
import { SOURCE_KINDS } from '../domain/import-session.ts';
import {
  ruleMatchSchema,
  routingFactsSchema,
  routingRuleSchema,
  type RoutingFacts,
  type RoutingRule,
} from '../domain/routing.ts';

// The ordered routing rules (DESIGN.md section 7, issue #6) as rows, and the facts a study is
// routed on. The rules are replaced as a whole list: order is meaning, so a partial update could
// leave two rules at one position or the default rule in the middle.

type Executor = Kysely<Database> | Transaction<Database>;

/** Where a study came from: an import's source kind, or 'dicom' when it arrived by C-STORE. */
export const ROUTING_SOURCES = [...SOURCE_KINDS, 'dicom'] as const;
export const DICOM_SOURCE = 'dicom';

/** One rule as an admin sends it; its position is its place in the list. */
export const routingRuleDraftSchema = z.object({
  /** Kept when given (so job history and audit can refer to a rule across edits); new otherwise. */
  id: z.string().min(1).max(64).optional(),
  name: z.string().trim().min(1).max(100),
  match: z.object({
    departments: z.array(z.string().trim().min(1).max(64)).max(50).default([]),
    // DICOM Modality (0008,0060) is a CS value: at most 16 characters.
    modalities: z.array(z.string().trim().min(1).max(16)).max(50).default([]),
    procedureCodes: z.array(z.string().trim().min(1).max(64)).max(200).default([]),
    sources: z.array(z.enum(ROUTING_SOURCES)).max(ROUTING_SOURCES.length).default([]),
  }),
  destinations: z.array(z.string().min(1).max(32)).min(1).max(16),
  isDefault: z.boolean().default(false),
  enabled: z.boolean().default(true),
});
export type RoutingRuleDraft = z.infer<typeof routingRuleDraftSchema>;

/** The shipped defaults: cardiology's studies and cardiac modalities to cardiology, the rest to radiology. */
export const DEFAULT_ROUTING_RULES: readonly RoutingRuleDraft[] = [
  {
    name: 'Cardiology',
    match: { departments: ['cardiology'], modalities: [], procedureCodes: [], sources: [] },
    destinations: ['cardiology-pacs'],
    isDefault: false,
    enabled: true,
  },
  {
    // US covers echocardiography; a radiology ultrasound goes to cardiology too unless an admin
    // narrows this rule (by department or procedure code) for their site.
    name: 'Cardiac modalities',
    match: { departments: [], modalities: ['US', 'XA', 'ECG', 'IVUS'], procedureCodes: [], sources: [] },
    destinations: ['cardiology-pacs'],
    isDefault: false,
    enabled: true,
  },
  {
    name: 'Everything else',
    match: { departments: [], modalities: [], procedureCodes: [], sources: [] },
    destinations: ['radiology-pacs'],
    isDefault: true,
    enabled: true,
  },
];

const destinationNamesColumnSchema = z.array(z.string());

export function ruleFromRow(row: RoutingRuleRow): RoutingRule {
  return routingRuleSchema.parse({
    id: row.id,
    position: row.position,
    name: row.name,
    match: ruleMatchSchema.parse(JSON.parse(row.match)),
    destinations: destinationNamesColumnSchema.parse(JSON.parse(row.destinations)),
    isDefault: row.is_default === 1,
    enabled: row.enabled === 1,
  });
}

/** Every rule, in position order. */
export async function listRoutingRules(db: Executor): Promise<RoutingRule[]> {
  const rows = await db.selectFrom('routing_rules').selectAll().orderBy('position').orderBy('id').execute();
  return rows.map(ruleFromRow);
}

function isEmptyMatch(match: RoutingRuleDraft['match']): boolean {
  return (
    match.departments.length === 0 &&
    match.modalities.length === 0 &&
    match.procedureCodes.length === 0 &&
    match.sources.length === 0
  );
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) repeated.add(value);
    seen.add(value);
  }
  return [...repeated];
}

/**
 * What is wrong with a rule list, in words; empty when it may be stored. Pure: the caller passes
 * the destination names that exist.
 */
export function routingRulesProblems(
  drafts: readonly RoutingRuleDraft[],
  knownDestinations: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const defaults = drafts.filter((draft) => draft.isDefault);
  const last = drafts.at(-1);
  if (defaults.length !== 1) {
    problems.push(`there must be exactly one default rule (found ${defaults.length})`);
  } else if (last === undefined || !last.isDefault) {
    problems.push('the default rule must be the last rule');
  }
  for (const draft of defaults) {
    if (!isEmptyMatch(draft.match)) {
      problems.push(`${draft.name}: the default rule matches every study and cannot have conditions`);
    }
  }
  for (const name of duplicates(drafts.map((draft) => draft.name.toLowerCase()))) {
    problems.push(`two rules are named ${name}; names must differ`);
  }
  const ids = drafts.flatMap((draft) => (draft.id === undefined ? [] : [draft.id]));
  for (const id of duplicates(ids)) problems.push(`two rules have the id ${id}`);
  for (const draft of drafts) {
    const unknown = draft.destinations.filter((name) => !knownDestinations.has(name));
    if (unknown.length > 0) {
      problems.push(`${draft.name}: no destination is named ${unknown.join(', ')}`);
    }
    const repeated = duplicates(draft.destinations);
    if (repeated.length > 0) problems.push(`${draft.name}: destination ${repeated.join(', ')} is listed twice`);
  }
  return problems;
}

async function insertRules(db: Executor, drafts: readonly RoutingRuleDraft[], now: string): Promise<void> {
  if (drafts.length === 0) return;
  await db
    .insertInto('routing_rules')
    .values(
      drafts.map((draft, position) => ({
        id: draft.id ?? randomUUID(),
        position,
        name: draft.name,
        match: JSON.stringify(draft.match),
        destinations: JSON.stringify(draft.destinations),
        is_default: draft.isDefault ? 1 : 0,
        enabled: draft.enabled ? 1 : 0,
        updated_at: now,
      })),
    )
    .execute();
}

/**
 * Replaces the whole ordered list in one transaction, after checking it: exactly one default
 * rule, last; every destination named exists in `destinations`. Returns the stored list. Throws
 * `invalid_input` with every problem found, and leaves the stored rules as they were.
 */
export async function replaceRoutingRules(
  db: Kysely<Database>,
  drafts: readonly RoutingRuleDraft[],
): Promise<RoutingRule[]> {
  return db.transaction().execute(async (trx) => {
    const destinations = await trx.selectFrom('destinations').select('name').execute();
    const problems = routingRulesProblems(drafts, new Set(destinations.map((row) => row.name)));
    if (problems.length > 0) {
      throw new DomainError('invalid_input', `routing rules not saved: ${problems.join('; ')}`, { problems });
    }
    await trx.deleteFrom('routing_rules').execute();
    await insertRules(trx, drafts, new Date().toISOString());
    return listRoutingRules(trx);
  });
}

/**
 * Inserts the shipped defaults when there is no rule at all (first start); returns whether it
 * did. The destinations they name need not exist yet: an admin creates `cardiology-pacs` and
 * `radiology-pacs`, or edits the rules, before anything is archived.
 */
export async function seedDefaultRules(db: Kysely<Database>): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('routing_rules').select('id').limit(1).executeTakeFirst();
    if (existing !== undefined) return false;
    await insertRules(trx, DEFAULT_ROUTING_RULES, new Date().toISOString());
    return true;
  });
}

const modalitiesColumnSchema = z.array(z.string());

/**
 * What the rules look at for one study: its department and modalities, the matched order's
 * procedure code, and the source kind of the latest import that brought it ('dicom' when no
 * import did: it came by C-STORE).
 */
export async function routingFactsForStudy(db: Executor, studyId: string): Promise<RoutingFacts> {
  const study = await db
    .selectFrom('studies')
    .select(['study_instance_uid', 'department', 'modalities', 'matched_order_id'])
    .where('id', '=', studyId)
    .executeTakeFirst();
  if (study === undefined) throw new DomainError('not_found', `study ${studyId} does not exist`);
  const order =
    study.matched_order_id === null
      ? undefined
      : await db
          .selectFrom('hl7_orders')
          .select('procedure_code')
          .where('id', '=', study.matched_order_id)
          .executeTakeFirst();
  const latestImport = await db
    .selectFrom('import_studies')
    .innerJoin('import_sessions', 'import_sessions.id', 'import_studies.import_id')
    .select('import_sessions.source_kind')
    .where('import_studies.study_instance_uid', '=', study.study_instance_uid)
    .orderBy('import_sessions.created_at', 'desc')
    .orderBy('import_sessions.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return routingFactsSchema.parse({
    department: study.department,
    modalities: modalitiesColumnSchema.parse(JSON.parse(study.modalities)),
    procedureCode: order?.procedure_code ?? null,
    source: latestImport?.source_kind ?? DICOM_SOURCE,
  });
}
