import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { Request, Response } from 'express';
import type { Config } from '../config/config-schema.ts';

/** The value of one cookie of the request, or undefined when absent or empty. */
export function readSessionToken(request: Request, cookieName: string): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  const value = parseCookies(header)[cookieName];
  return value === undefined || value === '' ? undefined : value;
}

function secure(request: Request, policy: Config['session']['secureCookie']): boolean {
  return policy === 'always' || (policy === 'auto' && request.secure);
}

/** httpOnly (no script can read it), SameSite=Strict (not sent on cross-site requests). */
export function setSessionCookie(request: Request, response: Response, config: Config['session'], token: string): void {
  response.append(
    'set-cookie',
    serializeCookie(config.cookieName, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: secure(request, config.secureCookie),
      path: '/',
      maxAge: Math.floor(config.absoluteTimeoutHours * 3600),
    }),
  );
}

export function clearSessionCookie(request: Request, response: Response, config: Config['session']): void {
  response.append(
    'set-cookie',
    serializeCookie(config.cookieName, '', {
      httpOnly: true,
      sameSite: 'strict',
      secure: secure(request, config.secureCookie),
      path: '/',
      maxAge: 0,
    }),
  );
}

/**
 * The share viewer session (issue #8): only sent to /viewer (the viewer and its DICOMweb proxy),
 * never to the API, and gone when the session ends.
 */
export function setShareCookie(
  request: Request,
  response: Response,
  config: { session: Config['session']; sharing: Config['sharing'] },
  token: string,
  expiresAt: string,
): void {
  response.append(
    'set-cookie',
    serializeCookie(config.sharing.cookieName, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: secure(request, config.session.secureCookie),
      path: '/viewer',
      expires: new Date(expiresAt),
    }),
  );
}
