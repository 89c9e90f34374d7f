// MSH-18 character sets (HL7 table 0211): which are accepted, strict decoding, and where a bad
// byte is.

import { describe, expect, it } from 'vitest';
import { charsetFor, decodeText, encodeText, findUndecodableField, type Hl7Charset } from './decode-charset.ts';

function charset(name: string): Hl7Charset {
  const found = charsetFor(name);
  if (found === undefined) throw new Error(`test charset ${name} unsupported`);
  return found;
}

describe('charsetFor', () => {
  it.each(['', 'ASCII', '8859/1', '8859/2', '8859/15', 'UNICODE UTF-8', 'unicode utf-8', 'GB 18030-2000', 'BIG-5'])(
    'accepts %j',
    (name) => {
      expect(charsetFor(name)).toBeDefined();
    },
  );

  it.each(['UNICODE UTF-16', 'UNICODE UTF-32', 'UNICODE', 'EBCDIC', 'UTF8'])('refuses %j', (name) => {
    expect(charsetFor(name)).toBeUndefined();
  });
});

describe('decodeText', () => {
  it('reads the default and ASCII as Latin-1, never failing', () => {
    expect(decodeText(Buffer.from([0x4d, 0xfc, 0x6c]), charset(''))).toBe('Mül');
    expect(decodeText(Buffer.from([0x4d, 0xfc, 0x6c]), charset('ASCII'))).toBe('Mül');
  });

  it('decodes UTF-8 and refuses invalid UTF-8', () => {
    expect(decodeText(Buffer.from('Müller', 'utf8'), charset('UNICODE UTF-8'))).toBe('Müller');
    expect(decodeText(Buffer.from([0x4d, 0xfc, 0x6c]), charset('UNICODE UTF-8'))).toBeUndefined();
  });

  it('decodes ISO 8859-2', () => {
    expect(decodeText(Buffer.from([0xb1]), charset('8859/2'))).toBe('ą');
  });
});

describe('findUndecodableField', () => {
  it('names the segment, its occurrence and the field holding the bad bytes', () => {
    const bytes = Buffer.concat([
      Buffer.from('MSH|^~\\&|A|B|||||ADT^A08|1|P|2.5\rPID|1||1^^^HOSP^MR||OK\rNK1|1|OK\rNK1|2|BAD', 'latin1'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('|\r', 'latin1'),
    ]);
    expect(findUndecodableField(bytes, charset('UNICODE UTF-8'), '|')).toEqual({
      segment: 'NK1',
      sequence: 2,
      field: 2,
    });
  });

  it('counts MSH fields from MSH-1', () => {
    const bytes = Buffer.concat([
      Buffer.from('MSH|^~\\&|', 'latin1'),
      Buffer.from([0xff]),
      Buffer.from('|B', 'latin1'),
    ]);
    expect(findUndecodableField(bytes, charset('UNICODE UTF-8'), '|')).toEqual({
      segment: 'MSH',
      sequence: 1,
      field: 3,
    });
  });
});

describe('encodeText', () => {
  it('writes UTF-8, Latin-1, or ASCII with ? for what the set cannot hold', () => {
    expect(encodeText('ü€', charset('UNICODE UTF-8'))).toEqual(Buffer.from('ü€', 'utf8'));
    expect(encodeText('ü€', charset('8859/1'))).toEqual(Buffer.from([0xfc, 0x3f]));
    expect(encodeText('ü', charset('8859/2'))).toEqual(Buffer.from([0x3f]));
  });
});
