import { describe, expect, it } from 'vitest';
import {
  commandForKey,
  effectiveSelection,
  moveSelection,
  selectionAfterRemoval,
  type KeyTarget,
} from './worklist-keys.ts';

describe('worklist keys', () => {
  it.each<[string, KeyTarget, string | undefined]>([
    ['j', 'page', 'next'],
    ['k', 'page', 'previous'],
    ['j', 'list', 'next'],
    ['k', 'control', 'previous'],
    ['ArrowDown', 'list', 'next'],
    ['ArrowUp', 'list', 'previous'],
    ['Home', 'list', 'first'],
    ['End', 'list', 'last'],
    // Outside the list the arrows, Home and End scroll the page as usual.
    ['ArrowDown', 'page', undefined],
    ['ArrowUp', 'control', undefined],
    ['End', 'page', undefined],
    ['Enter', 'list', 'open'],
    ['Enter', 'page', 'open'],
    // A button or link keeps its own Enter.
    ['Enter', 'control', undefined],
    ['x', 'list', 'toggle-check'],
    ['c', 'page', 'confirm-best'],
    ['c', 'control', 'confirm-best'],
    // Typing is typing.
    ['j', 'editable', undefined],
    ['c', 'editable', undefined],
    ['Enter', 'editable', undefined],
    ['ArrowDown', 'editable', undefined],
    ['J', 'page', undefined],
    ['q', 'page', undefined],
  ])('reads %s on %s as %s', (key, target, expected) => {
    expect(commandForKey({ key, target, modified: false })).toBe(expected);
  });

  it('leaves browser and system shortcuts alone', () => {
    for (const key of ['j', 'c', 'Enter', 'ArrowDown']) {
      expect(commandForKey({ key, target: 'list', modified: true })).toBeUndefined();
    }
  });

  it.each<[string | undefined, 'next' | 'previous' | 'first' | 'last', string | undefined]>([
    ['b', 'next', 'c'],
    ['b', 'previous', 'a'],
    ['c', 'next', 'c'],
    ['a', 'previous', 'a'],
    ['b', 'first', 'a'],
    ['b', 'last', 'c'],
    [undefined, 'next', 'a'],
    [undefined, 'previous', 'a'],
    ['gone', 'next', 'a'],
  ])('moves from %s with %s to %s', (current, command, expected) => {
    expect(moveSelection(['a', 'b', 'c'], current, command)).toBe(expected);
  });

  it('moves nowhere in an empty list', () => {
    expect(moveSelection([], undefined, 'next')).toBeUndefined();
    expect(moveSelection([], 'a', 'last')).toBeUndefined();
  });

  it.each<[string[], string, string | undefined]>([
    [['a', 'b', 'c'], 'b', 'c'],
    [['a', 'b', 'c'], 'a', 'b'],
    [['a', 'b', 'c'], 'c', 'b'],
    [['a'], 'a', undefined],
    [['a', 'b'], 'x', 'a'],
  ])('selects in %j after %s left the next row', (ids, removed, expected) => {
    expect(selectionAfterRemoval(ids, removed)).toBe(expected);
  });

  it('keeps the chosen row while it is listed, else the first', () => {
    expect(effectiveSelection(['a', 'b'], 'b')).toBe('b');
    expect(effectiveSelection(['a', 'b'], 'z')).toBe('a');
    expect(effectiveSelection(['a', 'b'], undefined)).toBe('a');
    expect(effectiveSelection([], 'a')).toBeUndefined();
  });
});
