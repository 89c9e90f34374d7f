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
