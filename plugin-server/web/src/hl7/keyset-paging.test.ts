import { describe, expect, it } from 'vitest';
import { FIRST_PAGE, newerPage, olderPage, pageNumber, pageOf, pageRequest } from './keyset-paging.ts';

const rows = (...ids: number[]) => ids.map((id) => ({ id }));

describe('keyset paging', () => {
  it('asks for one row more than it shows, to know whether older rows exist', () => {
    expect(pageRequest(FIRST_PAGE, 3)).toEqual({ limit: 4, before: undefined });
    expect(pageOf(rows(9, 8, 7, 6), 3)).toEqual({ rows: rows(9, 8, 7), hasOlder: true });
    expect(pageOf(rows(9, 8, 7), 3)).toEqual({ rows: rows(9, 8, 7), hasOlder: false });
    expect(pageOf([], 3)).toEqual({ rows: [], hasOlder: false });
  });

  it('goes older after the last row shown and back again', () => {
    const second = olderPage(FIRST_PAGE, rows(9, 8, 7), true);
    expect(second).toEqual({ before: 7, newer: [undefined] });
    if (second === undefined) return;
    expect(pageRequest(second, 3)).toEqual({ limit: 4, before: 7 });
    expect(pageNumber(second)).toBe(2);
    const third = olderPage(second, rows(6, 5, 4), true);
    expect(third).toEqual({ before: 4, newer: [undefined, 7] });
    if (third === undefined) return;
    expect(pageNumber(third)).toBe(3);
    expect(newerPage(third)).toEqual(second);
    expect(newerPage(second)).toEqual(FIRST_PAGE);
  });

  it.each([
    ['no older rows', rows(3, 2, 1), false],
    ['an empty page', [], true],
  ])('has no older page after %s', (_case, shown, hasOlder) => {
    expect(olderPage(FIRST_PAGE, shown, hasOlder)).toBeUndefined();
  });

  it('has no newer page on the first page', () => {
    expect(newerPage(FIRST_PAGE)).toBeUndefined();
    expect(pageNumber(FIRST_PAGE)).toBe(1);
  });
});
