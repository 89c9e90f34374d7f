import { describe, expect, it } from 'vitest';
import { dicomDate, matchScore, MISSING, orMissing, personName, timestamp, words } from './panel-format.ts';

describe('panel formats', () => {
  it.each([
    ['DOE^JOHN', 'DOE, JOHN'],
    ['DOE^JOHN^M^DR^JR', 'DOE, DR JOHN M JR'],
    ['DOE', 'DOE'],
    ['^JOHN', 'JOHN'],
    ['Yamada^Tarou=山田^太郎=やまだ^たろう', 'Yamada, Tarou'],
    ['', MISSING],
    [null, MISSING],
  ])('personName(%s)', (value, expected) => {
    expect(personName(value)).toBe(expected);
  });

  it.each([
    ['20240131', '2024-01-31'],
    ['2024', '2024'],
    ['', MISSING],
  ])('dicomDate(%s)', (value, expected) => {
    expect(dicomDate(value)).toBe(expected);
  });

  it('writes timestamps to the minute in a time zone', () => {
    expect(timestamp('2024-03-05T14:07:59.000Z', 'UTC')).toBe('2024-03-05 14:07');
    expect(timestamp('2024-03-05T23:30:00.000Z', 'Europe/Paris')).toBe('2024-03-06 00:30');
    expect(timestamp('', 'UTC')).toBe(MISSING);
    expect(timestamp('not a date', 'UTC')).toBe('not a date');
  });

  it('writes scores, words and missing values', () => {
    expect(matchScore(75, 60)).toBe('75 points (automatic match from 60)');
    expect(matchScore(null, 60)).toBe(MISSING);
    expect(words('reference-only')).toBe('Reference only');
    expect(words('in_progress')).toBe('In progress');
    expect(words(null)).toBe(MISSING);
    expect(orMissing('  ')).toBe(MISSING);
  });
});
