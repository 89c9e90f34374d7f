// Log in, log out, and pick up an existing session (page reload) from the sidecar.

import { z } from 'zod';
import { roleSchema } from '../../../src/domain/roles.ts';
import { ApiError, type ApiClient } from '../api/api-client.ts';

export const sessionUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(roleSchema),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const sessionSchema = z.object({ user: sessionUserSchema, csrfToken: z.string(), expiresAt: z.string() });
export type Session = z.infer<typeof sessionSchema>;

export async function login(api: ApiClient, username: string, password: string): Promise<Session> {
  const session = await api.request('POST', '/api/auth/login', sessionSchema, {
    body: { username, password },
    // A 401 here is "wrong password", shown on the form, not a lost session.
    notifyOn401: false,
  });
  api.setCsrfToken(session.csrfToken);
  return session;
}

/** The current session, or undefined when there is none (401). */
export async function currentSession(api: ApiClient): Promise<Session | undefined> {
  try {
    const session = await api.request('GET', '/api/auth/session', sessionSchema, { notifyOn401: false });
    api.setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return undefined;
    throw error;
  }
}

export async function logout(api: ApiClient): Promise<void> {
  try {
    await api.request('POST', '/api/auth/logout', z.unknown(), { notifyOn401: false });
  } catch (error) {
    // An expired session is logged out already.
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  } finally {
    api.setCsrfToken(undefined);
  }
}
