// The HL7 bridge's one error type for its programmatic API (reprocess, enqueue, queries). Codes
// are a subset of the sidecar's DomainError codes, so the edge maps them one to one to HTTP.
// Messages name ids only, never patient data.

export const HL7_ERROR_CODES = ['invalid_input', 'not_found', 'conflict', 'invalid_state', 'internal'] as const;

export type Hl7ErrorCode = (typeof HL7_ERROR_CODES)[number];

export class Hl7Error extends Error {
  readonly code: Hl7ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: Hl7ErrorCode, message: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options);
    this.name = 'Hl7Error';
    this.code = code;
    this.details = details;
  }
}

export function isHl7Error(value: unknown): value is Hl7Error {
  return value instanceof Hl7Error;
}
