// Where a key was pressed, for the pages driven from the keyboard (worklist-keys.ts,
// routing-queue-keys.ts): letters must not fire while the user types, arrows only move inside
// the list, and a button or link keeps its own Enter.

export type KeyTarget = 'editable' | 'list' | 'control' | 'page';

export function keyTarget(target: EventTarget | null, list: HTMLElement | null): KeyTarget {
  if (!(target instanceof HTMLElement)) return 'page';
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) {
    return 'editable';
  }
  if (target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type)) {
    return 'editable';
  }
  if (list?.contains(target) === true) return 'list';
  if (target.closest('a[href], button, input, summary, [role="button"]') !== null) return 'control';
  return 'page';
}

export type KeyPress = {
  key: string;
  /** Ctrl, Alt or Meta held: a browser or system shortcut, never ours. */
  modified: boolean;
  target: KeyTarget;
};

export type ListCommand = 'next' | 'previous' | 'first' | 'last' | 'open';

/**
 * The moves every keyboard-driven list shares: j/k anywhere but while typing, arrows, Home and
 * End inside the list (elsewhere they scroll), Enter where it has no meaning of its own.
 */
export function listCommandForKey({ key, modified, target }: KeyPress): ListCommand | undefined {
  if (modified || target === 'editable') return undefined;
  switch (key) {
    case 'j':
      return 'next';
    case 'k':
      return 'previous';
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
