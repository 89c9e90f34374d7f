// The routing queue's keyboard, as the worklist's (worklist-keys.ts): j/k or the arrow keys move
// the selection, Enter opens the job beside the list, r retries the open job, Escape closes it.
// Cancel has no key: it stops a delivery for good and asks first. Letters work anywhere on the
// page except while typing; arrows, Home and End only inside the list. Pure.

import type { KeyTarget } from '../layout/key-target.ts';

export type QueueCommand = 'next' | 'previous' | 'first' | 'last' | 'open' | 'retry' | 'close';

export type QueueKeyPress = {
  key: string;
  /** Ctrl, Alt or Meta held: a browser or system shortcut, never ours. */
  modified: boolean;
  target: KeyTarget;
};

/** The keys, for aria-keyshortcuts and the hint on the page. */
export const QUEUE_SHORTCUTS = { retry: 'r', close: 'Escape' } as const;

export function queueCommandForKey({ key, modified, target }: QueueKeyPress): QueueCommand | undefined {
  if (modified || target === 'editable') return undefined;
  switch (key) {
    case 'j':
      return 'next';
    case 'k':
      return 'previous';
    case 'r':
      return 'retry';
    case 'Escape':
      return 'close';
    case 'ArrowDown':
      return target === 'list' ? 'next' : undefined;
    case 'ArrowUp':
      return target === 'list' ? 'previous' : undefined;
    case 'Home':
      return target === 'list' ? 'first' : undefined;
    case 'End':
      return target === 'list' ? 'last' : undefined;
    case 'Enter':
      return target === 'list' || target === 'page' ? 'open' : undefined;
    default:
      return undefined;
  }
}
