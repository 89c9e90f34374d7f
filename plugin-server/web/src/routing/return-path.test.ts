import { describe, expect, it } from 'vitest';
import { leavesTheApp, returnPath } from './return-path.ts';

describe('returnPath', () => {
  it.each([
    ['?next=%2Fviewer%2Foutside-review%3FStudyInstanceUIDs%3D1.2.3', '/viewer/outside-review?StudyInstanceUIDs=1.2.3'],
    ['?next=/inbox', '/inbox'],
    ['', undefined],
    ['?next=https://evil.example/', undefined],
    ['?next=//evil.example/x', undefined],
    ['?next=/\\evil.example', undefined],
    ['?next=inbox', undefined],
  ])('%s -> %s', (search, expected) => {
    expect(returnPath(search)).toBe(expected);
  });

  it('knows the viewer is outside the app', () => {
    expect(leavesTheApp('/viewer/outside-review?x=1')).toBe(true);
    expect(leavesTheApp('/viewerish')).toBe(false);
    expect(leavesTheApp('/inbox')).toBe(false);
  });
});
