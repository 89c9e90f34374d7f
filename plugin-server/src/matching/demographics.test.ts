import { describe, expect, it } from 'vitest';
import {
  compareBirthDates,
  compareNames,
  compareSex,
  editDistance,
  normaliseDate,
  normaliseSex,
} from './demographics.ts';

describe('normaliseDate', () => {
  it.each([
    ['19800115', '1980-01-15'],
    ['1980-01-15', '1980-01-15'],
    ['2026-03-12T09:00:00Z', '2026-03-12'],
    ['20260230', null],
    ['', null],
    [null, null],
    ['yesterday', null],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseDate(input)).toBe(expected);
  });
});

describe('normaliseSex', () => {
  it.each([
    ['M', 'M'],
    ['f', 'F'],
    ['O', null],
    ['U', null],
    ['', null],
    [null, null],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseSex(input)).toBe(expected);
  });
});

describe('editDistance', () => {
  it.each([
    ['jane', 'jane', 0],
    ['jane', 'jaen', 1],
    ['doe', 'dow', 1],
    ['emma', 'anna', 3],
    ['', 'abc', 3],
  ])('%s vs %s -> %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });
});

describe('compareNames', () => {
  it.each([
    ['DOE^JANE', 'DOE^JANE', 'match'],
    ['DOE^JANE^^DR', 'DOE^JANE^^^DR', 'match'],
    ['DOE^JANE^^DR', 'DOE^JANE', 'match'],
    ['JANE^DOE', 'DOE^JANE', 'match'],
    ['Doé^Jàne', 'DOE^JANE', 'match'],
    ['GARCIA-LOPEZ^MARIA', 'GARCIA LOPEZ^MARIA', 'match'],
    ['YAMADA^HANAKO=山田^花子', 'YAMADA^HANAKO', 'match'],
    ['Jane Doe', 'DOE^JANE', 'match'],
    ['DOE^JAEN', 'DOE^JANE', 'partial'],
    ['DOW^JANE', 'DOE^JANE', 'partial'],
    ['GARCIA^MARIA', 'GARCIA-LOPEZ^MARIA', 'partial'],
    ['DOE^JANE^ANN', 'DOE^JANE', 'partial'],
    ['SMITH^JANE', 'DOE^JANE', 'partial'],
    ['SMITH^EMMA', 'SMITH^ANNA', 'mismatch'],
    ['ROE^RICHARD', 'DOE^JANE', 'mismatch'],
    ['DOE', 'DOE^JANE', 'mismatch'],
    ['', 'DOE^JANE', 'absent'],
  ])('%s vs %s -> %s', (a, b, outcome) => {
    expect(compareNames(a, b).outcome).toBe(outcome);
  });
});

describe('birth date and sex', () => {
  it.each([
    ['19800115', '1980-01-15', 'match'],
    ['19800115', '1980-01-16', 'mismatch'],
    ['', '1980-01-15', 'absent'],
    ['19800115', null, 'absent'],
  ])('birth date %s vs %s -> %s', (a, b, outcome) => {
    expect(compareBirthDates(a, b).outcome).toBe(outcome);
  });

  it.each([
    ['F', 'F', 'match'],
    ['F', 'M', 'mismatch'],
    ['O', 'M', 'absent'],
    ['', null, 'absent'],
  ])('sex %s vs %s -> %s', (a, b, outcome) => {
    expect(compareSex(a, b).outcome).toBe(outcome);
  });
});
