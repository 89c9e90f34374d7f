// Who is asking the DICOMweb proxy: a logged-in user (the sidecar's session cookie), or a share
// link's recipient (issue #8: the link's token was exchanged for a short-lived, study-scoped viewer
// session with its own cookie). The proxy itself only ever sees a `ViewerPrincipal`.

import type { Request } from 'express';
import type { Kysely } from 'kysely';
import type { AuditActor } from '../audit/audit-log.ts';
import type { ActiveSession, SessionStore } from '../auth/sessions.ts';
import { STUDY_VIEWERS } from '../domain/roles.ts';
import type { Database } from '../db/schema.ts';
import type { SidecarServices } from '../services.ts';
import { resolveShareSession } from '../sharing/share-sessions.ts';
import { readSessionToken } from '../web/session-cookie.ts';

export type ViewerPrincipal =
  | { kind: 'user'; session: ActiveSession }
  /** A share link's recipient: may see exactly one study until `expiresAt` (ISO time). */
  | { kind: 'share'; shareId: string; studyInstanceUid: string; expiresAt: string };

/**
 * Reads one kind of credential from a request. Resolves `undefined` when that credential is
 * absent, unknown, expired or revoked; never caches, so a revocation applies to the next request.
 */
export interface ViewerPrincipalResolver {
  resolve(request: Request): Promise<ViewerPrincipal | undefined>;
}

/** The sidecar's own login session (the `outside_session` cookie). */
export function sessionPrincipalResolver(sessions: SessionStore, cookieName: string): ViewerPrincipalResolver {
  return {
    async resolve(request) {
      const token = readSessionToken(request, cookieName);
      if (token === undefined) return undefined;
      const session = await sessions.resolve(token);
      return session === undefined ? undefined : { kind: 'user', session };
    },
  };
}

/** A share link's viewer session (the `outside_share` cookie), checked against its link each time. */
export function sharePrincipalResolver(db: Kysely<Database>, cookieName: string): ViewerPrincipalResolver {
  return {
    async resolve(request) {
      const token = readSessionToken(request, cookieName);
      if (token === undefined) return undefined;
      const share = await resolveShareSession(db, token);
      return share === undefined ? undefined : { kind: 'share', ...share };
    },
  };
}

/** What the resolvers need. */
export type ViewerPrincipalServices = Pick<SidecarServices, 'sessions' | 'config' | 'db'>;

/** Every credential the proxy accepts, most privileged first; the first that resolves wins. */
export function viewerPrincipalResolvers(services: ViewerPrincipalServices): readonly ViewerPrincipalResolver[] {
  return [
    sessionPrincipalResolver(services.sessions, services.config.session.cookieName),
    sharePrincipalResolver(services.db, services.config.sharing.cookieName),
  ];
}

export async function resolveViewerPrincipal(
  request: Request,
  resolvers: readonly ViewerPrincipalResolver[],
): Promise<ViewerPrincipal | undefined> {
  for (const resolver of resolvers) {
    const principal = await resolver.resolve(request);
    if (principal !== undefined) return principal;
  }
  return undefined;
}

/**
 * Whether the principal may look at images at all (DESIGN.md section 2: not the front desk). A
 * share's expiry is its resolver's job; it is checked here again so that no resolver can forget.
 */
export function mayViewImages(principal: ViewerPrincipal, now = new Date()): boolean {
  // An unparsable expiry compares false: refused.
  if (principal.kind === 'share') return Date.parse(principal.expiresAt) > now.getTime();
  return principal.session.user.roles.some((role) => STUDY_VIEWERS.includes(role));
}

/** A stable key for per-principal bookkeeping (the "study opened" dedupe). */
export function principalKey(principal: ViewerPrincipal): string {
  return principal.kind === 'user' ? `user:${principal.session.user.id}` : `share:${principal.shareId}`;
}

/** How the principal appears in audit events: a share recipient has no user id, only its link. */
export function auditActorOf(principal: ViewerPrincipal, sourceIp: string | null): AuditActor {
  return principal.kind === 'user'
    ? { userId: principal.session.user.id, username: principal.session.user.username, sourceIp }
    : { userId: null, username: `share:${principal.shareId}`, sourceIp };
}
