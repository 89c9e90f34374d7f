// Paging through the worklist, oldest first: the API answers each page with `next` (an opaque
// cursor, null on the last page), so going forward passes it as `after` and going back returns to
// the cursor the page before was asked with. Pure.

export const WORKLIST_PAGE_SIZE = 50;

/** The page shown (the `after` it was asked with) and the cursors of the pages before it. */
export type WorklistCursor = { readonly after: string | undefined; readonly earlier: readonly (string | undefined)[] };

export const FIRST_WORKLIST_PAGE: WorklistCursor = { after: undefined, earlier: [] };

/** The page after the one shown, or undefined when the answer had no `next`. */
export function laterPage(cursor: WorklistCursor, next: string | null): WorklistCursor | undefined {
  if (next === null || next === '') return undefined;
  return { after: next, earlier: [...cursor.earlier, cursor.after] };
}

/** The page before the one shown, or undefined on the first page. */
export function earlierPage(cursor: WorklistCursor): WorklistCursor | undefined {
  if (cursor.earlier.length === 0) return undefined;
  return { after: cursor.earlier.at(-1), earlier: cursor.earlier.slice(0, -1) };
}

/** 1 for the first (oldest) page. */
export function worklistPageNumber(cursor: WorklistCursor): number {
  return cursor.earlier.length + 1;
}
