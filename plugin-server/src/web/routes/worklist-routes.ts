import { z } from 'zod';
import { DomainError } from '../../domain/errors.ts';
import {
  bulkConfirmResultSchema,
  bulkConfirmSchema,
  reconcileActionSchema,
  reconciliationDetailSchema,
  worklistPageSchema,
  worklistQuerySchema,
} from '../../domain/reconciliation.ts';
import { applyReconcileAction } from '../../reconcile/worklist-actions.ts';
import { reconciliationDetail, worklistPage } from '../../reconcile/worklist-query.ts';
import type { SidecarServices } from '../../services.ts';
import { defineRoute, sessionOnly } from '../route-registry.ts';

// The radiology reconciliation worklist (DESIGN.md section 2: reconcile is radiology's).

const RADIOLOGY = sessionOnly(['radiology']);
const studyIdParams = z.object({ studyId: z.string().min(1).max(64) });

export function worklistRoutes(services: SidecarServices) {
  const { db, audit } = services;
  const deps = { db, config: services.config, audit, log: services.log };

  async function detailOf(studyId: string) {
    const row = await db.selectFrom('studies').selectAll().where('id', '=', studyId).executeTakeFirst();
    if (row === undefined) throw new DomainError('not_found', `study ${studyId} does not exist`);
    return reconciliationDetail(db, row);
  }

  return [
    defineRoute({
      method: 'get',
      path: '/api/worklist',
      summary: 'Studies that need a human to reconcile them, oldest first.',
      tag: 'reconciliation',
      access: RADIOLOGY,
      query: worklistQuerySchema,
      response: worklistPageSchema,
      async handler({ query, actor }) {
        const page = await worklistPage(db, query);
        await audit.record({
          type: 'query',
          actor,
          object: { type: 'worklist', id: 'reconciliation' },
          details: { filters: { ...query, after: undefined }, returned: page.items.length },
        });
        return page;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/reconciliation/:studyId',
      summary: 'What the media said, the proposed patient, candidate orders with evidence, and the tag diff.',
      tag: 'reconciliation',
      access: RADIOLOGY,
      params: studyIdParams,
      response: reconciliationDetailSchema,
      async handler({ params, actor }) {
        const detail = await detailOf(params.studyId);
        await audit.record({
          type: 'patientRecordRead',
          actor,
          object: { type: 'study', id: params.studyId },
          details: { view: 'reconciliation' },
        });
        return detail;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/reconciliation/:studyId',
      summary: 'Confirm a candidate, enter identifiers by hand, mark as reference only, or rematch.',
      tag: 'reconciliation',
      access: RADIOLOGY,
      params: studyIdParams,
      body: reconcileActionSchema,
      response: reconciliationDetailSchema,
      async handler({ params, body, actor }) {
        await applyReconcileAction(deps, params.studyId, body, actor);
        services.coercion.wake();
        return detailOf(params.studyId);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/worklist/bulk-confirm',
      summary: 'Confirm the best candidate of each study whose best score clears minScore.',
      tag: 'reconciliation',
      access: RADIOLOGY,
      body: bulkConfirmSchema,
      response: bulkConfirmResultSchema,
      async handler({ body, actor }) {
        const confirmed: string[] = [];
        const skipped: { studyId: string; why: string }[] = [];
        for (const studyId of body.studyIds) {
          try {
            const detail = await detailOf(studyId);
            const usable = detail.candidates.filter((c) => !c.conflicting);
            const [best, second] = usable;
            if (detail.reason === null) {
              skipped.push({ studyId, why: 'not on the worklist' });
            } else if (best === undefined || best.score < body.minScore) {
              skipped.push({ studyId, why: `no candidate scores ${body.minScore} or more` });
            } else if (second !== undefined && second.score === best.score) {
              skipped.push({ studyId, why: 'two candidates share the best score' });
            } else {
              await applyReconcileAction(deps, studyId, { action: 'confirm', orderId: best.orderId }, actor);
              confirmed.push(studyId);
            }
          } catch (error) {
            skipped.push({ studyId, why: error instanceof Error ? error.message : String(error) });
          }
        }
        services.coercion.wake();
        return { confirmed, skipped };
      },
    }),
  ];
}
