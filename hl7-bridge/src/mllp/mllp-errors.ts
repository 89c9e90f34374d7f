// The transport's one error type: a stable code and a message that names no patient data.
// Shaped like plugin-server's DomainError so the edge can map both the same way; the MLLP
// layer has no HTTP status, so it carries `details` (ids, sizes) instead.

export const MLLP_ERROR_CODES = [
  /** A frame's payload grew beyond maxFrameBytes before its end block arrived. */
  'frame_too_large',
  /** A payload contains <EB><CR> (0x1C 0x0D), so it cannot be framed without being cut short. */
  'payload_contains_end_block',
  /** Options given to a server or client are out of range. */
  'invalid_options',
  /** start() on a running server, or stop() races that leave it in an unexpected state. */
  'invalid_state',
  /** Nothing listens at host:port (ECONNREFUSED). */
  'connection_refused',
  /** The TCP connection could not be made for another reason (DNS, unreachable, reset). */
  'connect_failed',
  /** The TCP or TLS connection was not established within connectTimeoutMs. */
  'connect_timeout',
  /** The TLS handshake failed: untrusted certificate, missing or rejected client certificate. */
  'tls_failed',
  /** The connection closed while an ACK was still awaited. */
  'connection_closed',
  /** send() on a client that is not connected (never connected, closed, or failed). */
  'not_connected',
  /** No ACK arrived within the send's timeoutMs. */
  'ack_timeout',
  /** A frame arrived that no send() was waiting for. */
  'unexpected_frame',
  /** A server connection stayed silent for idleTimeoutMs. */
  'idle_timeout',
  /** The server's handler rejected or returned something that is not a Buffer. */
  'handler_failed',
] as const;

export type MllpErrorCode = (typeof MLLP_ERROR_CODES)[number];

export class MllpError extends Error {
  readonly code: MllpErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: MllpErrorCode, message: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MllpError';
    this.code = code;
    this.details = details;
  }
}

export function isMllpError(value: unknown): value is MllpError {
  return value instanceof MllpError;
}
