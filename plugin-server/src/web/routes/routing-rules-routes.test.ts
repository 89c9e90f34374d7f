import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../audit/audit-log.ts';
import { SessionStore } from '../../auth/sessions.ts';
import { UserStore } from '../../auth/users.ts';
import { migrateToLatest, openSqlite, type OpenDatabase } from '../../db/database.ts';
import type { Role } from '../../domain/roles.ts';
import { createLogger } from '../../logger.ts';
import { insertDestinations, insertStudy } from '../../routing/routing-fixtures.ts';
import { seedDefaultRules } from '../../routing/rules-store.ts';
import { errorHandler } from '../error-handler.ts';
import { registerRoutes } from '../register-routes.ts';
import { routingRulesRoutes } from './routing-rules-routes.ts';

// The routes mounted the way app.ts mounts every route (session, role, CSRF, schemas), on an
// in-memory database.

const COOKIE = 'outside_session';

describe('routing rules routes', () => {
  let database: OpenDatabase;
  let server: Server;
  let baseUrl: string;
  let audit: AuditLog;
  const sessions: Record<string, { token: string; csrfToken: string }> = {};

  beforeEach(async () => {
    database = openSqlite(':memory:');
    await migrateToLatest(database);
    const { db } = database;
    audit = new AuditLog(db);
    const sessionStore = new SessionStore(db, { idleTimeoutMs: 60_000, absoluteTimeoutMs: 3_600_000 });
    const users = new UserStore(db);
    const roles: Role[] = ['admin', 'radiology', 'physician', 'frontdesk'];
    for (const role of roles) {
      const user = await users.create({
        username: `${role}user`,
        displayName: role,
        password: 'correct horse battery',
        roles: [role],
      });
      sessions[role] = await sessionStore.create(user.id, { sourceIp: '127.0.0.1', userAgent: 'test' });
    }
    await seedDefaultRules(db);
    await insertDestinations(db, ['cardiology-pacs', 'radiology-pacs', 'vna']);
    await insertStudy(db, { id: 'echo-study', uid: '1.2.3', department: 'radiology', modalities: ['US', 'SR'] });

    const app = express();
    app.use(express.json());
    registerRoutes(app, routingRulesRoutes({ db, audit }), { sessions: sessionStore, audit, cookieName: COOKIE });
    app.use(errorHandler(createLogger('silent')));
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await database.close();
  });

  async function call(role: Role, method: string, path: string, body?: unknown) {
    const session = sessions[role];
    if (session === undefined) throw new Error(`no session for ${role}`);
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        cookie: `${COOKIE}=${session.token}`,
        'x-csrf-token': session.csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  it('lists the rules for admin and radiology only', async () => {
    const listed = await call('radiology', 'GET', '/api/routing/rules');
    expect(listed.status).toBe(200);
    expect(listed.json.rules).toMatchObject([
      { position: 0, name: 'Cardiology' },
      { position: 1, name: 'Cardiac modalities' },
      { position: 2, name: 'Everything else', isDefault: true },
    ]);
    expect((await call('admin', 'GET', '/api/routing/rules')).status).toBe(200);
    expect((await call('physician', 'GET', '/api/routing/rules')).status).toBe(403);
    expect((await call('frontdesk', 'GET', '/api/routing/rules')).status).toBe(403);
  });

  it('lets an admin replace the list, and audits the change', async () => {
    const rules = [
      { name: 'Echo', match: { modalities: ['US'] }, destinations: ['cardiology-pacs', 'vna'] },
      { name: 'Everything else', match: {}, destinations: ['radiology-pacs'], isDefault: true },
    ];
    expect((await call('radiology', 'PUT', '/api/routing/rules', { rules })).status).toBe(403);
    const replaced = await call('admin', 'PUT', '/api/routing/rules', { rules });
    expect(replaced.status).toBe(200);
    expect(replaced.json.rules).toMatchObject([
      { position: 0, name: 'Echo', destinations: ['cardiology-pacs', 'vna'], enabled: true, isDefault: false },
      { position: 1, name: 'Everything else', isDefault: true },
    ]);
    const [event] = await audit.list({ limit: 1, objectType: 'routingRules' });
    expect(event?.event_name).toBe('networkConfiguration');
    expect(event?.username).toBe('adminuser');
    expect(JSON.parse(event?.details ?? '{}')).toMatchObject({
      action: 'routing rules replaced',
      before: [{ name: 'Cardiology' }, { name: 'Cardiac modalities' }, { name: 'Everything else' }],
      after: [{ name: 'Echo' }, { name: 'Everything else' }],
    });
  });

  it('refuses a list without a default rule or with an unknown destination, saying why', async () => {
    const refused = await call('admin', 'PUT', '/api/routing/rules', {
      rules: [{ name: 'Echo', match: { modalities: ['US'] }, destinations: ['echo-pacs'] }],
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({
      code: 'invalid_input',
      details: {
        problems: ['there must be exactly one default rule (found 0)', 'Echo: no destination is named echo-pacs'],
      },
    });
    expect((await call('admin', 'PUT', '/api/routing/rules', { rules: [] })).status).toBe(400);
  });

  it('previews where a study would go and why', async () => {
    for (const role of ['radiology', 'physician', 'admin'] as const) {
      const preview = await call(role, 'GET', '/api/studies/echo-study/routing-preview');
      expect(preview.status).toBe(200);
      expect(preview.json).toMatchObject({
        facts: { department: 'radiology', modalities: ['US', 'SR'], procedureCode: null, source: 'dicom' },
        decision: {
          ruleName: 'Cardiac modalities',
          destinations: ['cardiology-pacs'],
          explanation: [
            'Cardiology: no match, department radiology is not cardiology',
            'Cardiac modalities: matches, modality US present',
          ],
        },
      });
    }
    expect((await call('frontdesk', 'GET', '/api/studies/echo-study/routing-preview')).status).toBe(403);
    expect((await call('radiology', 'GET', '/api/studies/no-such-study/routing-preview')).status).toBe(404);
  });
});
