// Assessing received bytes: mapping per DESIGN section 5 across versions, and the AE/AR verdict
// with table 0357 code and ERR location for each kind of malformed input. No I/O.

import { describe, expect, it } from 'vitest';
import { parseHl7Config, type Hl7ConfigInput } from '../config/hl7-config.ts';
import type { MappedMessage, MappedOrder } from '../mapping/domain-schemas.ts';
import { adtMessage, latin1, mergeMessage, omiMessage, ormMessage, segment } from '../testing/hl7-test-messages.ts';
import { assessMessage, contentHash } from './assess-message.ts';

const patient = { mrn: 'MRN001', familyName: 'TESTPATIENT', givenName: 'ALEX', birthDate: '19800214', sex: 'F' };

function assess(text: string | Buffer, config: Hl7ConfigInput = {}) {
  return assessMessage(typeof text === 'string' ? latin1(text) : text, parseHl7Config(config));
}

function mapped(text: string | Buffer, config: Hl7ConfigInput = {}): MappedMessage {
  const { verdict } = assess(text, config);
  if (verdict.code !== 'AA') throw new Error(`expected AA, got ${verdict.code}: ${JSON.stringify(verdict.issues)}`);
  return verdict.mapped;
}

function firstOrder(message: MappedMessage): MappedOrder {
  if (message.kind !== 'order' || message.orders[0] === undefined) throw new Error('not an order message');
  return message.orders[0];
}

describe('ORM^O01 mapping', () => {
  it.each(['2.3', '2.3.1', '2.4', '2.5', '2.5.1'])('maps version %s per DESIGN section 5', (version) => {
    const message = mapped(
      ormMessage({
        controlId: 'C1',
        version,
        placer: 'PL1',
        filler: 'FL1',
        accession: 'ACC1',
        studyInstanceUid: '1.2.840.99.1',
        patient,
      }),
    );
    expect(message).toMatchObject({
      kind: 'order',
      messageType: 'ORM^O01',
      patient: {
        mrn: 'MRN001',
        mrnIssuer: 'HOSP',
        name: { familyName: 'TESTPATIENT', givenName: 'ALEX', middleName: '', suffix: '', prefix: '' },
        birthDate: '1980-02-14',
        sex: 'F',
      },
    });
    expect(firstOrder(message)).toEqual({
      orderControl: 'NW',
      orderStatusCode: null,
      placerOrderNumber: 'PL1',
      placerApplication: 'EMR',
      fillerOrderNumber: 'FL1',
      fillerApplication: 'RIS',
      accessionNumber: 'ACC1',
      requestedProcedureId: 'RPPL1',
      scheduledProcedureStepId: null,
      procedureCode: 'CTHEAD',
      procedureCodingSystem: 'L',
      procedureText: 'CT HEAD WITHOUT CONTRAST',
      modality: 'CT',
      studyInstanceUid: '1.2.840.99.1',
      orderedAt: new Date(2024, 2, 1, 10, 0, 0).toISOString(),
      scheduledAt: null,
      department: 'RAD',
      orderingProviderId: '1234',
      orderingProviderName: 'ORDERING, DOC',
      reasonForStudy: null,
      hasOrderDetail: true,
    });
  });

  it('maps every order group of a message with several ORC/OBR', () => {
    const one = ormMessage({ controlId: 'C1', placer: 'PL1', accession: 'ACC1', patient });
    const second = one
      .split('\r')
      .filter((line) => line.startsWith('ORC') || line.startsWith('OBR'))
      .map((line) => line.replaceAll('PL1', 'PL2').replace('ACC1', 'ACC2'))
      .join('\r');
    const message = mapped(`${one}${second}\r`);
    if (message.kind !== 'order') throw new Error('not an order');
    expect(message.orders.map((order) => [order.placerOrderNumber, order.accessionNumber])).toEqual([
      ['PL1', 'ACC1'],
      ['PL2', 'ACC2'],
    ]);
  });

  it.each([
    ['OBR-18 (default)', {}, 'ACC1'],
    ['ORC-3', { accessionField: 'ORC-3' }, 'FL1'],
    ['OBR-3', { accessionField: 'OBR-3' }, 'FL1'],
    ['ZDS-1', { accessionField: 'ZDS-1' }, '1.2.3'],
    ['an interface override', { interfaces: [{ sendingApplication: 'EMR', accessionField: 'ORC-3' }] }, 'FL1'],
    [
      'an override for another facility',
      { interfaces: [{ sendingApplication: 'EMR', sendingFacility: 'OTHER', accessionField: 'ORC-3' }] },
      'ACC1',
    ],
  ] as const)('reads the accession from %s', (_name, config, expected) => {
    const text = ormMessage({
      controlId: 'C1',
      placer: 'PL1',
      filler: 'FL1',
      accession: 'ACC1',
      studyInstanceUid: '1.2.3',
      patient,
    });
    expect(firstOrder(mapped(text, config as Hl7ConfigInput)).accessionNumber).toBe(expected);
  });

  it('takes the MRN from the local MR repetition among several identifiers', () => {
    const text = ormMessage({
      controlId: 'C1',
      placer: 'PL1',
      patient: { ...patient, otherIdentifiers: ['999-99-9999^^^SSA^SS', 'X77^^^OTHERHOSP^MR'] },
    }).replace('MRN001^^^HOSP^MR~', 'X1^^^OTHERHOSP^MR~MRN001^^^HOSP^MR~');
    const message = mapped(text);
    if (message.kind !== 'order') throw new Error('not an order');
    expect(message.patient.mrn).toBe('MRN001');
    expect(message.patient.identifiers.map((identifier) => identifier.identifier)).toEqual([
      'X1',
      'MRN001',
      '999-99-9999',
      'X77',
    ]);
  });

  it('accepts a v2.3 PID-3 from the local authority without a type code', () => {
    const text = ormMessage({ controlId: 'C1', version: '2.3', placer: 'PL1', patient }).replace(
      'MRN001^^^HOSP^MR',
      'MRN001^^^HOSP',
    );
    expect(mapped(text)).toMatchObject({ patient: { mrn: 'MRN001' } });
  });

  it('decodes escapes and honours the sender’s segment separators', () => {
    const text = ormMessage({
      controlId: 'C1',
      placer: 'PL1',
      patient: { ...patient, familyName: 'O\\T\\BRIEN\\S\\JR' },
    });
    const expected = mapped(text);
    expect(expected).toMatchObject({ patient: { name: { familyName: 'O&BRIEN^JR' } } });
    expect(mapped(text.replaceAll('\r', '\n'))).toEqual(expected);
    expect(mapped(text.replaceAll('\r', '\r\n'))).toEqual(expected);
    expect(contentHash(latin1(text.replaceAll('\r', '\r\n')))).toBe(contentHash(latin1(text.slice(0, -1))));
  });

  it('reads UTF-8 under MSH-18 UNICODE UTF-8, hex escapes included', () => {
    const text = ormMessage({
      controlId: 'C1',
      placer: 'PL1',
      patient: { ...patient, familyName: 'MÜLLER', givenName: 'J\\XC3A9\\\\R\\\\XC3B4\\ME' },
      mshExtra: '||||||UNICODE UTF-8',
    });
    expect(mapped(Buffer.from(text, 'utf8'))).toMatchObject({
      patient: { name: { familyName: 'MÜLLER', givenName: 'Jé~ôME' } },
    });
  });
});

describe('OMI^O23 mapping', () => {
  it('takes accession, requested procedure, Study UID, step and modality from IPC', () => {
    const message = mapped(
      omiMessage({ controlId: 'C1', placer: 'PL9', accession: 'ACC9', studyInstanceUid: '1.2.840.99.9', patient }),
    );
    expect(message).toMatchObject({ kind: 'order', messageType: 'OMI^O23' });
    expect(firstOrder(message)).toMatchObject({
      placerOrderNumber: 'PL9',
      accessionNumber: 'ACC9',
      requestedProcedureId: 'RPPL9',
      scheduledProcedureStepId: 'SPSPL9',
      studyInstanceUid: '1.2.840.99.9',
      modality: 'MR',
      procedureCode: 'MRKNEE',
      scheduledAt: new Date(2024, 2, 5, 8, 30, 0).toISOString(),
    });
  });
});

describe('ADT mapping', () => {
  it.each(['A01', 'A04', 'A08', 'A31'])('maps ADT^%s demographics', (trigger) => {
    expect(mapped(adtMessage('C1', trigger, patient))).toEqual({
      kind: 'patient',
      triggerEvent: trigger,
      patient: {
        mrn: 'MRN001',
        mrnIssuer: 'HOSP',
        identifiers: [
          {
            identifier: 'MRN001',
            assigningAuthority: 'HOSP',
            assigningAuthorityUniversalId: '',
            assigningAuthorityUniversalIdType: '',
            identifierType: 'MR',
            assigningFacility: '',
          },
        ],
        name: { familyName: 'TESTPATIENT', givenName: 'ALEX', middleName: '', suffix: '', prefix: '' },
        birthDate: '1980-02-14',
        sex: 'F',
      },
    });
  });

  it('maps ADT^A40 to survivor and retired MRN', () => {
    expect(mapped(mergeMessage('C1', { mrn: 'NEW1' }, 'OLD1'))).toMatchObject({
      kind: 'merge',
      merges: [{ patient: { mrn: 'NEW1' }, priorMrn: 'OLD1', priorMrnIssuer: 'HOSP' }],
    });
  });
});

const ORM = ormMessage({ controlId: 'C1', placer: 'PL1', accession: 'ACC1', patient });
const lines = ORM.split('\r');
const withSegment = (name: string, replacement: string | undefined) =>
  `${lines
    .filter((line) => line !== '')
    .flatMap((line) => (line.startsWith(`${name}|`) ? (replacement === undefined ? [] : [replacement]) : [line]))
    .join('\r')}\r`;

describe('malformed input', () => {
  it.each([
    ['no MSH', 'PID|1||1^^^HOSP^MR\r', 'AR', 100, { segment: 'MSH', sequence: 1 }],
    [
      'wrong encoding characters',
      ORM.replace('MSH|^~\\&|', 'MSH|^~|'),
      'AR',
      102,
      { segment: 'MSH', sequence: 1, field: 2 },
    ],
    [
      'repeated delimiter',
      ORM.replace('MSH|^~\\&|', 'MSH|^^\\&|'),
      'AR',
      102,
      { segment: 'MSH', sequence: 1, field: 2 },
    ],
    [
      'unknown message type',
      ORM.replace('ORM^O01^ORM_O01', 'ZZZ^Z01'),
      'AR',
      200,
      { segment: 'MSH', sequence: 1, field: 9, component: 1 },
    ],
    [
      'unsupported event',
      adtMessage('C1', 'A03', patient),
      'AR',
      201,
      { segment: 'MSH', sequence: 1, field: 9, component: 2 },
    ],
    [
      'OMI before v2.4',
      omiMessage({ controlId: 'C1', placer: 'P', patient, version: '2.3' }),
      'AR',
      200,
      { segment: 'MSH', sequence: 1, field: 9, component: 1 },
    ],
    ['unsupported version', ORM.replace('|P|2.5', '|P|2.6'), 'AR', 203, { segment: 'MSH', sequence: 1, field: 12 }],
    [
      'unsupported processing id',
      ORM.replace('|P|2.5', '|X|2.5'),
      'AR',
      202,
      { segment: 'MSH', sequence: 1, field: 11 },
    ],
    ['empty control id', ORM.replace('|C1|', '||'), 'AR', 101, { segment: 'MSH', sequence: 1, field: 10 }],
    [
      'unsupported MSH-18',
      ormMessage({ controlId: 'C1', placer: 'P', patient, mshExtra: '||||||UNICODE UTF-16' }),
      'AR',
      103,
      { segment: 'MSH', sequence: 1, field: 18 },
    ],
    [
      'invalid MSH-15',
      ormMessage({ controlId: 'C1', placer: 'P', patient, mshExtra: '|||XX' }),
      'AR',
      103,
      { segment: 'MSH', sequence: 1, field: 15 },
    ],
    ['two MSH in one frame', `${ORM}${ORM}`, 'AR', 100, { segment: 'MSH', sequence: 2 }],
    [
      'missing PID-3',
      withSegment('PID', 'PID|1||||TESTPATIENT^ALEX'),
      'AE',
      101,
      { segment: 'PID', sequence: 1, field: 3 },
    ],
    [
      'PID-3 without a local MRN',
      ORM.replace('MRN001^^^HOSP^MR', 'MRN001^^^ELSEWHERE^MR'),
      'AE',
      101,
      { segment: 'PID', sequence: 1, field: 3 },
    ],
    ['missing PID', withSegment('PID', undefined), 'AE', 100, { segment: 'PID' }],
    ['invalid birth date', ORM.replace('19800214', '19801345'), 'AE', 102, { segment: 'PID', sequence: 1, field: 7 }],
    [
      'unsupported order control',
      ORM.replace('ORC|NW|', 'ORC|RE|'),
      'AE',
      103,
      { segment: 'ORC', sequence: 1, field: 1 },
    ],
    ['SC without ORC-5', ORM.replace('ORC|NW|', 'ORC|SC|'), 'AE', 101, { segment: 'ORC', sequence: 1, field: 5 }],
    [
      'invalid ORC-5',
      ORM.replace('ORC|NW|PL1^EMR|||', 'ORC|SC|PL1^EMR|||ZZ'),
      'AE',
      103,
      { segment: 'ORC', sequence: 1, field: 5 },
    ],
    [
      'no placer or filler number',
      withSegment('ORC', 'ORC|NW').replace('OBR|1|PL1^EMR|', 'OBR|1||'),
      'AE',
      101,
      { segment: 'ORC', sequence: 1, field: 2 },
    ],
    ['NW without OBR', withSegment('OBR', undefined), 'AE', 100, { segment: 'OBR' }],
    [
      'OBR before ORC',
      `${lines.filter((line) => line !== '' && !line.startsWith('ORC')).join('\r')}\r`,
      'AE',
      100,
      { segment: 'OBR', sequence: 1 },
    ],
    [
      'invalid ORC-9',
      ORM.replace('||||20240301100000|||1234', '||||2024-03-01|||1234'),
      'AE',
      102,
      { segment: 'ORC', sequence: 1, field: 9 },
    ],
    [
      'invalid Study UID',
      ormMessage({ controlId: 'C1', placer: 'P', patient, studyInstanceUid: '1.2.X' }),
      'AE',
      102,
      { segment: 'ZDS', sequence: 1, field: 1 },
    ],
    [
      'OMI NW without IPC',
      omiMessage({ controlId: 'C1', placer: 'P', patient }).replace(/IPC\|[^\r]*\r/, ''),
      'AE',
      100,
      { segment: 'IPC' },
    ],
    [
      'A40 without MRG',
      mergeMessage('C1', { mrn: 'A' }, 'B').replace(/MRG\|[^\r]*\r/, ''),
      'AE',
      100,
      { segment: 'MRG' },
    ],
    [
      'A40 without a local prior MRN',
      mergeMessage('C1', { mrn: 'A' }, 'B').replace('B^^^HOSP^MR', 'B^^^ELSEWHERE^MR'),
      'AE',
      101,
      { segment: 'MRG', sequence: 1, field: 1 },
    ],
  ] as const)('%s', (_name, text, code, errorCode, location) => {
    const { verdict } = assess(text);
    expect(verdict.code).toBe(code);
    if (verdict.code === 'AA') return;
    expect(verdict.issues[0]).toMatchObject({ code: errorCode, location });
  });

  it('answers non-UTF-8 bytes under UTF-8 with AE naming the field', () => {
    const text = ormMessage({ controlId: 'C1', placer: 'PL1', patient, mshExtra: '||||||UNICODE UTF-8' });
    const bytes = latin1(text.replace('TESTPATIENT', 'M\xfcLLER'));
    const { verdict } = assessMessage(bytes, parseHl7Config({}));
    expect(verdict.code).toBe('AE');
    if (verdict.code === 'AA') return;
    expect(verdict.issues[0]).toMatchObject({ code: 102, location: { segment: 'PID', sequence: 1, field: 5 } });
  });

  it('never throws on arbitrary bytes', () => {
    for (const bytes of [
      Buffer.alloc(0),
      Buffer.from([0x00, 0xff, 0x0d]),
      latin1('MSH'),
      latin1('MSH|'),
      latin1('MSH|^~\\&'),
      latin1(segment('MSH', { 2: '^~\\&', 9: 'ORM^O01', 10: 'X', 11: 'P', 12: '2.5' })),
      latin1('\r\r\n\n'),
    ]) {
      expect(['AE', 'AR']).toContain(assessMessage(bytes, parseHl7Config({})).verdict.code);
    }
  });
});
