import { describe, expect, it } from 'vitest';
import { forwardedQuery, queryKeyNames, rawQueryOf } from './dicomweb-query.ts';

describe('forwardedQuery', () => {
  it.each([
    // OHIF's study list: the encoded commas of includefield become literal commas.
    [
      'limit=101&offset=0&fuzzymatching=false&includefield=00081030%2C00080060',
      'limit=101&offset=0&fuzzymatching=false&includefield=00081030,00080060',
    ],
    ['includefield=00081030%2c00080060%2C00100010', 'includefield=00081030,00080060,00100010'],
    ['IncludeField=00081030%2C00080060', 'IncludeField=00081030,00080060'],
    ['include%66ield=a%2Cb', 'include%66ield=a,b'],
    // Everything else goes as it came: names with ^, wildcards, + and encoded characters.
    ['PatientName=M%C3%BCller%5EHans*&StudyDate=20240101-', 'PatientName=M%C3%BCller%5EHans*&StudyDate=20240101-'],
    ['PatientName=a%2Cb', 'PatientName=a%2Cb'],
    ['PatientName=a+b&&', 'PatientName=a+b'],
    ['includefield', 'includefield'],
    ['', ''],
  ])('%j -> %j', (raw, expected) => {
    expect(forwardedQuery(raw)).toBe(expected);
  });
});

describe('queryKeyNames', () => {
  it('lists the keys, never the values', () => {
    expect(queryKeyNames('PatientName=Doe%5EJane&limit=101&00100020=123&limit=5&includefield=a%2Cb')).toEqual([
      '00100020',
      'PatientName',
      'includefield',
      'limit',
    ]);
  });

  it('hides keys that are not plain keywords or tags', () => {
    expect(queryKeyNames('Doe%5EJane=1&Jane%20Doe&x')).toEqual(['(other)', 'x']);
    expect(queryKeyNames('%E0%A4%A=1')).toEqual(['(other)']);
  });
});

describe('rawQueryOf', () => {
  it('is the part after the first ?', () => {
    expect(rawQueryOf('/studies?a=1&b=2?c')).toBe('a=1&b=2?c');
    expect(rawQueryOf('/studies')).toBe('');
  });
});
