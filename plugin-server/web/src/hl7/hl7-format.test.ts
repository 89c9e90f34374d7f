import { describe, expect, it } from 'vitest';
import {
  describeEventDetails,
  formatHl7Name,
  formatPair,
  messageTextForDisplay,
  orderLabel,
  orDash,
} from './hl7-format.ts';

const name = (parts: Partial<Parameters<typeof formatHl7Name>[0]>) =>
  formatHl7Name({ family: '', given: '', middle: '', prefix: '', suffix: '', ...parts });

describe('HL7 values on screen', () => {
  it.each([
    [{ family: 'DOE', given: 'JANE' }, 'DOE, JANE'],
    [{ family: 'DOE', given: 'JANE', middle: 'Q', prefix: 'DR', suffix: 'JR' }, 'DOE, DR JANE Q JR'],
    [{ family: 'DOE' }, 'DOE'],
    [{ given: 'JANE' }, 'JANE'],
    [{ family: ' ' }, '–'],
    [{ family: '<img src=x onerror=alert(1)>' }, '<img src=x onerror=alert(1)>'],
  ])('formats the name %j as %s', (parts, expected) => {
    expect(name(parts)).toBe(expected);
  });

  it.each([
    [null, '–'],
    [undefined, '–'],
    ['', '–'],
    ['  ', '–'],
    ['AA', 'AA'],
    [0, '0'],
  ])('shows %j as %s', (value, expected) => {
    expect(orDash(value)).toBe(expected);
  });

  it('joins sender parts that are present', () => {
    expect(formatPair('EMR', 'HOSP')).toBe('EMR / HOSP');
    expect(formatPair('EMR', '')).toBe('EMR');
    expect(formatPair(null, null)).toBe('–');
  });

  it.each([
    ['MSH|^~\\&|EMR\rPID|1\r', 'MSH|^~\\&|EMR\nPID|1'],
    ['MSH|1\r\nPID|1\r\n', 'MSH|1\nPID|1'],
    ['MSH|1\nPID|1\n', 'MSH|1\nPID|1'],
    ['MSH|1', 'MSH|1'],
  ])('puts each segment of %j on its own line', (raw, expected) => {
    expect(messageTextForDisplay(raw)).toBe(expected);
  });

  it.each([
    ['{}', ''],
    ['{"changed":["procedure","status"]}', 'changed: procedure, status'],
    ['{"priorMrn":"M1","priorMrnIssuer":"HOSP"}', 'prior MRN: M1; prior MRN issuer: HOSP'],
    ['{"patientId":12}', 'other patient: 12'],
    ['{"somethingNew":{"a":1}}', 'somethingNew: {"a":1}'],
    ['["a","b"]', 'a, b'],
    ['not json', 'not json'],
  ])('describes event details %s as %j', (details, expected) => {
    expect(describeEventDetails(details)).toBe(expected);
  });
});

describe('order and patient labels', () => {
  it.each([
    [{ id: 3, placer_order_number: 'P1', filler_order_number: 'F1' }, 'P1'],
    [{ id: 3, placer_order_number: null, filler_order_number: 'F1' }, 'F1'],
    [{ id: 3, placer_order_number: null, filler_order_number: null }, '#3'],
  ])('names the order %j %s', (order, expected) => {
    expect(orderLabel(order)).toBe(expected);
  });
});
