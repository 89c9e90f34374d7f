// Acknowledgment vocabulary, in one place.

/**
 * HL7 table 0008 acknowledgment codes. Original mode answers AA/AE/AR; enhanced mode (MSH-15 or
 * MSH-16 valued, section 2.9.3) first answers a commit ACK CA/CE/CR, and the application ACK
 * AA/AE/AR follows as a separate message.
 */
export type ApplicationAckCode = 'AA' | 'AE' | 'AR';
export type CommitAckCode = 'CA' | 'CE' | 'CR';
export type AckCode = ApplicationAckCode | CommitAckCode;

export const COMMIT_CODE_FOR: Readonly<Record<ApplicationAckCode, CommitAckCode>> = {
  AA: 'CA',
  AE: 'CE',
  AR: 'CR',
};

/** HL7 table 0155 accept/application acknowledgment conditions (MSH-15, MSH-16). */
export const ACK_CONDITIONS = ['AL', 'NE', 'ER', 'SU'] as const;
export type AckCondition = (typeof ACK_CONDITIONS)[number];

/** HL7 table 0357 message error condition codes (v2.5), used in ERR-3 (ERR-1.4 before v2.5). */
export const ERROR_CONDITIONS = {
  100: 'Segment sequence error',
  101: 'Required field missing',
  102: 'Data type error',
  103: 'Table value not found',
  200: 'Unsupported message type',
  201: 'Unsupported event code',
  202: 'Unsupported processing id',
  203: 'Unsupported version id',
  204: 'Unknown key identifier',
  205: 'Duplicate key identifier',
  206: 'Application record locked',
  207: 'Application internal error',
} as const;

export type ErrorConditionCode = keyof typeof ERROR_CONDITIONS;

/**
 * Where an error is (v2.5 ERR-2, data type ERL: segment id ^ sequence ^ field ^ repetition ^
 * component ^ subcomponent). Sequence is the segment's 1-based occurrence in the message.
 */
export interface ErrorLocation {
  readonly segment: string;
  readonly sequence?: number;
  readonly field?: number;
  readonly repetition?: number;
  readonly component?: number;
}

/** One problem found in a message. `message` is ASCII and names fields, never their values. */
export interface Hl7Issue {
  readonly code: ErrorConditionCode;
  readonly location: ErrorLocation | undefined;
  readonly message: string;
}

export function issue(code: ErrorConditionCode, location: ErrorLocation | undefined, message: string): Hl7Issue {
  return { code, location, message };
}

/** 'PID-3' style text for a location, for ERR-8 and logs. */
export function describeLocation(location: ErrorLocation | undefined): string {
  if (location === undefined) return 'message';
  const field = location.field === undefined ? '' : `-${location.field}`;
  const component = location.component === undefined ? '' : `.${location.component}`;
  return `${location.segment}${field}${component}`;
}
