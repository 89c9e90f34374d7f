import { describe, expect, it } from 'vitest';
import { tokenFromHash } from './share-token.ts';

const TOKEN = 'kM3v9Q_x-2bW7rT0yLpA5nZ8cE1fH4jU6sD9gK2mN0o';

describe('tokenFromHash', () => {
  it.each([
    [`#${TOKEN}`, TOKEN],
    [TOKEN, TOKEN],
    // Copied out of a sentence or an e-mail.
    [`#${TOKEN}.`, TOKEN],
    [`#${TOKEN})`, TOKEN],
    [`#${TOKEN}%20`, TOKEN],
    [`#${TOKEN}>`, TOKEN],
  ])('reads %j as the token', (hash, expected) => {
    expect(tokenFromHash(hash)).toBe(expected);
  });

  it.each([
    ['', 'nothing'],
    ['#', 'an empty fragment'],
    ['#abc', 'a token cut short'],
    [`#${TOKEN.slice(0, 19)}`, '19 characters'],
    [`#${TOKEN}${TOKEN}${TOKEN}`, 'more than 100 characters'],
    [`#${TOKEN.slice(0, 20)}/${TOKEN.slice(20)}`, 'a character no token has'],
    ['#%E0%A4%A', 'a broken percent-encoding'],
  ])('finds no token in %j (%s)', (hash) => {
    expect(tokenFromHash(hash)).toBeUndefined();
  });
});
