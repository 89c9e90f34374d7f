import { z } from 'zod';
import {
  secondReadResultSchema,
  viewerPanelSchema,
  type ViewerPanel,
} from '../../../plugin-server/src/domain/viewer-panel.ts';

// The sidecar's API as the panel uses it: same origin, the session cookie, the CSRF token on
// writes. Every answer is validated with the sidecar's own schemas (bundled from
// plugin-server/src/domain), and every outcome is a value: the panel shows failures, it never
// catches them.

export type ApiFailure =
  /** No session, or it expired: the user must log in again. */
  | { kind: 'unauthenticated' }
  /** The sidecar refused: its error code and a message fit to show. */
  | { kind: 'refused'; status: number; code: string; message: string }
  /** The sidecar could not be reached, or answered something we do not understand. */
  | { kind: 'unavailable'; message: string };

export type ApiResult<T> = { ok: true; value: T } | { ok: false; failure: ApiFailure };

const sessionSchema = z.object({
  user: z.object({ displayName: z.string(), roles: z.array(z.string()) }),
  csrfToken: z.string(),
});
export type PanelSession = z.infer<typeof sessionSchema>;

/** web/error-handler.ts: `{ error: { code, message, details? } }`. */
const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const referenceResultSchema = z.object({ tagged: z.literal(true) });
const archiveResultSchema = z.object({ jobIds: z.array(z.number()) });
const discardResultSchema = z.object({ state: z.string() });
const shareResultSchema = z.object({ url: z.string(), expiresAt: z.string() });

export type SecondReadResult = z.infer<typeof secondReadResultSchema>;
export type ArchiveResult = z.infer<typeof archiveResultSchema>;
export type ShareResult = z.infer<typeof shareResultSchema>;

export type ShareRequest = {
  recipient: string;
  purpose: string;
  expiresInDays: number;
  /** Empty: no PIN. */
  pin: string;
};

export interface OutsideApi {
  session(): Promise<ApiResult<PanelSession>>;
  panel(studyInstanceUid: string): Promise<ApiResult<ViewerPanel>>;
  reference(studyId: string, note: string, csrfToken: string): Promise<ApiResult<unknown>>;
  secondRead(studyId: string, reason: string, csrfToken: string): Promise<ApiResult<SecondReadResult>>;
  archive(studyId: string, csrfToken: string): Promise<ApiResult<ArchiveResult>>;
  discard(studyId: string, reason: string, csrfToken: string): Promise<ApiResult<unknown>>;
  share(studyId: string, request: ShareRequest, csrfToken: string): Promise<ApiResult<ShareResult>>;
}

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export function createOutsideApi(fetchImpl: Fetch = (input, init) => fetch(input, init)): OutsideApi {
  async function call<T>(
    schema: z.ZodType<T>,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    csrfToken?: string,
  ): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (csrfToken !== undefined) headers['x-csrf-token'] = csrfToken;
    let response: Response;
    try {
      response = await fetchImpl(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch (error) {
      return failed({ kind: 'unavailable', message: `the sidecar cannot be reached (${String(error)})` });
    }
    if (response.status === 401) return failed({ kind: 'unauthenticated' });
    const json: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const refusal = errorBodySchema.safeParse(json);
      return failed({
        kind: 'refused',
        status: response.status,
        code: refusal.success ? refusal.data.error.code : 'http_error',
        message: refusal.success ? refusal.data.error.message : `the sidecar answered ${response.status}`,
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      return failed({ kind: 'unavailable', message: `unexpected answer from ${path}: ${parsed.error.message}` });
    }
    return { ok: true, value: parsed.data };
  }

  const study = (studyId: string) => `/api/studies/${encodeURIComponent(studyId)}`;
  return {
    session: () => call(sessionSchema, 'GET', '/api/auth/session'),
    panel: (studyInstanceUid) =>
      call(viewerPanelSchema, 'GET', `/api/viewer/studies/${encodeURIComponent(studyInstanceUid)}`),
    reference: (studyId, note, csrfToken) =>
      call(referenceResultSchema, 'POST', `${study(studyId)}/reference`, note === '' ? {} : { note }, csrfToken),
    secondRead: (studyId, reason, csrfToken) =>
      call(secondReadResultSchema, 'POST', `${study(studyId)}/second-read`, { reason }, csrfToken),
    archive: (studyId, csrfToken) => call(archiveResultSchema, 'POST', `${study(studyId)}/archive`, {}, csrfToken),
    discard: (studyId, reason, csrfToken) =>
      call(discardResultSchema, 'POST', `${study(studyId)}/discard`, { reason }, csrfToken),
    share: (studyId, request, csrfToken) =>
      call(
        shareResultSchema,
        'POST',
        '/api/shares',
        {
          studyId,
          recipient: request.recipient,
          purpose: request.purpose,
          expiresInDays: request.expiresInDays,
          ...(request.pin === '' ? {} : { pin: request.pin }),
        },
        csrfToken,
      ),
  };
}

function failed(failure: ApiFailure): { ok: false; failure: ApiFailure } {
  return { ok: false, failure };
}
