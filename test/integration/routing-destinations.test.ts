// Routing destinations against real Orthancs (issue #6): a DICOM destination pushed into the
// staging Orthanc's modality list and C-ECHOed to a real PACS Orthanc; a closed port; the host
// check; and the admin API, mounted here on its own small app (app.ts registers it in production).
import { enqueueRouteJob } from '../../plugin-server/src/routing/route-jobs-store.ts';
import { insertStudy } from '../../plugin-server/src/routing/routing-fixtures.ts';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startOrthanc, type RunningOrthanc } from '@outside/orthanc-config';
import type { Destination } from '../../plugin-server/src/domain/routing.ts';
import { testDestinationConnection } from '../../plugin-server/src/routing/destination-echo.ts';
import {
  DestinationStore,
  removeDestination,
  syncModalities,
} from '../../plugin-server/src/routing/destinations-store.ts';
import type { SidecarServices } from '../../plugin-server/src/services.ts';
import { errorHandler } from '../../plugin-server/src/web/error-handler.ts';
import { registerRoutes } from '../../plugin-server/src/web/register-routes.ts';
import { authRoutes } from '../../plugin-server/src/web/routes/auth-routes.ts';
import { destinationRoutes } from '../../plugin-server/src/web/routes/destination-routes.ts';
import { ApiSession } from '../support/http-session.ts';
import { orthancRest } from '../support/orthanc-rest.ts';
import { startStack, type TestStack } from '../support/stack.ts';
import { createUser } from '../support/users.ts';

describe('routing destinations against real Orthancs', () => {
  let stack: TestStack;
  let pacs: RunningOrthanc;
  let services: SidecarServices;
  let store: DestinationStore;
  let api: Server;
  let apiUrl: string;

  beforeAll(async () => {
    [stack, pacs] = await Promise.all([
      startStack({ config: { routing: { allowLoopbackDestinations: true } } }),
      startOrthanc({ profile: 'pacs-radiology' }),
    ]);
    if (stack.sidecar.services === undefined) throw new Error('sidecar not started');
    services = stack.sidecar.services;
    store = new DestinationStore(services.db, { allowLoopbackDestinations: true });

    const app = express();
    app.use(express.json());
    registerRoutes(app, [...authRoutes(services), ...destinationRoutes(services)], {
      sessions: services.sessions,
      audit: services.audit,
      cookieName: services.config.session.cookieName,
    });
    app.use(errorHandler(services.log));
    api = await new Promise<Server>((resolve) => {
      const server = app.listen(0, '127.0.0.1', () => resolve(server));
    });
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (api === undefined ? resolve() : api.close(() => resolve())));
    await Promise.all([stack?.stop(), pacs?.stop()]);
  });

  async function stagingModalities(): Promise<Record<string, unknown>> {
    const answer = await orthancRest(stack.orthanc).call('GET', '/modalities?expand');
    expect(answer.status).toBe(200);
    return answer.json as Record<string, unknown>;
  }

  async function session(roles: Parameters<typeof createUser>[1]): Promise<ApiSession> {
    const { username, password } = await createUser(stack.sidecar, roles);
    const api = new ApiSession(apiUrl);
    expect((await api.login(username, password)).status).toBe(200);
    return api;
  }

  it('pushes a DICOM destination into Orthanc and C-ECHOes the PACS through it', async () => {
    const destination = await store.create({
      kind: 'dicom',
      name: 'radiology-pacs',
      aet: pacs.aet,
      host: '127.0.0.1',
      port: pacs.dicomPort,
    });
    const report = await syncModalities(services.orthanc, store);
    expect(report).toEqual({ pushed: ['radiology-pacs'], removed: [], failures: [] });
    expect((await stagingModalities())['radiology-pacs']).toMatchObject({
      AET: pacs.aet,
      Host: '127.0.0.1',
      Port: pacs.dicomPort,
    });

    const echo = await testDestinationConnection(services.orthanc, destination, { hostCheck: store.hostCheck });
    expect(echo).toMatchObject({ ok: true, message: `C-ECHO to ${pacs.aet}@127.0.0.1:${pacs.dicomPort} answered` });
    expect(echo.milliseconds).toBeGreaterThanOrEqual(0);
  });

  it('answers a failed C-ECHO with a clear message when nothing listens on the port', async () => {
    const port = await freePort();
    const destination = await store.create({ kind: 'dicom', name: 'closed', aet: 'NOBODY', host: '127.0.0.1', port });
    const echo = await testDestinationConnection(services.orthanc, destination, {
      hostCheck: store.hostCheck,
      timeoutSeconds: 2,
    });
    expect(echo.ok).toBe(false);
    expect(echo.message).toMatch(
      new RegExp(`^C-ECHO to NOBODY@127\\.0\\.0\\.1:${port} failed: .*DicomAssociation.*Connection refused`),
    );
    expect(echo.milliseconds).toBeLessThan(10_000);
  });

  it('refuses a loopback host when the configuration does not allow it', async () => {
    const strict = new DestinationStore(services.db, { allowLoopbackDestinations: false });
    for (const host of ['127.0.0.1', 'localhost', '::1']) {
      await expect(
        strict.create({ kind: 'dicom', name: 'local', aet: pacs.aet, host, port: pacs.dicomPort }),
      ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/allowLoopbackDestinations/) });
    }
    expect(await store.byName('local')).toBeUndefined();
  });

  it('removes the modality of a disabled or deleted destination and leaves hand-made modalities alone', async () => {
    const rest = orthancRest(stack.orthanc);
    const handMade = { AET: 'HANDMADE', Host: '10.1.2.3', Port: 104 };
    expect((await rest.call('PUT', '/modalities/hand-made', JSON.stringify(handMade))).status).toBe(200);
    const destination = await store.create({
      kind: 'dicom',
      name: 'short-lived',
      aet: 'SHORT',
      host: '127.0.0.1',
      port: pacs.dicomPort,
    });
    await syncModalities(services.orthanc, store);
    expect(Object.keys(await stagingModalities())).toContain('short-lived');

    await store.update(destination.id, {
      kind: 'dicom',
      aet: 'SHORT',
      host: '127.0.0.1',
      port: pacs.dicomPort,
      enabled: false,
    });
    const report = await syncModalities(services.orthanc, store);
    expect(report.removed).toEqual(['short-lived']);
    expect(report.failures).toEqual([]);
    expect(Object.keys(await stagingModalities())).not.toContain('short-lived');
    // Deleting the modality of a destination Orthanc no longer knows (404) is not an error.
    await removeDestination(services.orthanc, store, destination.id);
    expect(await store.byName('short-lived')).toBeUndefined();
    expect((await stagingModalities())['hand-made']).toMatchObject(handMade);
  });

  it('serves the admin API: write-only passwords, host check, C-ECHO, audited changes, 409 on busy deletes', async () => {
    const physician = await session(['physician']);
    expect((await physician.get('/api/destinations')).status).toBe(403);
    const admin = await session(['admin']);

    const created = await admin.post<{ destination: Destination; warnings: string[] }>('/api/destinations', {
      kind: 'dicom',
      name: 'api-pacs',
      aet: pacs.aet,
      host: '127.0.0.1',
      port: pacs.dicomPort,
      concurrency: 2,
    });
    expect(created.status).toBe(201);
    expect(created.body.warnings).toEqual([]);
    const id = created.body.destination.id;
    expect((await stagingModalities())['api-pacs']).toMatchObject({ AET: pacs.aet, Port: pacs.dicomPort });

    const echo = await admin.post<{ ok: boolean; message: string }>(`/api/destinations/${id}/test`, {});
    expect(echo.status).toBe(200);
    expect(echo.body.ok).toBe(true);

    const web = await admin.post<{ destination: Destination }>('/api/destinations', {
      kind: 'dicomweb',
      name: 'api-vna',
      url: `${pacs.httpUrl}/dicom-web/`,
      username: 'outside',
      password: 'never-shown',
    });
    expect(web.status).toBe(201);
    expect(web.body.destination).toMatchObject({ hasPassword: true, url: `${pacs.httpUrl}/dicom-web` });
    const webTest = await admin.post<{ ok: boolean; message: string }>(
      `/api/destinations/${web.body.destination.id}/test`,
      {},
    );
    // The DICOMweb service is reached, and says the stored credentials are wrong.
    expect(webTest.body.ok).toBe(false);
    expect(webTest.body.message).toMatch(/refused the credentials \(HTTP 401\)/);
    const peer = await admin.post<{ destination: Destination }>('/api/destinations', {
      kind: 'orthanc-peer',
      name: 'api-peer',
      url: pacs.httpUrl,
      username: pacs.credentials.username,
      password: pacs.credentials.password,
    });
    const peerTest = await admin.post<{ ok: boolean; message: string }>(
      `/api/destinations/${peer.body.destination.id}/test`,
      {},
    );
    expect(peerTest.body).toMatchObject({ ok: true, message: `Orthanc peer at ${pacs.httpUrl} answered` });

    const changed = await admin.request<{ destination: Destination }>('PUT', `/api/destinations/${id}`, {
      kind: 'dicom',
      aet: pacs.aet,
      host: '127.0.0.1',
      port: pacs.dicomPort,
      concurrency: 3,
      enabled: false,
    });
    expect(changed.status).toBe(200);
    expect(changed.body.destination).toMatchObject({ name: 'api-pacs', concurrency: 3, enabled: false });
    expect(Object.keys(await stagingModalities())).not.toContain('api-pacs');

    const refused = await admin.post<{ error: { code: string; message: string } }>('/api/destinations', {
      kind: 'dicom',
      name: 'metadata',
      aet: 'X',
      host: '169.254.169.254',
      port: 80,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/cloud metadata service is never a destination/);

    const list = await admin.get<{ destinations: Destination[] }>('/api/destinations');
    expect(list.body.destinations.map((destination) => destination.name)).toEqual(
      expect.arrayContaining(['api-pacs', 'api-vna']),
    );
    expect(JSON.stringify(list.body)).not.toContain('never-shown');

    // A study with an unfinished route job to the destination (disabled above, so no delivery
    // worker takes the job): the deletion is refused.
    await insertStudy(services.db, {
      id: 'study-routing-destinations',
      uid: '1.2.826.0.1.3680043.8.498.1',
      state: 'queued',
    });
    await enqueueRouteJob(services.db, 'study-routing-destinations', id, 'test');
    const busy = await admin.request<{ error: { code: string; message: string } }>('DELETE', `/api/destinations/${id}`);
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toMatch(/1 route job\(s\) to api-pacs are not finished/);

    const deleted = await admin.request('DELETE', `/api/destinations/${web.body.destination.id}`);
    expect(deleted.status).toBe(200);

    const events = await services.db
      .selectFrom('audit_events')
      .select(['event_id', 'event_name', 'object_id', 'details'])
      .where('event_name', '=', 'networkConfiguration')
      .orderBy('seq')
      .execute();
    expect(events.map((event) => JSON.parse(event.details).action)).toEqual([
      'destination created',
      'destination created',
      'destination created',
      'destination changed',
      'destination deleted',
    ]);
    expect(events.every((event) => event.event_id === '110113')).toBe(true);
    expect(events.some((event) => event.details.includes('never-shown'))).toBe(false);
    expect(events.some((event) => event.details.includes(pacs.credentials.password))).toBe(false);
  });
});
