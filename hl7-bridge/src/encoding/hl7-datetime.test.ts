// HL7 DT/DTM values to ISO-8601.

import { describe, expect, it } from 'vitest';
import { formatHl7Date, parseHl7Date, parseHl7DateTime } from './hl7-datetime.ts';

describe('parseHl7Date', () => {
  it.each([
    ['19800214', '1980-02-14'],
    ['198002', '1980-02'],
    ['1980', '1980'],
    ['198002141230', '1980-02-14'],
    ['19800214123000.123+0100', '1980-02-14'],
    ['', null],
    ['  ', null],
  ])('%j -> %j', (raw, expected) => {
    expect(parseHl7Date(raw)).toEqual({ ok: true, value: expected });
  });

  it.each(['19800230', '19801301', '1980-02-14', 'ABCD', '19800214256000', '198'])('refuses %j', (raw) => {
    expect(parseHl7Date(raw)).toEqual({ ok: false });
  });
});

describe('parseHl7DateTime', () => {
  it.each([
    ['20240301101500+0100', '2024-03-01T09:15:00.000Z'],
    ['20240301101500-0500', '2024-03-01T15:15:00.000Z'],
    ['20240301101500.5+0000', '2024-03-01T10:15:00.500Z'],
    ['202403011015+0000', '2024-03-01T10:15:00.000Z'],
    ['', null],
  ])('%j -> %j', (raw, expected) => {
    expect(parseHl7DateTime(raw)).toEqual({ ok: true, value: expected });
  });

  it('reads a time without offset in local time', () => {
    const parsed = parseHl7DateTime('20240301101500');
    expect(parsed).toEqual({ ok: true, value: new Date(2024, 2, 1, 10, 15, 0).toISOString() });
  });

  it('accepts hour precision', () => {
    expect(parseHl7DateTime('2024030110')).toEqual({ ok: true, value: new Date(2024, 2, 1, 10).toISOString() });
  });

  it.each(['20240231', 'now', '20240301246000', '2024-03-01'])('refuses %j', (raw) => {
    expect(parseHl7DateTime(raw)).toEqual({ ok: false });
  });
});

describe('formatHl7Date', () => {
  it('writes ISO dates as DT', () => {
    expect(formatHl7Date('1980-02-14')).toBe('19800214');
    expect(formatHl7Date('1980')).toBe('1980');
  });
});
