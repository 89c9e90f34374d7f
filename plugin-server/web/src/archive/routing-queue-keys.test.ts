import { describe, expect, it } from 'vitest';
import type { KeyTarget } from '../layout/key-target.ts';
import { queueCommandForKey } from './routing-queue-keys.ts';

describe('routing queue keys', () => {
  it.each<[string, KeyTarget, string | undefined]>([
    ['j', 'page', 'next'],
    ['k', 'control', 'previous'],
    ['r', 'list', 'retry'],
    ['Escape', 'page', 'close'],
    ['ArrowDown', 'list', 'next'],
    ['ArrowDown', 'page', undefined],
    ['ArrowUp', 'list', 'previous'],
    ['Home', 'list', 'first'],
    ['End', 'list', 'last'],
    ['End', 'page', undefined],
    ['Enter', 'list', 'open'],
    ['Enter', 'page', 'open'],
    // A button or link keeps its own Enter.
    ['Enter', 'control', undefined],
    // Typing in the filter never moves or retries anything.
    ['j', 'editable', undefined],
    ['r', 'editable', undefined],
    ['Escape', 'editable', undefined],
    ['x', 'page', undefined],
  ])('%s on %s → %s', (key, target, command) => {
    expect(queueCommandForKey({ key, modified: false, target })).toBe(command);
  });

  it('leaves shortcuts with Ctrl, Alt or Meta to the browser', () => {
    expect(queueCommandForKey({ key: 'r', modified: true, target: 'page' })).toBeUndefined();
  });
});
