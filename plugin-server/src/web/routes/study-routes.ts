import { z } from 'zod';
import { studyFromRow } from '../../changes/study-repository.ts';
import { DomainError } from '../../domain/errors.ts';
import { STUDY_READERS } from '../../domain/roles.ts';
import { studySchema } from '../../domain/study.ts';
import { studyStateSchema } from '../../domain/study-state.ts';
import type { SidecarServices } from '../../services.ts';
import { defineRoute, sessionOnly } from '../route-registry.ts';

const transitionSchema = z.object({
  fromState: studyStateSchema.nullable(),
  toState: studyStateSchema,
  actor: z.string(),
  reason: z.string(),
  occurredAt: z.string(),
});

export function studyRoutes(services: SidecarServices) {
  const { db, audit } = services;
  return [
    defineRoute({
      method: 'get',
      path: '/api/studies',
      summary: 'Outside studies, newest first.',
      tag: 'studies',
      access: sessionOnly(STUDY_READERS),
      query: z.object({
        state: studyStateSchema.optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
        before: z.string().optional().describe('Return studies first seen before this ISO time (paging).'),
      }),
      response: z.object({ studies: z.array(studySchema) }),
      async handler({ query, actor }) {
        let select = db
          .selectFrom('studies')
          .selectAll()
          .orderBy('first_seen_at', 'desc')
          .orderBy('id')
          .limit(query.limit);
        if (query.state !== undefined) select = select.where('state', '=', query.state);
        if (query.before !== undefined) select = select.where('first_seen_at', '<', query.before);
        const rows = await select.execute();
        await audit.record({
          type: 'query',
          actor,
          object: { type: 'study-list', id: 'studies' },
          details: { state: query.state ?? null, returned: rows.length, studyIds: rows.map((row) => row.id) },
        });
        return { studies: rows.map(studyFromRow) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/studies/:id',
      summary: 'One outside study with its state history.',
      tag: 'studies',
      access: sessionOnly(STUDY_READERS),
      params: z.object({ id: z.string().uuid() }),
      response: z.object({ study: studySchema, transitions: z.array(transitionSchema) }),
      async handler({ params, actor }) {
        const row = await db.selectFrom('studies').selectAll().where('id', '=', params.id).executeTakeFirst();
        if (row === undefined) throw new DomainError('not_found', `no study ${params.id}`);
        const transitions = await db
          .selectFrom('study_transitions')
          .selectAll()
          .where('study_id', '=', params.id)
          .orderBy('seq')
          .execute();
        await audit.record({ type: 'patientRecordRead', actor, object: { type: 'study', id: row.id } });
        return {
          study: studyFromRow(row),
          transitions: transitions.map((t) => ({
            fromState: t.from_state === null ? null : studyStateSchema.parse(t.from_state),
            toState: studyStateSchema.parse(t.to_state),
            actor: t.actor,
            reason: t.reason,
            occurredAt: t.occurred_at,
          })),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/studies/:id/thumbnail',
      summary: 'A PNG thumbnail of the study (the middle image of its first series), rendered by Orthanc.',
      tag: 'studies',
      access: sessionOnly(STUDY_READERS),
      params: z.object({ id: z.string().uuid() }),
      response: z.unknown(),
      async handler({ params, actor, response }) {
        const row = await db
          .selectFrom('studies')
          .select(['id', 'orthanc_id'])
          .where('id', '=', params.id)
          .executeTakeFirst();
        if (row?.orthanc_id === null || row === undefined)
          throw new DomainError('not_found', `no images for study ${params.id}`);
        const series = await services.orthanc.studySeries(row.orthanc_id);
        const instances = series[0]?.Instances ?? [];
        const instance = instances[Math.floor(instances.length / 2)];
        if (instance === undefined) throw new DomainError('not_found', `no images for study ${params.id}`);
        const png = await services.orthanc.instancePreview(instance);
        await audit.record({
          type: 'instancesAccessed',
          actor,
          object: { type: 'study', id: row.id },
          details: { purpose: 'thumbnail' },
        });
        response.status(200).type('image/png').set('cache-control', 'private, no-store').end(Buffer.from(png));
        return undefined;
      },
    }),
  ];
}
