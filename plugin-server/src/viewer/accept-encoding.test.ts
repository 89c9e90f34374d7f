import { describe, expect, it } from 'vitest';
import { acceptedCodings } from './accept-encoding.ts';

describe('acceptedCodings', () => {
  it.each([
    { header: undefined, codings: [] },
    { header: '', codings: [] },
    { header: 'gzip, deflate, br, zstd', codings: ['br', 'gzip'] },
    { header: 'gzip', codings: ['gzip'] },
    { header: 'x-gzip', codings: ['gzip'] },
    { header: 'identity', codings: [] },
    { header: 'br;q=0, gzip', codings: ['gzip'] },
    { header: 'gzip;q=1.0, br;q=0.5', codings: ['gzip', 'br'] },
    { header: 'BR;Q=0.9, GZIP;q=0.9', codings: ['br', 'gzip'] },
    { header: '*', codings: ['br', 'gzip'] },
    { header: '*;q=0, gzip', codings: ['gzip'] },
    { header: 'deflate, *;q=0.1', codings: ['br', 'gzip'] },
  ])('$header', ({ header, codings }) => {
    expect(acceptedCodings(header)).toEqual(codings);
  });
});
