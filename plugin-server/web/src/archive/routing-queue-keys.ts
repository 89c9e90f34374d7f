// The routing queue's keyboard, as the worklist's (worklist-keys.ts): j/k or the arrow keys move
// the selection, Enter opens the job beside the list, r retries the open job, Escape closes it.
// Cancel has no key: it stops a delivery for good and asks first. Letters work anywhere on the
// page except while typing; arrows, Home and End only inside the list. Pure.

import { listCommandForKey, type KeyPress } from '../layout/key-target.ts';

export type QueueCommand = 'next' | 'previous' | 'first' | 'last' | 'open' | 'retry' | 'close';

export type QueueKeyPress = KeyPress;

/** The keys, for aria-keyshortcuts and the hint on the page. */
export const QUEUE_SHORTCUTS = { retry: 'r', close: 'Escape' } as const;

export function queueCommandForKey(press: QueueKeyPress): QueueCommand | undefined {
  if (press.modified || press.target === 'editable') return undefined;
  if (press.key === 'r') return 'retry';
  if (press.key === 'Escape') return 'close';
  return listCommandForKey(press);
}
