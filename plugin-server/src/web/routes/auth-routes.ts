import { z } from 'zod';
import { DUMMY_PASSWORD_HASH, verifyPassword } from '../../auth/passwords.ts';
import { userFromRow } from '../../auth/users.ts';
import { DomainError } from '../../domain/errors.ts';
import { roleSchema } from '../../domain/roles.ts';
import type { SidecarServices } from '../../services.ts';
import { defineRoute, sessionOnly } from '../route-registry.ts';
import { clearSessionCookie, readSessionToken, setSessionCookie } from '../session-cookie.ts';

const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(roleSchema),
});
const sessionSchema = z.object({ user: userSchema, csrfToken: z.string(), expiresAt: z.string() });

export function authRoutes(services: SidecarServices) {
  const { users, sessions, audit, loginThrottle, config } = services;
  return [
    defineRoute({
      method: 'post',
      path: '/api/auth/login',
      summary: 'Log in with a username and password; sets the session cookie.',
      tag: 'auth',
      access: { kind: 'public' },
      body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }),
      response: sessionSchema,
      async handler({ body, request, response, actor }) {
        const keys = { username: body.username, sourceIp: actor.sourceIp ?? '' };
        if (loginThrottle.isBlocked(keys)) {
          await audit.record({
            type: 'securityAlert',
            outcome: 'seriousFailure',
            actor: { ...actor, username: body.username },
            details: { reason: 'login throttled after repeated failures' },
          });
          throw new DomainError('too_many_requests', 'too many failed logins; wait 15 minutes');
        }
        const row = await users.findByUsername(body.username);
        // Verify against a dummy hash for unknown users so timing does not reveal which exist.
        const valid = await verifyPassword(body.password, row?.password_hash ?? DUMMY_PASSWORD_HASH);
        if (row === undefined || !valid || row.disabled !== 0) {
          loginThrottle.recordFailure(keys);
          await audit.record({
            type: 'userLogin',
            outcome: 'minorFailure',
            actor: { userId: row?.id ?? null, username: body.username, sourceIp: actor.sourceIp },
            details: {
              reason: row === undefined ? 'unknown user' : row.disabled !== 0 ? 'user disabled' : 'wrong password',
            },
          });
          throw new DomainError('unauthenticated', 'wrong username or password');
        }
        loginThrottle.recordSuccess(keys);
        const user = userFromRow(row);
        const created = await sessions.create(user.id, {
          sourceIp: actor.sourceIp ?? '',
          userAgent: request.get('user-agent') ?? '',
        });
        setSessionCookie(request, response, config.session, created.token);
        await audit.record({
          type: 'userLogin',
          actor: { userId: user.id, username: user.username, sourceIp: actor.sourceIp },
        });
        const resolved = await sessions.resolve(created.token);
        return { user, csrfToken: created.csrfToken, expiresAt: resolved?.expiresAt ?? '' };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/logout',
      summary: 'End the current session.',
      tag: 'auth',
      access: sessionOnly('any'),
      response: z.object({ ok: z.literal(true) }),
      async handler({ request, response, actor }) {
        const token = readSessionToken(request, config.session.cookieName);
        if (token !== undefined) await sessions.destroy(token);
        clearSessionCookie(request, response, config.session);
        await audit.record({ type: 'userLogout', actor, details: { reason: 'logout' } });
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/auth/session',
      summary: 'The current user, roles and CSRF token.',
      tag: 'auth',
      access: sessionOnly('any'),
      response: sessionSchema,
      async handler({ session }) {
        if (session === undefined) throw new DomainError('unauthenticated', 'log in first');
        const { user } = session;
        return {
          user: { id: user.id, username: user.username, displayName: user.displayName, roles: user.roles },
          csrfToken: session.csrfToken,
          expiresAt: session.expiresAt,
        };
      },
    }),
  ];
}
