import { describe, expect, it } from 'vitest';
import { earlierPage, FIRST_WORKLIST_PAGE, laterPage, worklistPageNumber } from './worklist-paging.ts';

describe('worklist paging', () => {
  it('goes on with `next` and back to the cursor each page was asked with', () => {
    const second = laterPage(FIRST_WORKLIST_PAGE, 'cursor-1');
    expect(second).toEqual({ after: 'cursor-1', earlier: [undefined] });
    if (second === undefined) return;
    expect(worklistPageNumber(second)).toBe(2);
    const third = laterPage(second, 'cursor-2');
    expect(third).toEqual({ after: 'cursor-2', earlier: [undefined, 'cursor-1'] });
    if (third === undefined) return;
    expect(worklistPageNumber(third)).toBe(3);
    expect(earlierPage(third)).toEqual(second);
    expect(earlierPage(second)).toEqual(FIRST_WORKLIST_PAGE);
  });

  it('has no later page without `next` and no earlier page on the first', () => {
    expect(laterPage(FIRST_WORKLIST_PAGE, null)).toBeUndefined();
    expect(laterPage(FIRST_WORKLIST_PAGE, '')).toBeUndefined();
    expect(earlierPage(FIRST_WORKLIST_PAGE)).toBeUndefined();
    expect(worklistPageNumber(FIRST_WORKLIST_PAGE)).toBe(1);
  });
});
