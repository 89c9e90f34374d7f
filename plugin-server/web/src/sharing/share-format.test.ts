import { describe, expect, it } from 'vitest';
import { isRevocable, lastUsedText, revokedText, sharedStudyLine, withLinkReplaced } from './share-format.ts';
import type { ShareLink } from './share-links.resource.ts';
import { SHARE_LINK } from './sharing-fixtures.ts';

/** A link never used. */
const LINK: ShareLink = { ...SHARE_LINK, useCount: 0, lastUsedAt: null };

describe('share link format', () => {
  it.each([
    [{ studyDate: '20240115', studyDescription: 'CT CHEST' }, '2024-01-15 · CT CHEST'],
    [{ studyDate: '', studyDescription: '' }, '– · no description'],
    [{ studyDate: '2024', studyDescription: '  ' }, '2024 · no description'],
  ])('shows the study %j as %j', (study, expected) => {
    expect(sharedStudyLine(study)).toBe(expected);
  });

  it.each([
    ['active', true],
    ['expired', false],
    ['revoked', false],
  ] as const)('a link that is %s may be revoked: %s', (status, expected) => {
    expect(isRevocable({ status })).toBe(expected);
  });

  it('says when a link was last used and revoked', () => {
    expect(lastUsedText(LINK)).toBe('never');
    expect(lastUsedText({ lastUsedAt: '2024-03-02T10:00:00.000Z' })).toMatch(/^2024-03-0\d \d\d:\d\d$/);
    expect(revokedText(LINK)).toBe('');
    expect(revokedText({ revokedAt: '2024-03-02T10:00:00.000Z', revokedBy: 'dr-who' })).toMatch(
      /^2024-03-0\d \d\d:\d\d by dr-who$/,
    );
    expect(revokedText({ revokedAt: 'not a date', revokedBy: null })).toBe('not a date');
  });

  it('replaces the revoked link in place', () => {
    const other = { ...LINK, id: 'b2' };
    const revoked = { ...LINK, status: 'revoked' as const, revokedAt: '2024-03-02T10:00:00.000Z', revokedBy: 'dr' };
    expect(withLinkReplaced([other, LINK], revoked)).toEqual([other, revoked]);
    expect(withLinkReplaced([other], revoked)).toEqual([other]);
  });
});
