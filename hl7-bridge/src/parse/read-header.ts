// The message header (MSH, HL7 v2.5 section 2.14.9), read from the first segment's text before
// the rest of the message is parsed: it says how to read everything else (delimiters, MSH-18),
// what the message is (MSH-9, MSH-12) and how it is keyed (MSH-3, MSH-4, MSH-10).
//
// Header problems are answered with AR (section 2.9.2.2: the receiving system rejects a message
// whose MSH it cannot accept - message type, version, processing id - without looking at content).

import { ACK_CONDITIONS, issue, type Hl7Issue } from '../ack/ack-codes.ts';
import { charsetFor, DEFAULT_CHARSET, type Hl7Charset } from '../encoding/decode-charset.ts';
import { readDelimiters, type Hl7Delimiters } from '../encoding/hl7-delimiters.ts';
import { unescapeText } from '../encoding/hl7-escape.ts';
import { checkMessageType, isSupportedVersion, type SupportedVersion } from './message-types.ts';

/** MSH fields as sent. `*Raw` values keep their escapes and components, for echoing in the ACK. */
export interface HeaderFields {
  /** MSH-3.1 / MSH-4.1 namespace ids (HD, section 2.A.33), for per-interface settings. */
  readonly sendingApplication: string;
  readonly sendingFacility: string;
  readonly sendingApplicationRaw: string;
  readonly sendingFacilityRaw: string;
  readonly receivingApplicationRaw: string;
  readonly receivingFacilityRaw: string;
  readonly messageCode: string;
  readonly triggerEvent: string;
  readonly controlIdRaw: string;
  readonly controlId: string;
  readonly processingIdRaw: string;
  readonly processingId: string;
  readonly versionRaw: string;
  readonly version: string;
  readonly acceptAckType: string;
  readonly applicationAckType: string;
  /** First repetition of MSH-18; '' when empty. */
  readonly charsetName: string;
}

export interface ParsedHeader {
  /** Undefined when MSH-1/MSH-2 are unusable; then no other field could be read. */
  readonly delimiters: Hl7Delimiters | undefined;
  readonly fields: HeaderFields;
}

const EMPTY_FIELDS: HeaderFields = {
  sendingApplication: '',
  sendingFacility: '',
  sendingApplicationRaw: '',
  sendingFacilityRaw: '',
  receivingApplicationRaw: '',
  receivingFacilityRaw: '',
  messageCode: '',
  triggerEvent: '',
  controlIdRaw: '',
  controlId: '',
  processingIdRaw: '',
  processingId: '',
  versionRaw: '',
  version: '',
  acceptAckType: '',
  applicationAckType: '',
  charsetName: '',
};

/** Reads what can be read from the first segment; never throws. */
export function parseHeader(firstSegment: string): ParsedHeader {
  if (!firstSegment.startsWith('MSH')) return { delimiters: undefined, fields: EMPTY_FIELDS };
  const delimiters = readDelimiters(firstSegment);
  if (delimiters === undefined) return { delimiters: undefined, fields: EMPTY_FIELDS };
  // parts[0] is 'MSH', parts[1] is MSH-2; MSH-n is parts[n - 1] because MSH-1 is the separator.
  const parts = firstSegment.split(delimiters.field);
  const raw = (field: number): string => parts[field - 1] ?? '';
  const component = (field: number, index: number): string =>
    unescapeText(
      raw(field).split(delimiters.repetition)[0]?.split(delimiters.component)[index] ?? '',
      delimiters,
      DEFAULT_CHARSET,
    ).trim();
  return {
    delimiters,
    fields: {
      sendingApplication: component(3, 0),
      sendingFacility: component(4, 0),
      sendingApplicationRaw: raw(3),
      sendingFacilityRaw: raw(4),
      receivingApplicationRaw: raw(5),
      receivingFacilityRaw: raw(6),
      messageCode: component(9, 0).toUpperCase(),
      triggerEvent: component(9, 1).toUpperCase(),
      controlIdRaw: raw(10),
      controlId: unescapeText(raw(10), delimiters, DEFAULT_CHARSET).trim(),
      processingIdRaw: raw(11),
      processingId: component(11, 0).toUpperCase(),
      versionRaw: raw(12),
      version: component(12, 0),
      acceptAckType: component(15, 0).toUpperCase(),
      applicationAckType: component(16, 0).toUpperCase(),
      charsetName: component(18, 0),
    },
  };
}

export interface HeaderSettings {
  readonly processingIds: readonly string[];
}

export type HeaderCheck =
  | {
      readonly ok: true;
      readonly delimiters: Hl7Delimiters;
      readonly charset: Hl7Charset;
      readonly version: SupportedVersion;
    }
  | { readonly ok: false; readonly issue: Hl7Issue };

const MSH = (field: number) => ({ segment: 'MSH', sequence: 1, field });

/** The checks whose failure means AR, in the order a reader would look. */
export function checkHeader(firstSegment: string, header: ParsedHeader, settings: HeaderSettings): HeaderCheck {
  if (!firstSegment.startsWith('MSH')) {
    return { ok: false, issue: issue(100, { segment: 'MSH', sequence: 1 }, 'the first segment is not MSH') };
  }
  const { delimiters, fields } = header;
  if (delimiters === undefined) {
    return {
      ok: false,
      issue: issue(102, MSH(2), 'MSH-1/MSH-2 encoding characters are not four distinct delimiters'),
    };
  }
  if (fields.controlId === '') return { ok: false, issue: issue(101, MSH(10), 'MSH-10 message control id is empty') };
  if (fields.messageCode === '' || fields.triggerEvent === '') {
    return { ok: false, issue: issue(101, MSH(9), 'MSH-9 message type and trigger event are required') };
  }
  if (fields.processingId === '') return { ok: false, issue: issue(101, MSH(11), 'MSH-11 processing id is empty') };
  if (!settings.processingIds.includes(fields.processingId)) {
    return { ok: false, issue: issue(202, MSH(11), 'MSH-11 processing id is not accepted here') };
  }
  if (fields.version === '') return { ok: false, issue: issue(101, MSH(12), 'MSH-12 version id is empty') };
  if (!isSupportedVersion(fields.version)) {
    return { ok: false, issue: issue(203, MSH(12), 'MSH-12 version is not supported (2.3 to 2.5.1)') };
  }
  const charset = charsetFor(fields.charsetName);
  if (charset === undefined) {
    return { ok: false, issue: issue(103, MSH(18), 'MSH-18 character set is not supported') };
  }
  for (const [field, value] of [
    [15, fields.acceptAckType],
    [16, fields.applicationAckType],
  ] as const) {
    if (value !== '' && !(ACK_CONDITIONS as readonly string[]).includes(value)) {
      return { ok: false, issue: issue(103, MSH(field), `MSH-${field} is not a table 0155 value`) };
    }
  }
  const type = checkMessageType(fields.messageCode, fields.triggerEvent, fields.version);
  if (!type.ok) {
    return type.reason === 'unsupported_event'
      ? { ok: false, issue: issue(201, { ...MSH(9), component: 2 }, 'MSH-9 trigger event is not supported') }
      : { ok: false, issue: issue(200, { ...MSH(9), component: 1 }, 'MSH-9 message type is not supported') };
  }
  return { ok: true, delimiters, charset, version: fields.version };
}

/** Enhanced acknowledgement mode is asked for by valuing MSH-15 or MSH-16 (section 2.9.3). */
export function isEnhancedMode(fields: HeaderFields): boolean {
  return fields.acceptAckType !== '' || fields.applicationAckType !== '';
}
