// What one received message is and what answer it earns, without I/O: decode the bytes per MSH-18,
// check the header, parse, map. The result decides the acknowledgment code (HL7 v2.5 section 2.9):
//
// - AR (reject) when the header cannot be accepted: no MSH, unusable encoding characters, empty
//   control id or message type, unsupported message type/event (200/201), processing id (202),
//   version (203) or character set (103 on MSH-18), more than one MSH in one frame. These are
//   decided without reading content, as section 2.9.2.2 describes for the receiver's MSH checks.
// - AE (error) when the header is fine but the content is not: bytes invalid in the declared
//   character set (102 on the field holding them), a required segment or field missing (100/101,
//   e.g. PID-3), a data type error (102, e.g. PID-7), a value not in its table (103, e.g. ORC-1).
//   The message was understood well enough to say which field is wrong: that is AE's meaning.
// - AA when it maps cleanly. (The store adds AR for key conflicts and storage failures.)

import { createHash } from 'node:crypto';
import { issue, type Hl7Issue } from '../ack/ack-codes.ts';
import type { Hl7Config } from '../config/hl7-config.ts';
import { DEFAULT_CHARSET, decodeText, findUndecodableField, type Hl7Charset } from '../encoding/decode-charset.ts';
import { splitSegments } from '../encoding/normalise-segments.ts';
import { accessionFieldFor } from '../mapping/accession-field.ts';
import { mappedMessageSchema, type MappedMessage } from '../mapping/domain-schemas.ts';
import { mapMergeMessage, mapPatientMessage } from '../mapping/map-adt.ts';
import { mapOrderMessage } from '../mapping/map-order-message.ts';
import type { MappingResult } from '../mapping/map-patient.ts';
import { MessageReader } from '../parse/hl7-reader.ts';
import { checkHeader, parseHeader, type ParsedHeader } from '../parse/read-header.ts';

export type AssessSettings = Pick<Hl7Config, 'patientIdAuthority' | 'processingIds' | 'accessionField' | 'interfaces'>;

export type Verdict =
  | { readonly code: 'AA'; readonly mapped: MappedMessage }
  | { readonly code: 'AE' | 'AR'; readonly issues: readonly Hl7Issue[] };

export interface AssessedMessage {
  readonly header: ParsedHeader;
  /** The declared character set when it is supported, else the default (for the ACK). */
  readonly charset: Hl7Charset;
  /** 'ORM^O01' style, when MSH-9 could be read. */
  readonly messageType: string | null;
  /** SHA-256 of the bytes with line breaks normalised: what "the same message" means on resend. */
  readonly contentHash: string;
  readonly verdict: Verdict;
}

/** Line breaks normalised to CR and trailing ones dropped, at byte level (charset independent). */
export function contentHash(bytes: Buffer): string {
  const text = bytes
    .toString('latin1')
    .replace(/\r\n|\n/g, '\r')
    .replace(/\r+/g, '\r')
    .replace(/\r$/, '');
  return createHash('sha256').update(Buffer.from(text, 'latin1')).digest('hex');
}

function firstLine(bytes: Buffer): string {
  const text = bytes.toString('latin1').replace(/^[\s\uFEFF]+/, '');
  const end = text.search(/[\r\n]/);
  return end === -1 ? text : text.slice(0, end);
}

function reject(code: 'AE' | 'AR', issues: readonly Hl7Issue[]): Verdict {
  return { code, issues };
}

/** Never throws: anything unexpected while reading the message is answered AR 207. */
export function assessMessage(bytes: Buffer, settings: AssessSettings): AssessedMessage {
  try {
    return assessOrThrow(bytes, settings);
  } catch {
    // The header as far as it reads, so the AR can still name the message (MSA-2).
    const header = parseHeader(firstLine(bytes));
    return {
      header,
      charset: DEFAULT_CHARSET,
      messageType:
        header.fields.messageCode === '' ? null : `${header.fields.messageCode}^${header.fields.triggerEvent}`,
      contentHash: contentHash(bytes),
      verdict: reject('AR', [issue(207, undefined, 'the message could not be read')]),
    };
  }
}

function assessOrThrow(bytes: Buffer, settings: AssessSettings): AssessedMessage {
  const hash = contentHash(bytes);
  // The header is read from a Latin-1 view first: MSH-1..MSH-18 are ASCII in practice, and MSH-18
  // is what tells us how to decode the rest.
  const firstSegment = firstLine(bytes);
  const provisional = parseHeader(firstSegment);
  const headerCheck = checkHeader(firstSegment, provisional, settings);
  const typeOf = (header: ParsedHeader) =>
    header.fields.messageCode === '' ? null : `${header.fields.messageCode}^${header.fields.triggerEvent}`;
  if (!headerCheck.ok) {
    return {
      header: provisional,
      charset: DEFAULT_CHARSET,
      messageType: typeOf(provisional),
      contentHash: hash,
      verdict: reject('AR', [headerCheck.issue]),
    };
  }
  const { delimiters, charset } = headerCheck;
  const base = { charset, contentHash: hash };

  const text = decodeText(bytes, charset);
  if (text === undefined) {
    const location = findUndecodableField(bytes, charset, delimiters.field);
    return {
      ...base,
      header: provisional,
      messageType: typeOf(provisional),
      verdict: reject('AE', [
        issue(102, location, `bytes are not valid ${charset.name === '' ? 'ASCII' : charset.name} as MSH-18 declares`),
      ]),
    };
  }
  const segments = splitSegments(text.replace(/^[\s\uFEFF]+/, ''));
  const header = parseHeader(segments[0] ?? '');
  const messageType = typeOf(header);
  const mshCount = segments.filter((segment) => segment.startsWith('MSH')).length;
  if (mshCount > 1) {
    return {
      ...base,
      header,
      messageType,
      verdict: reject('AR', [issue(100, { segment: 'MSH', sequence: 2 }, 'more than one MSH in one frame')]),
    };
  }

  const reader = new MessageReader(segments.join('\r'), delimiters, charset);
  const mapped = mapMessage(reader, header, settings);
  if (!mapped.ok) return { ...base, header, messageType, verdict: reject('AE', mapped.issues) };
  const validated = mappedMessageSchema.safeParse(mapped.value);
  if (!validated.success) {
    return {
      ...base,
      header,
      messageType,
      verdict: reject('AE', [issue(207, undefined, 'the mapped message failed validation')]),
    };
  }
  return { ...base, header, messageType, verdict: { code: 'AA', mapped: validated.data } };
}

function mapMessage(
  reader: MessageReader,
  header: ParsedHeader,
  settings: AssessSettings,
): MappingResult<MappedMessage> {
  const { messageCode, triggerEvent, sendingApplication, sendingFacility } = header.fields;
  const authority = settings.patientIdAuthority;
  switch (`${messageCode}^${triggerEvent}`) {
    case 'ORM^O01':
    case 'OMI^O23':
      return mapOrderMessage(reader, messageCode === 'OMI' ? 'OMI^O23' : 'ORM^O01', {
        patientIdAuthority: authority,
        accessionField: accessionFieldFor(settings, sendingApplication, sendingFacility, messageCode),
      });
    case 'ADT^A01':
    case 'ADT^A04':
    case 'ADT^A08':
    case 'ADT^A31':
      return mapPatientMessage(reader, triggerEvent as 'A01' | 'A04' | 'A08' | 'A31', authority);
    case 'ADT^A40':
      return mapMergeMessage(reader, authority);
    default:
      // checkHeader admits only the types above; reaching here is a bug, answered as such.
      return { ok: false, issues: [issue(207, undefined, 'no mapping for this message type')] };
  }
}
