import { z } from 'zod';
import { STUDY_VIEWERS } from '../../domain/roles.ts';
import { studyStateSchema } from '../../domain/study-state.ts';
import { secondReadResultSchema, studyTagSchema, viewerPanelSchema } from '../../domain/viewer-panel.ts';
import type { SidecarServices } from '../../services.ts';
import { discardStudy, restoreStudy } from '../../study-actions/discard-study.ts';
import { requestSecondRead } from '../../study-actions/request-second-read.ts';
import { tagStudy, untagStudy } from '../../study-actions/study-tags.ts';
import { loadViewerPanel } from '../../study-actions/viewer-panel.ts';
import { DomainError } from '../../domain/errors.ts';
import { defineRoute, sessionOnly } from '../route-registry.ts';

// What a physician does with an outside study from the viewer (issue #7): the panel's data, and the
// Reference / Request second read / Discard actions (Archive is a routing route).

const studyIdParams = z.object({ id: z.string().uuid() });
const reasonBody = z.object({ reason: z.string().trim().min(1, 'say why').max(500) });
const VIEWERS = sessionOnly(STUDY_VIEWERS);
/** Discard and restore: a reason in, the study's new state out. */
const STATE_CHANGE = {
  method: 'post',
  tag: 'studies',
  access: VIEWERS,
  params: studyIdParams,
  body: reasonBody,
  response: z.object({ state: studyStateSchema }),
} as const;

export function studyActionRoutes(services: SidecarServices) {
  const { db, audit } = services;

  async function studyExists(id: string): Promise<void> {
    const row = await db.selectFrom('studies').select('id').where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new DomainError('not_found', `study ${id} does not exist`);
  }

  return [
    defineRoute({
      method: 'get',
      path: '/api/viewer/studies/:studyInstanceUid',
      summary: "The viewer panel of an outside study: provenance, identity, archive status and this user's actions.",
      tag: 'viewer',
      access: VIEWERS,
      params: z.object({ studyInstanceUid: z.string().regex(/^[0-9.]{1,64}$/, 'a DICOM UID') }),
      response: viewerPanelSchema,
      async handler({ params, session, actor }) {
        const panel = await loadViewerPanel(
          { db, config: services.config },
          params.studyInstanceUid,
          session?.user.roles ?? [],
        );
        await audit.record({
          type: 'patientRecordRead',
          actor,
          object: { type: 'study', id: panel.study.id },
          details: { via: 'viewer panel' },
        });
        return panel;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/studies/:id/reference',
      summary: 'Keep the study as a reference (tag `reference`).',
      tag: 'studies',
      access: VIEWERS,
      params: studyIdParams,
      body: z.object({ note: z.string().trim().max(500).default('') }),
      response: z.object({ tagged: z.literal(true) }),
      async handler({ params, body, actor }) {
        await studyExists(params.id);
        if (!(await tagStudy(db, params.id, 'reference', actor.username ?? 'unknown', body.note))) {
          throw new DomainError('conflict', `study ${params.id} is already kept as a reference`);
        }
        await audit.record({
          type: 'studyUpdated',
          actor,
          object: { type: 'study', id: params.id },
          details: { action: 'tagged', tag: 'reference' },
        });
        return { tagged: true as const };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/studies/:id/tags/:tag',
      summary: 'Remove a tag from a study.',
      tag: 'studies',
      access: VIEWERS,
      params: studyIdParams.extend({ tag: studyTagSchema }),
      response: z.object({ removed: z.literal(true) }),
      async handler({ params, actor }) {
        if (!(await untagStudy(db, params.id, params.tag))) {
          throw new DomainError('not_found', `study ${params.id} has no tag ${params.tag}`);
        }
        await audit.record({
          type: 'studyUpdated',
          actor,
          object: { type: 'study', id: params.id },
          details: { action: 'untagged', tag: params.tag },
        });
        return { removed: true as const };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/studies/:id/second-read',
      summary: 'Request a second read: tags the study and, when no local order covers it, asks the EMR for one.',
      tag: 'studies',
      access: VIEWERS,
      params: studyIdParams,
      body: reasonBody,
      response: secondReadResultSchema,
      async handler({ params, body, actor, session }) {
        return requestSecondRead(
          { db, audit, config: services.config, hl7: services.hl7 },
          params.id,
          actor,
          { displayName: session?.user.displayName ?? '' },
          body.reason,
        );
      },
    }),
    defineRoute({
      ...STATE_CHANGE,
      path: '/api/studies/:id/discard',
      summary: 'Discard the study: off the worklist and the archive queue, kept in staging until purged.',
      async handler({ params, body, actor }) {
        return { state: await discardStudy({ db, audit }, params.id, actor, body.reason) };
      },
    }),
    defineRoute({
      ...STATE_CHANGE,
      path: '/api/studies/:id/restore',
      summary: 'Undo a discard.',
      async handler({ params, body, actor }) {
        const state = await restoreStudy({ db, audit }, params.id, actor, body.reason);
        services.reconciler.wake();
        return { state };
      },
    }),
  ];
}
