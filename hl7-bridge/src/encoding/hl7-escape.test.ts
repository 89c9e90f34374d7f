// Escape sequences (HL7 v2.5 section 2.7) decoded and written, per character set.

import { describe, expect, it } from 'vitest';
import { charsetFor, DEFAULT_CHARSET, type Hl7Charset } from './decode-charset.ts';
import { STANDARD_DELIMITERS, type Hl7Delimiters } from './hl7-delimiters.ts';
import { escapeText, unescapeText } from './hl7-escape.ts';

function charset(name: string): Hl7Charset {
  const found = charsetFor(name);
  if (found === undefined) throw new Error(`test charset ${name} unsupported`);
  return found;
}

const CUSTOM: Hl7Delimiters = { field: '!', component: '@', repetition: '*', escape: '#', subcomponent: '$' };

describe('unescapeText', () => {
  it.each([
    ['delimiter escapes', 'A\\F\\B\\S\\C\\T\\D\\R\\E\\E\\F', DEFAULT_CHARSET, 'A|B^C&D~E\\F'],
    ['plain text untouched', 'SMITH', DEFAULT_CHARSET, 'SMITH'],
    ['hex under UTF-8 is UTF-8 bytes', 'M\\XC3BC\\LLER', charset('UNICODE UTF-8'), 'MüLLER'],
    ['hex under Latin-1 is Latin-1 bytes', 'M\\XFC\\LLER', charset('8859/1'), 'MüLLER'],
    ['invalid UTF-8 hex falls back to Latin-1', 'A\\XFF\\B', charset('UNICODE UTF-8'), 'AÿB'],
    ['highlighting dropped', '\\H\\IMPORTANT\\N\\', DEFAULT_CHARSET, 'IMPORTANT'],
    ['line break', 'LINE1\\.br\\LINE2', DEFAULT_CHARSET, 'LINE1\nLINE2'],
    ['charset switch and local escapes dropped', 'A\\C2842\\B\\Zabc\\C', DEFAULT_CHARSET, 'ABC'],
    ['unknown escape kept literally', 'A\\Q\\B', DEFAULT_CHARSET, 'A\\Q\\B'],
    ['unterminated escape kept', 'A\\F', DEFAULT_CHARSET, 'A\\F'],
  ])('%s', (_name, raw, set, expected) => {
    expect(unescapeText(raw, STANDARD_DELIMITERS, set)).toBe(expected);
  });

  it('uses the message’s own delimiters', () => {
    expect(unescapeText('A#F#B#S#C#E#', CUSTOM, DEFAULT_CHARSET)).toBe('A!B@C#');
  });
});

describe('escapeText', () => {
  it.each([
    ['O^BRIEN|X&Y~Z\\W', 'O\\S\\BRIEN\\F\\X\\T\\Y\\R\\Z\\E\\W'],
    ['two\r\nlines', 'two\\X0D\\\\X0A\\lines'],
    ['plain', 'plain'],
  ])('escapes %j', (value, expected) => {
    expect(escapeText(value, STANDARD_DELIMITERS)).toBe(expected);
  });

  it('round-trips through unescapeText', () => {
    const value = 'a|b^c&d~e\\f\rg\nh ü';
    expect(unescapeText(escapeText(value, CUSTOM), CUSTOM, charset('UNICODE UTF-8'))).toBe(value);
    expect(unescapeText(escapeText(value, STANDARD_DELIMITERS), STANDARD_DELIMITERS, DEFAULT_CHARSET)).toBe(value);
  });
});
