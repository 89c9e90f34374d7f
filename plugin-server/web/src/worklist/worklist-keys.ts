// The worklist's keyboard: j/k or the arrow keys move the selection, Enter opens it, x ticks it
// for bulk confirmation, c confirms the open study's best candidate. Letters work anywhere on the
// page except while typing; arrows, Home and End only inside the list (elsewhere they scroll);
// Enter only where it has no meaning of its own (a button or link keeps its own Enter). Pure. The
// selection helpers serve any list of ids (the routing queue's are numbers).

import { listCommandForKey, type KeyPress, type KeyTarget } from '../layout/key-target.ts';

export type WorklistCommand = 'next' | 'previous' | 'first' | 'last' | 'open' | 'toggle-check' | 'confirm-best';

/** Where the key was pressed: typing in a field, in the list, on another control, or elsewhere. */
export type { KeyTarget };

export type { KeyPress };

/** The keys, for aria-keyshortcuts and the hint on the page. */
export const SHORTCUTS = {
  next: 'j ArrowDown',
  previous: 'k ArrowUp',
  open: 'Enter',
  check: 'x',
  confirm: 'c',
} as const;

export function commandForKey(press: KeyPress): WorklistCommand | undefined {
  if (press.modified || press.target === 'editable') return undefined;
  if (press.key === 'x') return 'toggle-check';
  if (press.key === 'c') return 'confirm-best';
  return listCommandForKey(press);
}

/** The row selected after a move; with nothing selected yet, j and k start at the top. */
export function moveSelection<Id>(
  ids: readonly Id[],
  current: Id | undefined,
  command: 'next' | 'previous' | 'first' | 'last',
): Id | undefined {
  if (ids.length === 0) return undefined;
  if (command === 'first') return ids[0];
  if (command === 'last') return ids.at(-1);
  const index = current === undefined ? -1 : ids.indexOf(current);
  if (index === -1) return ids[0];
  const next = command === 'next' ? Math.min(index + 1, ids.length - 1) : Math.max(index - 1, 0);
  return ids[next];
}

/**
 * The row to select once `removed` leaves the list (an action took it off): the row after it, or
 * the one before when it was the last; undefined when nothing is left.
 */
export function selectionAfterRemoval<Id>(ids: readonly Id[], removed: Id): Id | undefined {
  const index = ids.indexOf(removed);
  const remaining = ids.filter((id) => id !== removed);
  if (remaining.length === 0) return undefined;
  if (index === -1) return remaining[0];
  return remaining[Math.min(index, remaining.length - 1)];
}

/** The selection to show for these rows: the chosen one while it is there, else the first row. */
export function effectiveSelection<Id>(ids: readonly Id[], chosen: Id | undefined): Id | undefined {
  return chosen !== undefined && ids.includes(chosen) ? chosen : ids[0];
}
