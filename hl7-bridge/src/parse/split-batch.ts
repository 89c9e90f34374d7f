// Batches (HL7 v2.5 section 2.10.3): [FHS] { BHS { MSH ... } BTS } [FTS]. The frame is split into
// its messages at byte level, so each message is stored with exactly the bytes it arrived with;
// segment starts are found at CR or LF, which are single ASCII bytes in every character set we
// accept (see ../encoding/decode-charset.ts).

import { readDelimiters, type Hl7Delimiters } from '../encoding/hl7-delimiters.ts';

export interface SplitBatch {
  /** The FHS segment text when the frame is a file batch. */
  readonly fileHeader: string | undefined;
  /** The (first) BHS segment text. */
  readonly batchHeader: string | undefined;
  readonly delimiters: Hl7Delimiters | undefined;
  readonly messages: readonly Buffer[];
}

const ENVELOPE = new Set(['FHS', 'BHS', 'BTS', 'FTS']);

export function isBatch(payload: Buffer): boolean {
  const start = payload
    .subarray(0, 8)
    .toString('latin1')
    .replace(/^[\s\uFEFF]+/, '');
  return start.startsWith('FHS') || start.startsWith('BHS');
}

export function splitBatch(payload: Buffer): SplitBatch {
  const text = payload.toString('latin1');
  const segments: { name: string; start: number; end: number }[] = [];
  const pattern = /[^\r\n]+/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    segments.push({ name: match[0].slice(0, 3), start: match.index, end: match.index + match[0].length });
  }
  const fileHeader = segments.find((segment) => segment.name === 'FHS');
  const batchHeader = segments.find((segment) => segment.name === 'BHS');
  const header = fileHeader ?? batchHeader;
  const messages: Buffer[] = [];
  let messageStart: number | undefined;
  let messageEnd = 0;
  const flush = (): void => {
    if (messageStart !== undefined) messages.push(Buffer.from(payload.subarray(messageStart, messageEnd)));
    messageStart = undefined;
  };
  for (const segment of segments) {
    if (segment.name === 'MSH' || ENVELOPE.has(segment.name)) flush();
    if (segment.name === 'MSH') messageStart = segment.start;
    if (messageStart !== undefined) messageEnd = segment.end;
  }
  flush();
  const headerText = header === undefined ? undefined : text.slice(header.start, header.end);
  return {
    fileHeader: fileHeader === undefined ? undefined : text.slice(fileHeader.start, fileHeader.end),
    batchHeader: batchHeader === undefined ? undefined : text.slice(batchHeader.start, batchHeader.end),
    delimiters: headerText === undefined ? undefined : readDelimiters(headerText),
    messages,
  };
}
