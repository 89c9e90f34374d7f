import type { Kysely } from 'kysely';
import type { AuditActor, AuditLog } from '../audit/audit-log.ts';
import { recordTransition } from '../changes/study-repository.ts';
import type { Database } from '../db/schema.ts';
import { DomainError } from '../domain/errors.ts';
import type { RoutingDecision } from '../domain/routing.ts';
import { chooseDestinations } from './choose-destinations.ts';
import { enqueueRouteJob } from './route-jobs-store.ts';
import { listRoutingRules, routingFactsForStudy } from './rules-store.ts';

// A study tagged for archive (DESIGN.md sections 3 and 7): the rules choose its destinations,
// one route job per destination is queued, and the study becomes `queued`.

export interface ArchiveResult {
  decision: RoutingDecision;
  jobIds: number[];
}

export async function queueStudyForArchive(
  deps: { db: Kysely<Database>; audit: AuditLog },
  studyId: string,
  actor: AuditActor,
): Promise<ArchiveResult> {
  const { db } = deps;
  const study = await db.selectFrom('studies').selectAll().where('id', '=', studyId).executeTakeFirst();
  if (study === undefined) throw new DomainError('not_found', `study ${studyId} does not exist`);
  if (study.state !== 'matched' && study.state !== 'queued') {
    throw new DomainError(
      'conflict',
      `study ${studyId} is ${study.state}: only a reconciled (matched) study goes to the permanent archive`,
    );
  }
  if (study.coercion_state !== 'done') {
    throw new DomainError('conflict', `study ${studyId} is still being given its local identifiers; try again shortly`);
  }
  const decision = chooseDestinations(await routingFactsForStudy(db, studyId), await listRoutingRules(db));
  if (decision.destinations.length === 0) {
    throw new DomainError(
      'conflict',
      `no routing rule sends study ${studyId} anywhere: ${decision.explanation.join('; ')}`,
    );
  }
  const destinations = await db
    .selectFrom('destinations')
    .select(['id', 'name', 'enabled'])
    .where('name', 'in', decision.destinations)
    .execute();
  const missing = decision.destinations.filter((name) => !destinations.some((d) => d.name === name && d.enabled === 1));
  if (missing.length > 0) {
    throw new DomainError('conflict', `destination ${missing.join(', ')} is not configured or is disabled`);
  }
  const who = actor.username ?? 'unknown';
  const jobIds = await db.transaction().execute(async (trx) => {
    const ids: number[] = [];
    for (const destination of destinations) {
      const id = await enqueueRouteJob(trx, studyId, destination.id, who);
      if (id !== undefined) ids.push(id);
    }
    if (study.state === 'matched') {
      await trx
        .updateTable('studies')
        .set({ state: 'queued', updated_at: new Date().toISOString() })
        .where('id', '=', studyId)
        .execute();
      await recordTransition(trx, studyId, 'matched', 'queued', who, `archive to ${decision.destinations.join(', ')}`);
    }
    return ids;
  });
  await deps.audit.record({
    type: 'studyExported',
    actor,
    object: { type: 'study', id: studyId },
    details: { step: 'queued', rule: decision.ruleName, destinations: decision.destinations, jobIds },
  });
  return { decision, jobIds };
}
