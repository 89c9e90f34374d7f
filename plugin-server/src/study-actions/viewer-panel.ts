import type { Kysely } from 'kysely';
import { studyFromRow } from '../changes/study-repository.ts';
import type { Config } from '../config/config-schema.ts';
import type { Database, StudyRow } from '../db/schema.ts';
import { DomainError } from '../domain/errors.ts';
import type { Role } from '../domain/roles.ts';
import { routeJobStateSchema } from '../domain/routing.ts';
import { studyStateSchema } from '../domain/study-state.ts';
import type { ViewerPanel } from '../domain/viewer-panel.ts';
import { matchResultSchema } from '../matching/match-types.ts';
import { chooseDestinations } from '../routing/choose-destinations.ts';
import { listRoutingRules, routingFactsForStudy } from '../routing/rules-store.ts';
import { panelActions } from './panel-actions.ts';
import { tagsOfStudy } from './study-tags.ts';

// Everything the viewer's "Outside study" panel shows about one study, in one call.

async function latestImport(db: Kysely<Database>, studyInstanceUid: string) {
  const row = await db
    .selectFrom('import_studies')
    .innerJoin('import_sessions', 'import_sessions.id', 'import_studies.import_id')
    .select([
      'import_sessions.id',
      'import_sessions.created_by_username',
      'import_sessions.created_at',
      'import_sessions.source_kind',
      'import_sessions.source_label',
    ])
    .where('import_studies.study_instance_uid', '=', studyInstanceUid)
    .orderBy('import_sessions.created_at', 'desc')
    .executeTakeFirst();
  if (row === undefined) return null;
  return {
    id: row.id,
    importedBy: row.created_by_username,
    importedAt: row.created_at,
    source: `${row.source_kind}: ${row.source_label}`,
  };
}

async function matchedOrder(db: Kysely<Database>, study: StudyRow) {
  if (study.matched_order_id === null) return null;
  const order = await db
    .selectFrom('hl7_orders')
    .select(['placer_order_number', 'filler_order_number', 'procedure_code', 'procedure_text'])
    .where('id', '=', study.matched_order_id)
    .executeTakeFirst();
  if (order === undefined) return null;
  return {
    placerOrderNumber: order.placer_order_number ?? '',
    fillerOrderNumber: order.filler_order_number ?? '',
    procedure: [order.procedure_code, order.procedure_text].filter((part) => part !== null && part !== '').join(' '),
  };
}

/** The points the matcher gave the order the study is matched to. */
function matchScore(study: StudyRow): number | null {
  if (study.match_result === null || study.matched_order_id === null) return null;
  const parsed = matchResultSchema.safeParse(JSON.parse(study.match_result));
  if (!parsed.success) return null;
  const candidate = parsed.data.candidates.find((c) => c.orderId === String(study.matched_order_id));
  return candidate?.score ?? null;
}

async function deliveries(db: Kysely<Database>, studyId: string) {
  const rows = await db
    .selectFrom('route_jobs')
    .innerJoin('destinations', 'destinations.id', 'route_jobs.destination_id')
    .select([
      'destinations.name',
      'route_jobs.state',
      'route_jobs.attempts',
      'route_jobs.last_error',
      'route_jobs.updated_at',
    ])
    .where('route_jobs.study_id', '=', studyId)
    .orderBy('route_jobs.id')
    .execute();
  return rows.map((row) => ({
    destination: row.name,
    state: routeJobStateSchema.parse(row.state),
    attempts: row.attempts,
    lastError: row.last_error,
    updatedAt: row.updated_at,
  }));
}

export async function loadViewerPanel(
  deps: { db: Kysely<Database>; config: Config },
  studyInstanceUid: string,
  roles: readonly Role[],
): Promise<ViewerPanel> {
  const { db } = deps;
  const study = await db
    .selectFrom('studies')
    .selectAll()
    .where('study_instance_uid', '=', studyInstanceUid)
    .executeTakeFirst();
  if (study === undefined) throw new DomainError('not_found', 'this study is not an outside study known here');
  const state = studyStateSchema.parse(study.state);
  const tags = await tagsOfStudy(db, study.id);
  const decision = chooseDestinations(await routingFactsForStudy(db, study.id), await listRoutingRules(db));
  return {
    study: {
      id: study.id,
      studyInstanceUid: study.study_instance_uid,
      state,
      studyDate: study.study_date,
      studyDescription: study.study_description,
      modalities: studyFromRow(study).modalities,
      seriesCount: study.series_count,
      instanceCount: study.instance_count,
      tags,
    },
    provenance: {
      sourceInstitution: study.institution_name,
      originalPatientId: study.original_patient_id,
      originalIssuerOfPatientId: study.original_issuer_of_patient_id,
      originalPatientName: study.original_patient_name,
      originalPatientBirthDate: study.original_patient_birth_date,
      originalAccessionNumber: study.original_accession_number,
      importSession: await latestImport(db, study.study_instance_uid),
    },
    identity: {
      localMrn: study.local_mrn,
      localPatientName: study.local_patient_name,
      localAccessionNumber: study.local_accession_number,
      order: await matchedOrder(db, study),
      matchScore: matchScore(study),
      autoMatchThreshold: deps.config.matching.autoMatchThreshold,
      resolution: study.resolution,
      reviewReason: study.review_reason,
      coercionState: study.coercion_state,
    },
    archive: { deliveries: await deliveries(db, study.id), proposedDestinations: decision.destinations },
    actions: panelActions(roles, {
      state,
      tags: tags.map((t) => t.tag),
      coerced: study.coercion_state === 'done',
    }),
  };
}
