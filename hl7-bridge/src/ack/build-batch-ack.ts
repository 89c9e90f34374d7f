// The answer to a batch (HL7 v2.5 section 2.10.3.3): a batch of ACKs, one per message in the order
// received, in an envelope that mirrors the sender's: BHS (and FHS for a file batch) with sending
// and receiving swapped, our own control id in BHS-11/FHS-11 and the sender's in BHS-12/FHS-12
// (reference control id), and BTS-1 / FTS-1 counts. Built with node-hl7-client's Batch and
// FileBatch; each ACK is the one stored with its message, so a resent batch gets the same ACKs.

import { Batch, FileBatch, Message } from 'node-hl7-client';
import { encodeText, type Hl7Charset } from '../encoding/decode-charset.ts';
import { formatHl7DateTime } from '../encoding/hl7-datetime.ts';
import { STANDARD_DELIMITERS } from '../encoding/hl7-delimiters.ts';
import { escapeText } from '../encoding/hl7-escape.ts';
import type { SplitBatch } from '../parse/split-batch.ts';

export interface BatchAckRequest {
  readonly batch: SplitBatch;
  /** The stored ACK of each message, in order. */
  readonly acks: readonly Buffer[];
  readonly charset: Hl7Charset;
  readonly controlId: string;
  readonly now: Date;
  readonly receivingApplication: string;
  readonly receivingFacility: string;
}

function headerFields(segment: string | undefined, separator: string): string[] {
  return segment === undefined ? [] : segment.split(separator);
}

/** Copies the envelope header fields, swapping sender and receiver (fields 3-6). */
function fillHeader(
  target: Batch | FileBatch,
  name: 'BHS' | 'FHS',
  source: string | undefined,
  request: BatchAckRequest,
): void {
  // The envelope is written with standard delimiters, so fields are copied raw only from a sender
  // that uses them too; parts[n - 1] is field n, as in MSH, because field 1 is the separator.
  const delimiters = request.batch.delimiters;
  const standard =
    delimiters !== undefined &&
    Object.entries(STANDARD_DELIMITERS).every(([key, value]) => delimiters[key as keyof typeof delimiters] === value);
  const parts = standard ? headerFields(source, STANDARD_DELIMITERS.field) : [];
  const field = (index: number) => parts[index - 1] ?? '';
  target.set(`${name}.3`, field(5) || escapeText(request.receivingApplication, STANDARD_DELIMITERS));
  target.set(`${name}.4`, field(6) || escapeText(request.receivingFacility, STANDARD_DELIMITERS));
  target.set(`${name}.5`, field(3));
  target.set(`${name}.6`, field(4));
  target.set(`${name}.7`, formatHl7DateTime(request.now));
  target.set(`${name}.11`, escapeText(request.controlId, STANDARD_DELIMITERS));
  target.set(`${name}.12`, field(11));
}

export function buildBatchAck(request: BatchAckRequest): Buffer {
  // Each ACK keeps its own MSH-1/MSH-2.
  const batch = new Batch();
  fillHeader(batch, 'BHS', request.batch.batchHeader, request);
  for (const ack of request.acks) {
    const text = ack.toString(request.charset.encoding === 'utf8' ? 'utf8' : 'latin1');
    batch.add(new Message({ text }));
  }
  batch.end();
  let envelope: Batch | FileBatch = batch;
  if (request.batch.fileHeader !== undefined) {
    const file = new FileBatch();
    fillHeader(file, 'FHS', request.batch.fileHeader, request);
    file.add(batch);
    file.end();
    envelope = file;
  }
  return encodeText(`${envelope.toString()}\r`, request.charset);
}
