import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../plugin-server/src/domain/roles.ts';
import { ApiSession } from '../support/http-session.ts';
import { startStack, type TestStack } from '../support/stack.ts';
import { createUser, loggedIn } from '../support/users.ts';

const SOME_UUID = '00000000-0000-4000-8000-000000000000';

function concretePath(path: string): string {
  return path.replace(/:[A-Za-z]+/g, SOME_UUID);
}

describe('authentication, roles and CSRF on every route', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('answers 401 on every session route without a session', async () => {
    const protectedRoutes = stack.sidecar.routes.filter((route) => route.access.kind === 'session');
    expect(protectedRoutes.length).toBeGreaterThanOrEqual(8);
    const anonymous = new ApiSession(stack.sidecar.url);
    for (const route of protectedRoutes) {
      const response = await anonymous.request(
        route.method.toUpperCase(),
        concretePath(route.path),
        route.method === 'get' ? undefined : {},
      );
      expect(response.status, `${route.method} ${route.path}`).toBe(401);
      expect((response.body as { error: { code: string } }).error.code).toBe('unauthenticated');
    }
  });

  it('has no public /api route but login and the share-link exchange (a token stands in for the login)', () => {
    const publicApi = stack.sidecar.routes.filter(
      (route) => route.access.kind === 'public' && route.path.startsWith('/api/'),
    );
    expect(publicApi.map((route) => route.path).sort()).toEqual(['/api/auth/login', '/api/share/open']);
  });

  it('answers 403 on every route to a user without one of its roles', async () => {
    const sessions = new Map<Role, ApiSession>();
    for (const role of ROLES) sessions.set(role, await loggedIn(stack.sidecar, [role]));
    let checked = 0;
    for (const route of stack.sidecar.routes) {
      if (route.access.kind !== 'session' || route.access.roles === 'any') continue;
      const allowed = route.access.roles;
      for (const role of ROLES.filter((r) => !allowed.includes(r))) {
        const session = sessions.get(role);
        const response = await session?.request(
          route.method.toUpperCase(),
          concretePath(route.path),
          route.method === 'get' ? undefined : {},
        );
        expect(response?.status, `${role} on ${route.method} ${route.path}`).toBe(403);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('refuses a cookie-authenticated write without the CSRF token', async () => {
    const admin = await loggedIn(stack.sidecar, ['admin']);
    const body = {
      username: 'csrf-victim',
      displayName: 'x',
      password: 'a-long-enough-password',
      roles: ['physician'],
    };
    const refused = await admin.request('POST', '/api/users', body, { csrf: false });
    expect(refused.status).toBe(403);
    expect((refused.body as { error: { code: string } }).error.code).toBe('csrf_failed');
    const accepted = await admin.request('POST', '/api/users', body);
    expect(accepted.status).toBe(201);
  });

  it('audits a login with a bad password, and a good one', async () => {
    const { username, password } = await createUser(stack.sidecar, ['physician']);
    const session = new ApiSession(stack.sidecar.url);
    const bad = await session.login(username, 'not-the-password');
    expect(bad.status).toBe(401);
    const good = await session.login(username, password);
    expect(good.status).toBe(200);
    const events = await stack.sidecar.services?.db
      .selectFrom('audit_events')
      .select(['event_id', 'outcome', 'username', 'details'])
      .where('username', '=', username)
      .where('event_name', '=', 'userLogin')
      .orderBy('seq')
      .execute();
    expect(events).toEqual([
      { event_id: '110114', outcome: 4, username, details: JSON.stringify({ reason: 'wrong password' }) },
      { event_id: '110114', outcome: 0, username, details: '{}' },
    ]);
  });

  it('throttles repeated failed logins and raises a security alert', async () => {
    const { username, password } = await createUser(stack.sidecar, ['radiology']);
    const session = new ApiSession(stack.sidecar.url);
    for (let attempt = 0; attempt < 5; attempt++)
      expect((await session.login(username, 'wrong-password')).status).toBe(401);
    // Even the right password is refused while throttled.
    expect((await session.login(username, password)).status).toBe(429);
    const alerts = await stack.sidecar.services?.db
      .selectFrom('audit_events')
      .select('event_id')
      .where('username', '=', username)
      .where('event_name', '=', 'securityAlert')
      .execute();
    expect(alerts).toEqual([{ event_id: '110113' }]);
  });

  it('sets an httpOnly SameSite=Strict cookie, and logout ends the session', async () => {
    const { username, password } = await createUser(stack.sidecar, ['physician']);
    const session = new ApiSession(stack.sidecar.url);
    const login = await session.login(username, password);
    const cookie = login.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect((await session.get('/api/auth/session')).status).toBe(200);
    const kept = new ApiSession(stack.sidecar.url);
    Object.assign(kept, { cookie: cookie.split(';')[0] });
    expect((await session.request('POST', '/api/auth/logout')).status).toBe(200);
    // The old cookie value no longer works, even if a client kept it.
    expect((await kept.get('/api/auth/session')).status).toBe(401);
  });

  it('does not reveal the password hash and stores no usable session token', async () => {
    const admin = await loggedIn(stack.sidecar, ['admin']);
    const users = await admin.get('/api/users');
    expect(JSON.stringify(users.body)).not.toMatch(/scrypt|password/i);
    const rows = await stack.sidecar.services?.db.selectFrom('sessions').select('id_hash').execute();
    expect(rows?.every((row) => /^[0-9a-f]{64}$/.test(row.id_hash))).toBe(true);
  });

  it('serves security headers and an OpenAPI document listing every route', async () => {
    const response = await fetch(`${stack.sidecar.url}/openapi.json`);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const document = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
    for (const route of stack.sidecar.routes) {
      const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
      expect(document.paths[path]?.[route.method], `${route.method} ${route.path}`).toBeDefined();
    }
  });

  it('reports readiness only when Orthanc answers', async () => {
    const ready = await fetch(`${stack.sidecar.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { orthancVersion: string }).orthancVersion).toMatch(/^1\./);
  });
});
