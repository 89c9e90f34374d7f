import { describe, expect, it } from 'vitest';
import { loginUrl, studyUidsFromSearch } from './study-uids.ts';

describe('studyUidsFromSearch', () => {
  it.each([
    ['', []],
    ['?StudyInstanceUIDs=1.2.3', ['1.2.3']],
    ['?StudyInstanceUIDs=1.2.3,4.5.6', ['1.2.3', '4.5.6']],
    ['?StudyInstanceUIDs=1.2.3&StudyInstanceUIDs=4.5&StudyInstanceUIDs=1.2.3', ['1.2.3', '4.5']],
    ['?studyinstanceuids=1.2.3%2C4.5', ['1.2.3', '4.5']],
    ['?StudyInstanceUIDs=1.2.3&hangingprotocolId=mpr', ['1.2.3']],
    ['?StudyInstanceUIDs=<script>,1..2,,1.2.', []],
  ])('%s', (search, uids) => {
    expect(studyUidsFromSearch(search)).toEqual(uids);
  });
});

describe('loginUrl', () => {
  it('comes back to the study afterwards', () => {
    expect(loginUrl({ pathname: '/viewer/outside-review', search: '?StudyInstanceUIDs=1.2' })).toBe(
      '/login?next=%2Fviewer%2Foutside-review%3FStudyInstanceUIDs%3D1.2',
    );
  });
});
