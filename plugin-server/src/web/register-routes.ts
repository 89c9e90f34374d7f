import { timingSafeEqual } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import type { AuditLog } from '../audit/audit-log.ts';
import type { SessionStore } from '../auth/sessions.ts';
import { DomainError } from '../domain/errors.ts';
import type { RouteDefinition } from './route-registry.ts';
import { readSessionToken } from './session-cookie.ts';

export interface RouteDependencies {
  sessions: SessionStore;
  audit: AuditLog;
  cookieName: string;
}

const SAFE_METHODS = new Set(['get', 'head', 'options']);

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function parse<T>(
  schema:
    | {
        safeParse(
          value: unknown,
        ):
          | { success: true; data: T }
          | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
      }
    | undefined,
  value: unknown,
  where: string,
): T {
  if (schema === undefined) return undefined as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${[where, ...issue.path.map(String)].join('.')}: ${issue.message}`,
  );
  throw new DomainError('invalid_input', problems.join('; '));
}

/**
 * Mounts every route with the same checks, in this order: session (401), role (403), CSRF token on
 * writes (403), input validation (400). No route can forget one of them.
 */
export function registerRoutes(app: Express, routes: readonly RouteDefinition[], deps: RouteDependencies): void {
  for (const route of routes) {
    app[route.method](route.path, async (request: Request, response: Response, next: NextFunction) => {
      try {
        const sourceIp = request.ip ?? null;
        let session;
        if (route.access.kind === 'session') {
          const token = readSessionToken(request, deps.cookieName);
          session = token === undefined ? undefined : await deps.sessions.resolve(token);
          if (session === undefined) throw new DomainError('unauthenticated', 'log in first (no valid session)');
          response.locals.userId = session.user.id;
          const { roles } = route.access;
          if (roles !== 'any' && !session.user.roles.some((role) => roles.includes(role))) {
            await deps.audit.record({
              type: 'securityAlert',
              outcome: 'minorFailure',
              actor: { userId: session.user.id, username: session.user.username, sourceIp },
              details: { reason: 'role not allowed', method: route.method, route: route.path },
            });
            throw new DomainError('forbidden', `this action needs one of the roles: ${roles.join(', ')}`);
          }
          if (!SAFE_METHODS.has(route.method)) {
            const sent = request.get('x-csrf-token') ?? '';
            if (!sameToken(sent, session.csrfToken)) {
              throw new DomainError('csrf_failed', 'missing or wrong X-CSRF-Token header');
            }
          }
        }
        const params = parse(route.params, request.params, 'params');
        const query = parse(route.query, request.query, 'query');
        const body = parse(route.body, request.body ?? {}, 'body');
        const actor = { userId: session?.user.id ?? null, username: session?.user.username ?? null, sourceIp };
        const result = await route.handler({ params, query, body, session, actor, request, response });
        // Parsing the result strips any field the schema does not declare (no accidental leaks).
        if (!response.headersSent) response.status(route.status ?? 200).json(route.response.parse(result));
      } catch (error) {
        next(error);
      }
    });
  }
}
