// The acknowledgment message (ACK, HL7 v2.5 section 2.14.1), built with node-hl7-client's Message.
//
// - It is written with the sender's own delimiters (MSH-1/MSH-2) when they were usable, so MSH-3..6
//   and MSH-10 can be echoed exactly as sent (raw, escapes kept); otherwise with the standard ones.
//   node-hl7-client does not escape values it writes, so every value we make up is escaped here.
// - MSH-3/4 answer with the receiving application/facility the sender addressed (MSH-5/6), MSH-5/6
//   with its sending ones; MSH-9 is ACK^<trigger> (ACK^<trigger>^ACK from v2.3.1, which added the
//   message structure); MSH-11, MSH-12 and MSH-18 repeat the sender's.
// - MSA-2 repeats the control id. Errors go in ERR: from v2.5 as ERR-2 location, ERR-3 code
//   (table 0357), ERR-4 severity E, ERR-8 text (section 2.15.5); before v2.5 as ERR-1 (ELD:
//   segment ^ sequence ^ field ^ code&text&HL70357) plus MSA-3 text, which is what those versions have.

import { randomBytes } from 'node:crypto';
import { Message } from 'node-hl7-client';
import { encodeText, type Hl7Charset } from '../encoding/decode-charset.ts';
import { formatHl7DateTime } from '../encoding/hl7-datetime.ts';
import { encodingCharacters, STANDARD_DELIMITERS, type Hl7Delimiters } from '../encoding/hl7-delimiters.ts';
import { escapeText } from '../encoding/hl7-escape.ts';
import type { ParsedHeader } from '../parse/read-header.ts';
import { usesV25ErrorSegment } from '../parse/message-types.ts';
import { ERROR_CONDITIONS, type AckCode, type ErrorLocation, type Hl7Issue } from './ack-codes.ts';

export interface AckRequest {
  readonly code: AckCode;
  /** The acknowledged message's header, as far as it could be read. */
  readonly header: ParsedHeader;
  readonly charset: Hl7Charset;
  readonly issues: readonly Hl7Issue[];
  readonly controlId: string;
  readonly now: Date;
  /** Our application/facility for MSH-3/4 when the sender left MSH-5/6 empty. */
  readonly receivingApplication: string;
  readonly receivingFacility: string;
  /**
   * For an application ACK we send ourselves in enhanced mode: MSH-15/16 of the ACK, so that the
   * other side returns an accept acknowledgment (section 2.9.3; original mode never answers an ACK).
   */
  readonly acknowledgmentRequest?: { readonly accept: string; readonly application: string };
}

let sequence = 0;
const processPrefix = randomBytes(3).toString('hex').toUpperCase();

/**
 * A control id for messages we originate (MSH-10 is ST, at most 20 characters): a per-process
 * random prefix, the time and a counter, unique without a database round trip.
 */
export function newControlId(prefix: string, now: Date = new Date()): string {
  sequence = (sequence + 1) % 36 ** 3;
  return `${prefix}${processPrefix}${now.getTime().toString(36).toUpperCase()}${sequence.toString(36).toUpperCase().padStart(3, '0')}`.slice(
    0,
    20,
  );
}

/** The ERL data type (v2.5 ERR-2): trailing empty components dropped. */
function location(location: ErrorLocation, delimiters: Hl7Delimiters): string {
  const parts = [
    location.segment,
    location.sequence === undefined ? '' : String(location.sequence),
    location.field === undefined ? '' : String(location.field),
    location.repetition === undefined ? '' : String(location.repetition),
    location.component === undefined ? '' : String(location.component),
  ];
  while (parts.length > 1 && parts.at(-1) === '') parts.pop();
  return parts.map((part) => escapeText(part, delimiters)).join(delimiters.component);
}

function addErrorSegments(message: Message, request: AckRequest, delimiters: Hl7Delimiters, version: string): void {
  const escape = (value: string) => escapeText(value, delimiters);
  for (const { code, location: where, message: text } of request.issues) {
    const segment = message.addSegment('ERR');
    if (usesV25ErrorSegment(version)) {
      if (where !== undefined) segment.set('ERR.2', location(where, delimiters));
      segment.set('ERR.3', [String(code), escape(ERROR_CONDITIONS[code]), 'HL70357'].join(delimiters.component));
      segment.set('ERR.4', 'E');
      segment.set('ERR.8', escape(text));
    } else {
      const codedElement = [String(code), escape(ERROR_CONDITIONS[code]), 'HL70357'].join(delimiters.subcomponent);
      const parts = where === undefined ? ['', '', ''] : location(where, delimiters).split(delimiters.component);
      segment.set('ERR.1', [parts[0] ?? '', parts[1] ?? '', parts[2] ?? '', codedElement].join(delimiters.component));
    }
  }
}

/** Builds the ACK and encodes it in the acknowledged message's character set. */
export function buildAck(request: AckRequest): Buffer {
  const delimiters = request.header.delimiters ?? STANDARD_DELIMITERS;
  const fields = request.header.fields;
  const escape = (value: string) => escapeText(value, delimiters);
  const version = fields.versionRaw === '' ? '2.5' : fields.version;

  // A trailing CR makes node-hl7-client pick CR as its segment separator (it guesses from the text).
  const message = new Message({ text: `MSH${delimiters.field}${encodingCharacters(delimiters)}\r` });
  message.set('MSH.3', fields.receivingApplicationRaw || escape(request.receivingApplication));
  message.set('MSH.4', fields.receivingFacilityRaw || escape(request.receivingFacility));
  message.set('MSH.5', fields.sendingApplicationRaw);
  message.set('MSH.6', fields.sendingFacilityRaw);
  message.set('MSH.7', formatHl7DateTime(request.now));
  const trigger = escape(fields.triggerEvent);
  const messageType = trigger === '' ? ['ACK'] : version === '2.3' ? ['ACK', trigger] : ['ACK', trigger, 'ACK'];
  message.set('MSH.9', messageType.join(delimiters.component));
  message.set('MSH.10', escape(request.controlId));
  message.set('MSH.11', fields.processingIdRaw || 'P');
  message.set('MSH.12', fields.versionRaw || '2.5');
  if (request.acknowledgmentRequest !== undefined) {
    message.set('MSH.15', escape(request.acknowledgmentRequest.accept));
    message.set('MSH.16', escape(request.acknowledgmentRequest.application));
  }
  if (request.charset.name !== '' && request.charset.encoding !== undefined) {
    message.set('MSH.18', escape(request.charset.name));
  }

  const msa = message.addSegment('MSA');
  msa.set('MSA.1', request.code);
  msa.set('MSA.2', fields.controlIdRaw);
  const firstIssue = request.issues[0];
  if (firstIssue !== undefined && !usesV25ErrorSegment(version)) msa.set('MSA.3', escape(firstIssue.message));
  addErrorSegments(message, request, delimiters, version);

  // Every segment, the last included, ends with CR (section 2.5.2).
  return encodeText(`${message.toString()}\r`, request.charset);
}

/** The acknowledgment code and control id an ACK carries (MSA-1, MSA-2), for outbound replies. */
export function readAck(payload: Buffer): { code: string; controlId: string } | undefined {
  const text = payload.toString('latin1');
  const msh = text.split(/\r\n|\n|\r/)[0] ?? '';
  if (!msh.startsWith('MSH') || msh.length < 8) return undefined;
  const fieldSeparator = msh.charAt(3);
  const component = msh.charAt(4);
  const msa = text.split(/\r\n|\n|\r/).find((segment) => segment.startsWith(`MSA${fieldSeparator}`));
  if (msa === undefined) return undefined;
  const parts = msa.split(fieldSeparator);
  return {
    code: (parts[1] ?? '').split(component)[0]?.trim().toUpperCase() ?? '',
    controlId: (parts[2] ?? '').trim(),
  };
}
