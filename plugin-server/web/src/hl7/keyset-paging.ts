// Paging through the HL7 lists, newest first: the API pages by id (`before` = the last id of the
// page shown), so "older" continues after the last row and "newer" goes back to the cursor the
// page before used. One row more than shown is asked for, to know whether older rows exist. Pure.

export const PAGE_SIZE = 50;

/** What one request asks the API for. */
export type PageRequest = { limit: number; before?: number | undefined };

/** The page shown (its `before`) and the cursors of the newer pages, newest first. */
export type PageCursor = { readonly before: number | undefined; readonly newer: readonly (number | undefined)[] };

export const FIRST_PAGE: PageCursor = { before: undefined, newer: [] };

export function pageRequest(cursor: PageCursor, pageSize: number): PageRequest {
  return { limit: pageSize + 1, before: cursor.before };
}

/** The rows to show of an answer to pageRequest(), and whether there are older ones. */
export function pageOf<Row>(answer: readonly Row[], pageSize: number): { rows: Row[]; hasOlder: boolean } {
  return { rows: answer.slice(0, pageSize), hasOlder: answer.length > pageSize };
}

/** The page after `rows` (the page shown), or undefined when there is none. */
export function olderPage(
  cursor: PageCursor,
  rows: readonly { id: number }[],
  hasOlder: boolean,
): PageCursor | undefined {
  const last = rows.at(-1);
  if (!hasOlder || last === undefined) return undefined;
  return { before: last.id, newer: [...cursor.newer, cursor.before] };
}

/** The page before the one shown, or undefined on the first page. */
export function newerPage(cursor: PageCursor): PageCursor | undefined {
  if (cursor.newer.length === 0) return undefined;
  return { before: cursor.newer.at(-1), newer: cursor.newer.slice(0, -1) };
}

/** 1 for the newest page. */
export function pageNumber(cursor: PageCursor): number {
  return cursor.newer.length + 1;
}
