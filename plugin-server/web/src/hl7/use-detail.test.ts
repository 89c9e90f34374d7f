import { describe, expect, it } from 'vitest';
import { idFromQuery } from './use-detail.ts';

describe('the id of a detail address', () => {
  it.each([
    ['12', 12],
    ['1', 1],
    ['', undefined],
    ['0', undefined],
    ['012', undefined],
    ['-3', undefined],
    ['1.5', undefined],
    ['12abc', undefined],
    ['99999999999999999', undefined],
  ])('reads %j as %j', (value, expected) => {
    expect(idFromQuery(value)).toBe(expected);
  });
});
