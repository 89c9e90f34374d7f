// Share links (plugin-server/src/web/routes/share-routes.ts): create one for a study (the address
// is in the answer once and never again), list the user's (admins: everyone's), revoke one, and,
// for the recipient without an account, exchange the token (and PIN) for a viewer session on the
// one study. Answers are parsed with the sidecar's own schemas (src/domain/share-link.ts).

import { z } from 'zod';
import {
  createdShareLinkSchema,
  openedShareSchema,
  shareLinkSchema,
  type ShareLink,
  type ShareLinkInput,
} from '../../../src/domain/share-link.ts';
import type { ApiClient } from '../api/api-client.ts';

export type { ShareLink, ShareLinkInput };
export type CreatedShareLink = z.infer<typeof createdShareLinkSchema>;
export type OpenedShare = z.infer<typeof openedShareSchema>;

/** Whose links: the user's own, or (admins only) everyone's. */
export type ShareScope = 'mine' | 'all';

const shareListSchema = z.object({ links: z.array(shareLinkSchema) });

export function shareListPath(scope: ShareScope): string {
  return `/api/shares?${new URLSearchParams({ scope }).toString()}`;
}

export function revokePath(id: string): string {
  return `/api/shares/${encodeURIComponent(id)}/revoke`;
}

/** Creates a link; `url` in the answer is the only copy of the address there will ever be. */
export function createShareLink(api: ApiClient, input: ShareLinkInput): Promise<CreatedShareLink> {
  return api.post('/api/shares', createdShareLinkSchema, input);
}

/** Newest first, with use counts. */
export async function listShareLinks(api: ApiClient, scope: ShareScope, signal?: AbortSignal): Promise<ShareLink[]> {
  const answer = await api.get(shareListPath(scope), shareListSchema, { signal });
  return answer.links;
}

/** Withdraws a link; anyone viewing through it is cut off at their next request. */
export function revokeShareLink(api: ApiClient, id: string): Promise<ShareLink> {
  return api.post(revokePath(id), shareLinkSchema);
}

/**
 * The recipient's one call: no session, so no CSRF token. A 401 here means "this link needs its
 * PIN" (details.reason 'pin-required'), not a lost session: the app is not told.
 */
export function openSharedStudy(api: ApiClient, token: string, pin: string | undefined): Promise<OpenedShare> {
  return api.request('POST', '/api/share/open', openedShareSchema, {
    body: pin === undefined ? { token } : { token, pin },
    notifyOn401: false,
  });
}
