// The one way the UI talks to the sidecar. The session cookie is httpOnly and SameSite=Strict, so
// the browser sends it by itself; the CSRF token comes with the session (login or GET
// /api/auth/session), is kept in memory only, and goes out as X-CSRF-Token on every write. Any
// 401 means the session is gone (idle or absolute timeout, logout elsewhere): the app is told and
// returns to the login page. Every response body is parsed with a zod schema before use.

import { z } from 'zod';

const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});

/** An answer from the sidecar other than 2xx, or a failure to get one. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** What the server added for the client (never internal details), e.g. which values are unknown. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(status: number, code: string, message: string, details?: Readonly<Record<string, unknown>>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export type Schema<T> = { parse(value: unknown): T };

/** Turns an error response (status and body text) into an ApiError with the server's message. */
export function apiErrorFrom(status: number, bodyText: string): ApiError {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(bodyText));
    if (parsed.success) {
      const { code, message, details } = parsed.data.error;
      return new ApiError(status, code, message, details);
    }
  } catch {
    // not JSON: a proxy or the server's plain-text answer
  }
  const text = bodyText.trim().slice(0, 200);
  return new ApiError(status, 'http_error', text === '' ? `the server answered ${status}` : text);
}

/** A message fit to show to the user for anything a request can throw. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof z.ZodError) return 'the server sent an answer this page does not understand';
  if (error instanceof Error) return error.message;
  return String(error);
}

export class ApiClient {
  private csrfToken: string | undefined;
  private readonly unauthorizedListeners = new Set<() => void>();

  /** Called when the session ends or a new one starts; undefined forgets the token. */
  setCsrfToken(token: string | undefined): void {
    this.csrfToken = token;
  }

  hasCsrfToken(): boolean {
    return this.csrfToken !== undefined;
  }

  /** Headers every write needs; for requests that do not go through `request` (XHR uploads). */
  writeHeaders(): Record<string, string> {
    return this.csrfToken === undefined ? {} : { 'x-csrf-token': this.csrfToken };
  }

  onUnauthorized(listener: () => void): () => void {
    this.unauthorizedListeners.add(listener);
    return () => {
      this.unauthorizedListeners.delete(listener);
    };
  }

  /** Reports a 401 seen outside `request` (XHR uploads) so the app can return to login. */
  notifyUnauthorized(): void {
    this.csrfToken = undefined;
    for (const listener of this.unauthorizedListeners) listener();
  }

  get<T>(path: string, schema: Schema<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
    return this.request('GET', path, schema, { signal: options.signal });
  }

  post<T>(path: string, schema: Schema<T>, body?: unknown): Promise<T> {
    return this.request('POST', path, schema, { body });
  }

  async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    schema: Schema<T>,
    options: { body?: unknown; signal?: AbortSignal | undefined; notifyOn401?: boolean } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET') Object.assign(headers, this.writeHeaders());
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'network_error', 'the server cannot be reached; check the network and try again');
    }
    const text = await response.text();
    if (!response.ok) {
      const error = apiErrorFrom(response.status, text);
      if (response.status === 401 && options.notifyOn401 !== false) this.notifyUnauthorized();
      throw error;
    }
    return schema.parse(text === '' ? {} : JSON.parse(text));
  }
}
