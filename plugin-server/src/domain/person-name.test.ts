import { describe, expect, it } from 'vitest';
import { nameTokens, sameNameTokens } from './person-name.ts';

describe('person names', () => {
  it.each([
    ['DOE^JOHN', 'John Doe', true],
    ['DOE^JOHN', 'Doe, John', true],
    ['Müller-Lüdenscheidt^Hans', 'hans muller ludenscheidt', true],
    ['YAMADA^TARO=山田^太郎=やまだ^たろう', 'Taro Yamada', true],
    ['DOE^JOHN^^DR', 'John Doe', false],
    ['DOE^JANE', 'John Doe', false],
    ['', '', false],
  ])('%s vs %s -> %s', (a, b, same) => {
    expect(sameNameTokens(a, b)).toBe(same);
  });

  it('drops accents and separators', () => {
    expect(nameTokens("O'Brien^Zoë")).toEqual(['brien', 'o', 'zoe']);
  });
});
