import { useEffect, type RefObject } from 'react';
import { keyTarget, type KeyPress } from './key-target.ts';

/**
 * Sends the page's keyboard shortcuts to `run`: `toCommand` decides what a key means where it was
 * pressed (typing in a field, in the list, elsewhere). Re-subscribed on every render, so `run`
 * always sees the current list and detail.
 */
export function useKeyboardCommands<Command>(
  toCommand: (press: KeyPress) => Command | undefined,
  run: (command: Command) => void,
  list: RefObject<HTMLElement | null>,
): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || event.isComposing) return;
      const command = toCommand({
        key: event.key,
        modified: event.ctrlKey || event.metaKey || event.altKey,
        target: keyTarget(event.target, list.current),
      });
      if (command === undefined) return;
      event.preventDefault();
      run(command);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  });
}
