import { describe, expect, it } from 'vitest';
import {
  dicomDateFromInput,
  formatBytes,
  formatDicomDate,
  formatDuration,
  formatPersonName,
  fullStop,
  sentence,
} from './format.ts';

describe('format', () => {
  it.each([
    ['Doe^Jane', 'Doe, Jane'],
    ['DOE^JANE^M^DR^JR', 'DOE, DR JANE M JR'],
    ['Doe', 'Doe'],
    ['^Jane', 'Jane'],
    ['Yamada^Tarou=山田^太郎=やまだ^たろう', 'Yamada, Tarou'],
    ['=山田^太郎', '山田, 太郎'],
    ['', '–'],
  ])('shows the person name %j as %j', (value, expected) => {
    expect(formatPersonName(value)).toBe(expected);
  });

  it.each([
    ['20240115', '2024-01-15'],
    ['', '–'],
    ['2024', '2024'],
  ])('shows the DICOM date %j as %j', (value, expected) => {
    expect(formatDicomDate(value)).toBe(expected);
  });

  it('turns a date input into a DICOM date', () => {
    expect(dicomDateFromInput('1970-03-01')).toBe('19700301');
    expect(dicomDateFromInput('')).toBeUndefined();
  });

  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KB'],
    [10.1 * 1024 * 1024, '10.1 MB'],
    [250 * 1024 ** 3, '250 GB'],
  ])('shows %d bytes as %j', (value, expected) => {
    expect(formatBytes(value)).toBe(expected);
  });

  it.each([
    [undefined, '–'],
    [0.2, '1 s'],
    [59, '59 s'],
    [61, '1 min 01 s'],
    [3700, '1 h 01 min'],
  ])('shows %j seconds as %j', (value, expected) => {
    expect(formatDuration(value)).toBe(expected);
  });

  it('makes a server message a sentence', () => {
    expect(sentence('wrong username or password')).toBe('Wrong username or password.');
    expect(sentence('Done!')).toBe('Done!');
    expect(fullStop('zip refused: too large')).toBe('zip refused: too large.');
  });
});
