import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { ActiveSession } from '../auth/sessions.ts';
import type { AuditActor } from '../audit/audit-log.ts';
import type { Role } from '../domain/roles.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route. Every /api route but login is `session`; `public` is for health and login. */
export type Access = { kind: 'public' } | { kind: 'session'; roles: readonly Role[] | 'any' };

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Present on every `session` route. */
  session: ActiveSession | undefined;
  actor: AuditActor;
  request: Request;
  response: Response;
}

export interface RouteDefinition<P = unknown, Q = unknown, B = unknown, R = unknown> {
  method: HttpMethod;
  /** Express path pattern, e.g. `/api/studies/:id`. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  response: z.ZodType<R>;
  status?: number;
  handler(context: RouteContext<P, Q, B>): Promise<R>;
}

/** Keeps each route's parameter and result types checked against its schemas. */
export function defineRoute<P, Q, B, R>(route: RouteDefinition<P, Q, B, R>): RouteDefinition {
  return route as RouteDefinition;
}

export function sessionOnly(roles: readonly Role[] | 'any'): Access {
  return { kind: 'session', roles };
}
