// ACK layout per version (HL7 v2.5 sections 2.14.1, 2.15.5, 2.15.8), byte for byte.

import { describe, expect, it } from 'vitest';
import { parseHl7Config } from '../config/hl7-config.ts';
import { formatHl7DateTime } from '../encoding/hl7-datetime.ts';
import { assessMessage } from '../inbox/assess-message.ts';
import { latin1, ormMessage } from '../testing/hl7-test-messages.ts';
import { issue, type AckCode, type Hl7Issue } from './ack-codes.ts';
import { buildAck, readAck } from './build-ack.ts';

const NOW = new Date(2024, 2, 1, 10, 15, 30);
const STAMP = formatHl7DateTime(NOW);
const patient = { mrn: 'MRN001' };

function ackFor(bytes: Buffer, code: AckCode, issues: Hl7Issue[] = []): Buffer {
  const assessed = assessMessage(bytes, parseHl7Config({}));
  return buildAck({
    code,
    header: assessed.header,
    charset: assessed.charset,
    issues,
    controlId: 'ACK1',
    now: NOW,
    receivingApplication: 'OUTSIDE',
    receivingFacility: 'HOSP',
  });
}

describe('buildAck', () => {
  it('answers AA with sender and receiver swapped and MSA-2 echoing MSH-10', () => {
    const ack = ackFor(latin1(ormMessage({ controlId: 'C1', placer: 'P1', patient })), 'AA');
    expect(ack.toString('latin1')).toBe(
      `MSH|^~\\&|OUTSIDE|HOSP|EMR|HOSP|${STAMP}||ACK^O01^ACK|ACK1|P|2.5\rMSA|AA|C1\r`,
    );
  });

  it('writes v2.5 errors as ERR-2 location, ERR-3 table 0357 code, ERR-4 severity, ERR-8 text', () => {
    const ack = ackFor(latin1(ormMessage({ controlId: 'C1', placer: 'P1', patient })), 'AE', [
      issue(101, { segment: 'PID', sequence: 1, field: 3 }, 'PID-3 is empty'),
      issue(103, { segment: 'ORC', sequence: 2, field: 1 }, 'ORC-1 A^B'),
    ]);
    expect(ack.toString('latin1').split('\r').slice(1)).toEqual([
      'MSA|AE|C1',
      'ERR||PID^1^3|101^Required field missing^HL70357|E||||PID-3 is empty',
      'ERR||ORC^2^1|103^Table value not found^HL70357|E||||ORC-1 A\\S\\B',
      '',
    ]);
  });

  it('writes v2.3 errors in ERR-1 (ELD) with MSA-3 text, as those versions define', () => {
    const ack = ackFor(latin1(ormMessage({ controlId: 'C1', version: '2.3', placer: 'P1', patient })), 'AE', [
      issue(101, { segment: 'PID', sequence: 1, field: 3 }, 'PID-3 is empty'),
    ]);
    expect(ack.toString('latin1')).toBe(
      `MSH|^~\\&|OUTSIDE|HOSP|EMR|HOSP|${STAMP}||ACK^O01|ACK1|P|2.3\r` +
        'MSA|AE|C1|PID-3 is empty\r' +
        'ERR|PID^1^3^101&Required field missing&HL70357\r',
    );
  });

  it('answers in the sender’s own delimiters, echoing its fields as sent', () => {
    const text = ormMessage({ controlId: 'C\\S\\1', placer: 'P1', patient })
      .replaceAll('|', '!')
      .replaceAll('^', '@')
      .replace('MSH!@~\\&!EMR!HOSP', 'MSH!@~\\&!EMR@1.2.3@ISO!HOSP');
    const ack = ackFor(latin1(text), 'AA');
    expect(ack.toString('latin1')).toBe(
      `MSH!@~\\&!OUTSIDE!HOSP!EMR@1.2.3@ISO!HOSP!${STAMP}!!ACK@O01@ACK!ACK1!P!2.5\rMSA!AA!C\\S\\1\r`,
    );
  });

  it('answers with the standard delimiters and an empty MSA-2 when MSH-2 is unusable', () => {
    const ack = ackFor(latin1('MSH|^^|EMR|HOSP|||||ORM^O01|C1|P|2.5\r'), 'AR', [
      issue(102, { segment: 'MSH', sequence: 1, field: 2 }, 'bad MSH-2'),
    ]);
    expect(ack.toString('latin1')).toBe(
      `MSH|^~\\&|OUTSIDE|HOSP|||${STAMP}||ACK|ACK1|P|2.5\rMSA|AR|\rERR||MSH^1^2|102^Data type error^HL70357|E||||bad MSH-2\r`,
    );
  });

  it('echoes MSH-18 and encodes the ACK in UTF-8 for a UTF-8 message', () => {
    const text = ormMessage({ controlId: 'C1', placer: 'P1', patient, mshExtra: '||||||UNICODE UTF-8' }).replace(
      'OUTSIDE|HOSP',
      'OUTSIDE|HÔPITAL',
    );
    const ack = ackFor(Buffer.from(text, 'utf8'), 'CA');
    expect(ack).toEqual(
      Buffer.from(
        `MSH|^~\\&|OUTSIDE|HÔPITAL|EMR|HOSP|${STAMP}||ACK^O01^ACK|ACK1|P|2.5||||||UNICODE UTF-8\rMSA|CA|C1\r`,
        'utf8',
      ),
    );
  });
});

describe('readAck', () => {
  it('reads MSA-1 and MSA-2', () => {
    expect(readAck(latin1('MSH|^~\\&|A|B|||||ACK|X|P|2.5\rMSA|ae|C7\r'))).toEqual({ code: 'AE', controlId: 'C7' });
    expect(readAck(latin1('MSH|^~\\&|A|B|||||ACK|X|P|2.5\r'))).toBeUndefined();
    expect(readAck(latin1('garbage'))).toBeUndefined();
  });
});
