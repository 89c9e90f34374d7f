import { describe, expect, it } from 'vitest';
import { studiesTouched } from './change-feed.ts';

const change = (Seq: number, ChangeType: string, ResourceType: string, ID: string) => ({
  Seq,
  ChangeType,
  ResourceType,
  ID,
  Date: '20260101T000000',
  Path: `/${ResourceType.toLowerCase()}/${ID}`,
});

describe('studiesTouched', () => {
  it('keeps each study once and ignores instance, series and patient events', () => {
    const result = studiesTouched([
      change(1, 'NewInstance', 'Instance', 'i1'),
      change(2, 'NewSeries', 'Series', 's1'),
      change(3, 'NewStudy', 'Study', 'a'),
      change(4, 'NewPatient', 'Patient', 'p'),
      change(5, 'StableStudy', 'Study', 'a'),
      change(6, 'NewStudy', 'Study', 'b'),
    ]);
    expect(result).toEqual({ studies: ['a', 'b'], deleted: [] });
  });

  it('lets the last event about a study decide between present and deleted', () => {
    expect(studiesTouched([change(1, 'NewStudy', 'Study', 'a'), change(2, 'Deleted', 'Study', 'a')])).toEqual({
      studies: [],
      deleted: ['a'],
    });
    expect(studiesTouched([change(1, 'Deleted', 'Study', 'a'), change(2, 'NewStudy', 'Study', 'a')])).toEqual({
      studies: ['a'],
      deleted: [],
    });
  });
});
