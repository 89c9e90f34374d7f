import { z } from 'zod';
import { LoginThrottle } from '../../auth/login-throttle.ts';
import { DomainError } from '../../domain/errors.ts';
import {
  createdShareLinkSchema,
  openedShareSchema,
  openShareInputSchema,
  shareLinkInputSchema,
  shareLinkSchema,
} from '../../domain/share-link.ts';
import type { SidecarServices } from '../../services.ts';
import { createShareLink, listShareLinks, revokeShareLink } from '../../sharing/share-links.ts';
import { openShareLink, type ShareRefusal } from '../../sharing/share-sessions.ts';
import { defineRoute, sessionOnly } from '../route-registry.ts';
import { setShareCookie } from '../session-cookie.ts';

// Share links (issue #8): physicians and radiology share one study read-only with someone who has
// no account; the link is shown once, listed and revocable; every use and failure is audited.

const SHARERS = sessionOnly(['physician', 'radiology']);

/** What the recipient is told: enough to act on, nothing that helps guessing tokens. */
const REFUSALS: Record<
  ShareRefusal,
  { code: 'not_found' | 'unauthenticated' | 'forbidden' | 'too_many_requests'; message: string }
> = {
  'unknown-token': { code: 'not_found', message: 'this link is not valid' },
  'pin-required': { code: 'unauthenticated', message: 'this link needs the PIN you were given' },
  'wrong-pin': { code: 'forbidden', message: 'wrong PIN' },
  throttled: { code: 'too_many_requests', message: 'too many failed attempts; wait 15 minutes' },
  expired: { code: 'not_found', message: 'this link has expired; ask the sender for a new one' },
  revoked: { code: 'not_found', message: 'this link was withdrawn by the sender' },
  'study-unavailable': { code: 'not_found', message: 'this study is no longer available' },
};

/** Shared studies open in the viewer's read-only mode, on the one study. */
export function sharedViewerUrl(studyInstanceUid: string): string {
  return `/viewer/outside-shared?StudyInstanceUIDs=${encodeURIComponent(studyInstanceUid)}`;
}

export function shareRoutes(services: SidecarServices) {
  const { db, audit, config } = services;
  // Per link (wrong PINs) and per address (guessed tokens); in memory like the login throttle.
  const throttle = new LoginThrottle({ perUser: 5, perAddress: 10 });

  return [
    defineRoute({
      method: 'post',
      path: '/api/shares',
      summary: 'Create a share link for one study; the link is returned once and stored only as a hash.',
      tag: 'sharing',
      access: SHARERS,
      status: 201,
      body: shareLinkInputSchema,
      response: createdShareLinkSchema,
      async handler({ body, session, actor, request }) {
        if (session === undefined) throw new DomainError('unauthenticated', 'log in first');
        const { link, token } = await createShareLink({ db, config: config.sharing }, body, {
          userId: session.user.id,
          username: session.user.username,
        });
        await audit.record({
          type: 'studyExported',
          actor,
          object: { type: 'study', id: link.studyId },
          details: {
            via: 'share link',
            shareId: link.id,
            recipient: link.recipient,
            purpose: link.purpose,
            expiresAt: link.expiresAt,
            pin: link.hasPin,
          },
        });
        const origin = config.sharing.publicUrl ?? `${request.protocol}://${request.get('host') ?? 'localhost'}`;
        // The token travels in the fragment: browsers never send it, so no server or proxy logs it.
        return { link, url: `${origin.replace(/\/$/, '')}/share#${token}`, expiresAt: link.expiresAt };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/shares',
      summary: "The user's share links (admins: `scope=all` for everyone's), newest first, with use counts.",
      tag: 'sharing',
      access: sessionOnly(['physician', 'radiology', 'admin']),
      query: z.object({
        scope: z.enum(['mine', 'all']).default('mine'),
        limit: z.coerce.number().int().min(1).max(500).default(200),
      }),
      response: z.object({ links: z.array(shareLinkSchema) }),
      async handler({ query, session }) {
        if (session === undefined) throw new DomainError('unauthenticated', 'log in first');
        if (query.scope === 'all' && !session.user.roles.includes('admin')) {
          throw new DomainError('forbidden', "only an admin sees everyone's share links");
        }
        const whose = query.scope === 'all' ? ('all' as const) : { userId: session.user.id };
        return { links: await listShareLinks(db, whose, query.limit) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/shares/:id/revoke',
      summary: 'Withdraw a share link; a recipient viewing it is cut off at the next request.',
      tag: 'sharing',
      access: sessionOnly(['physician', 'radiology', 'admin']),
      params: z.object({ id: z.string().uuid() }),
      response: shareLinkSchema,
      async handler({ params, session, actor }) {
        if (session === undefined) throw new DomainError('unauthenticated', 'log in first');
        const link = await revokeShareLink(db, params.id, {
          userId: session.user.id,
          username: session.user.username,
          isAdmin: session.user.roles.includes('admin'),
        });
        await audit.record({
          type: 'shareLinkEnded',
          actor,
          object: { type: 'share-link', id: link.id },
          details: { action: 'revoked', studyId: link.studyId },
        });
        return link;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/share/open',
      summary: "A recipient's browser exchanges the link's token (and PIN) for a study-scoped viewer session.",
      tag: 'sharing',
      access: { kind: 'public' },
      body: openShareInputSchema,
      response: openedShareSchema,
      async handler({ body, request, response, actor }) {
        const sourceIp = actor.sourceIp ?? '';
        const userAgent = (request.get('user-agent') ?? '').slice(0, 200);
        // Guessed tokens count per address: one address guessing never locks out everyone else.
        const unknownKey = { username: `share:unknown:${sourceIp}`, sourceIp };
        if (throttle.isBlocked(unknownKey)) {
          await audit.record({
            type: 'securityAlert',
            outcome: 'seriousFailure',
            actor: { ...actor, username: null },
            details: { reason: 'share link attempts throttled', userAgent },
          });
          throw new DomainError('too_many_requests', 'too many failed attempts; wait 15 minutes');
        }
        const linkKey = (shareId: string) => ({ username: `share:${shareId}`, sourceIp });
        const opened = await openShareLink({ db, config: config.sharing }, body.token, body.pin, {
          sourceIp,
          userAgent,
          blocked: (shareId) => throttle.isBlocked(linkKey(shareId)),
        });
        if (!opened.ok) {
          // Asking for the PIN is the normal first step, not a failure.
          if (opened.reason !== 'pin-required' && opened.reason !== 'throttled') {
            throttle.recordFailure(opened.shareId === null ? unknownKey : linkKey(opened.shareId));
          }
          await audit.record({
            type: 'securityAlert',
            outcome: 'minorFailure',
            actor: { ...actor, username: opened.shareId === null ? null : `share:${opened.shareId}` },
            object: opened.shareId === null ? undefined : { type: 'share-link', id: opened.shareId },
            details: { reason: `share link refused: ${opened.reason}`, userAgent },
          });
          const refusal = REFUSALS[opened.reason];
          throw new DomainError(refusal.code, refusal.message, { reason: opened.reason });
        }
        setShareCookie(request, response, config, opened.sessionToken, opened.expiresAt);
        await audit.record({
          type: 'instancesAccessed',
          actor: { ...actor, username: `share:${opened.shareId}` },
          object: { type: 'share-link', id: opened.shareId },
          details: { via: 'share link', studyInstanceUid: opened.studyInstanceUid, userAgent },
        });
        return { viewerUrl: sharedViewerUrl(opened.studyInstanceUid), expiresAt: opened.expiresAt };
      },
    }),
  ];
}
