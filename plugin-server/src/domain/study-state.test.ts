import { describe, expect, it } from 'vitest';
import { checkTransition, type StudyState } from './study-state.ts';

describe('study state transitions', () => {
  const cases: [StudyState, StudyState, boolean][] = [
    ['received', 'ready', true],
    ['ready', 'identified', true],
    ['identified', 'matched', true],
    ['matched', 'queued', true],
    ['queued', 'archived', true],
    ['archived', 'purged', true],
    ['received', 'matched', false],
    ['archived', 'discarded', false],
    ['purged', 'ready', false],
    ['ready', 'discarded', true],
    ['ready', 'ready', false],
  ];
  it.each(cases)('%s -> %s allowed: %s', (from, to, allowed) => {
    expect(checkTransition(from, to).ok).toBe(allowed);
  });

  it('allows undo until archived, not after', () => {
    expect(checkTransition('matched', 'identified', { undo: true }).ok).toBe(true);
    expect(checkTransition('discarded', 'ready', { undo: true }).ok).toBe(true);
    expect(checkTransition('archived', 'queued', { undo: true })).toEqual({
      ok: false,
      reason: 'a study that is archived cannot be undone',
    });
  });
});
