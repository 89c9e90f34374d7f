import type { ClientRequest } from 'node:http';

// Orthanc (1.10 in Debian 12) closes idle keep-alive connections after one second, a limit its
// configuration cannot change there. Node's agent hands out a pooled socket shortly before that,
// and on a loaded server the close can cross the next request on the wire: the request then fails
// with ECONNRESET ("socket hang up") although Orthanc never read it. Node's documentation
// (`request.reusedSocket`) recommends retrying exactly that case.

/** Pooled sockets tried before giving up: every stale one fails once and leaves the pool. */
export const STALE_SOCKET_ATTEMPTS = 4;

/** Whether `error` is the pooled connection having been closed by Orthanc, not a real failure. */
export function failedOnStaleSocket(request: ClientRequest, error: unknown): boolean {
  if (!request.reusedSocket) return false;
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return code === 'ECONNRESET' || code === 'EPIPE';
}
