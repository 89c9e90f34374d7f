import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ViewerPanel } from '../../plugin-server/src/domain/viewer-panel.ts';
import {
  insertDestinations,
  insertImport,
  insertOrder,
  insertStudy,
} from '../../plugin-server/src/routing/routing-fixtures.ts';
import { makeUid } from '../fixtures/synthetic-dicom.ts';
import { servicesOf, startStack, type TestStack } from '../support/stack.ts';
import { loggedIn } from '../support/users.ts';

// The panel's data and the physician's actions on a study, through the real HTTP API and database.

describe('study actions from the viewer panel', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  const db = () => servicesOf(stack).db;

  async function study(options: { state?: string; localMrn?: boolean; orderId?: number } = {}) {
    const id = randomUUID();
    const uid = makeUid();
    await insertStudy(db(), {
      id,
      uid,
      state: options.state ?? 'identified',
      modalities: ['CT'],
      ...(options.orderId === undefined ? {} : { matchedOrderId: options.orderId }),
    });
    if (options.localMrn === true) {
      await db()
        .updateTable('studies')
        .set({
          local_mrn: 'MRN1',
          local_mrn_issuer: 'LOCAL',
          local_patient_name: 'LOCAL^PATIENT^Q',
          local_patient_birth_date: '19700101',
          local_patient_sex: 'F',
        })
        .where('id', '=', id)
        .execute();
    }
    return { id, uid };
  }

  async function auditActions(studyId: string): Promise<string[]> {
    const rows = await db()
      .selectFrom('audit_events')
      .select('details')
      .where('event_name', '=', 'studyUpdated')
      .where('object_id', '=', studyId)
      .orderBy('seq')
      .execute();
    return rows.map((row) => (JSON.parse(row.details) as { action: string }).action);
  }

  it('shows provenance, identity, archive status and the actions this user may take', async () => {
    const orderId = await insertOrder(db(), 'CT1');
    const { id, uid } = await study({ state: 'matched', localMrn: true, orderId });
    await insertImport(db(), { id: randomUUID(), uid, sourceKind: 'zip', createdAt: '2025-01-02T00:00:00.000Z' });
    await db().updateTable('studies').set({ coercion_state: 'done' }).where('id', '=', id).execute();

    const physician = await loggedIn(stack.sidecar, ['physician']);
    const response = await physician.get<ViewerPanel>(`/api/viewer/studies/${uid}`);
    expect(response.status).toBe(200);
    const panel = response.body;
    expect(panel.study).toMatchObject({ id, studyInstanceUid: uid, state: 'matched', modalities: ['CT'], tags: [] });
    expect(panel.provenance).toMatchObject({
      originalPatientId: 'OUT1',
      originalPatientName: 'TEST^PATIENT',
      importSession: { importedBy: 'frontdesk', source: 'zip: CD' },
    });
    expect(panel.identity).toMatchObject({ localMrn: 'MRN1', order: { procedure: 'CT1' } });
    expect(panel.actions).toEqual(['reference', 'secondRead', 'archive', 'share', 'discard']);

    const audit = await db()
      .selectFrom('audit_events')
      .select(['event_name', 'object_id'])
      .where('event_name', '=', 'patientRecordRead')
      .where('object_id', '=', id)
      .execute();
    expect(audit).toHaveLength(1);

    const frontDesk = await loggedIn(stack.sidecar, ['frontdesk']);
    expect((await frontDesk.get(`/api/viewer/studies/${uid}`)).status).toBe(403);
    expect((await physician.get(`/api/viewer/studies/1.2.3.999`)).status).toBe(404);
  });

  it('does not offer archive before the study is reconciled and coerced', async () => {
    const { uid } = await study({ state: 'ready' });
    const physician = await loggedIn(stack.sidecar, ['physician']);
    const panel = (await physician.get<ViewerPanel>(`/api/viewer/studies/${uid}`)).body;
    expect(panel.actions).toEqual(['reference', 'secondRead', 'share', 'discard']);
  });

  it('keeps a study as reference once, and the tag can be removed', async () => {
    const { id, uid } = await study();
    const physician = await loggedIn(stack.sidecar, ['physician']);
    expect((await physician.post(`/api/studies/${id}/reference`, { note: 'prior for comparison' })).status).toBe(200);
    expect((await physician.post(`/api/studies/${id}/reference`, {})).status).toBe(409);
    const panel = (await physician.get<ViewerPanel>(`/api/viewer/studies/${uid}`)).body;
    expect(panel.study.tags).toMatchObject([{ tag: 'reference', note: 'prior for comparison' }]);
    expect(panel.actions).not.toContain('reference');
    expect((await physician.request('DELETE', `/api/studies/${id}/tags/reference`)).status).toBe(200);
    expect((await physician.request('DELETE', `/api/studies/${id}/tags/reference`)).status).toBe(404);
    expect(await auditActions(id)).toEqual(['tagged', 'untagged']);
  });

  it('requests a second read: asks the EMR for an order only when the study has none', async () => {
    const physician = await loggedIn(stack.sidecar, ['physician']);

    const identified = await study({ localMrn: true });
    const requested = await physician.post(`/api/studies/${identified.id}/second-read`, { reason: 'surgery planning' });
    expect(requested.status).toBe(200);
    expect(requested.body).toMatchObject({ tagged: true, noOrderRequestBecause: null });
    const placer = (requested.body as { orderRequest: { placerOrderNumber: string } }).orderRequest.placerOrderNumber;
    const outbox = await db()
      .selectFrom('hl7_outbox')
      .selectAll()
      .where('placer_order_number', '=', placer)
      .executeTakeFirstOrThrow();
    expect(outbox.study_instance_uid).toBe(identified.uid);
    const message = outbox.payload.toString('latin1');
    expect(message).toMatch(/^MSH\|/);
    expect(message).toContain('|MRN1^^^LOCAL');
    expect(message).toContain('LOCAL^PATIENT^Q');
    expect(message).toContain('OUTSIDE-READ^Second read of outside imaging^L');
    expect((await physician.post(`/api/studies/${identified.id}/second-read`, { reason: 'again' })).status).toBe(409);

    const ordered = await study({ localMrn: true, orderId: await insertOrder(db(), 'CT1') });
    const covered = await physician.post(`/api/studies/${ordered.id}/second-read`, { reason: 'x' });
    expect(covered.body).toMatchObject({ tagged: true, orderRequest: null });
    expect((covered.body as { noOrderRequestBecause: string }).noOrderRequestBecause).toMatch(/already has order/);

    const unknown = await study({ state: 'ready' });
    const waiting = await physician.post(`/api/studies/${unknown.id}/second-read`, { reason: 'x' });
    expect((waiting.body as { noOrderRequestBecause: string }).noOrderRequestBecause).toMatch(/no local patient/);

    expect((await physician.post(`/api/studies/${unknown.id}/second-read`, {})).status).toBe(400);
  });

  it('discards a queued study (its deliveries are cancelled) and restores it as matched', async () => {
    await insertDestinations(db(), ['pacs-discard']);
    const { id, uid } = await study({ state: 'queued' });
    await db()
      .insertInto('route_jobs')
      .values({
        study_id: id,
        destination_id: 'id-pacs-discard',
        // Waiting for its next attempt (not due in this test): the route worker leaves it alone.
        state: 'retry_wait',
        attempts: 1,
        next_attempt_at: '2099-01-01T00:00:00.000Z',
        last_error: null,
        instances_sent: 0,
        instances_verified: 0,
        requested_by: 'test',
        created_at: '2025-01-01T00:00:00.000Z',
        updated_at: '2025-01-01T00:00:00.000Z',
      })
      .execute();
    const physician = await loggedIn(stack.sidecar, ['physician']);
    expect((await physician.post(`/api/studies/${id}/discard`, {})).status).toBe(400);
    const discarded = await physician.post(`/api/studies/${id}/discard`, { reason: 'duplicate CD' });
    expect(discarded.body).toEqual({ state: 'discarded' });
    const job = await db()
      .selectFrom('route_jobs')
      .select('state')
      .where('study_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(job.state).toBe('cancelled');
    const panel = (await physician.get<ViewerPanel>(`/api/viewer/studies/${uid}`)).body;
    expect(panel.actions).toEqual([]);
    expect(panel.archive.deliveries).toMatchObject([{ destination: 'pacs-discard', state: 'cancelled' }]);
    expect((await physician.post(`/api/studies/${id}/discard`, { reason: 'again' })).status).toBe(409);

    const restored = await physician.post(`/api/studies/${id}/restore`, { reason: 'discarded by mistake' });
    expect(restored.body).toEqual({ state: 'matched' });
    const transitions = await db()
      .selectFrom('study_transitions')
      .select(['from_state', 'to_state', 'reason'])
      .where('study_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(transitions).toEqual([
      { from_state: 'queued', to_state: 'discarded', reason: 'duplicate CD' },
      { from_state: 'discarded', to_state: 'matched', reason: 'discarded by mistake' },
    ]);
    expect(await auditActions(id)).toEqual(['discarded', 'restored']);
  });
});
