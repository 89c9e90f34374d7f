// Character sets per MSH-18 (HL7 table 0211). MLLP hands us bytes; the message says in MSH-18
// how to read them, and an empty MSH-18 means the default, ASCII (section 2.16.9.18). We read the
// default and ASCII as ISO 8859-1, a superset that never fails, because senders that leave MSH-18
// empty routinely send Latin-1 names (DESIGN section 5: default ASCII/Latin-1).
//
// Only the first repetition of MSH-18 selects the message's character set; further repetitions
// list the sets reachable through \C..\ / \M..\ escapes (section 2.7.2), which we do not switch.
// UTF-16/UTF-32 are refused: their bytes contain 0x0D and 0x1C inside characters, which MLLP
// framing and segment splitting cannot carry.

export interface Hl7Charset {
  /** The MSH-18 value as sent, '' for the default. */
  readonly name: string;
  /** How the bytes are decoded. */
  readonly decoding: { readonly kind: 'latin1' } | { readonly kind: 'text-decoder'; readonly label: string };
  /** How text in this set is encoded again (our ACKs); undefined: only ASCII can be written. */
  readonly encoding: 'latin1' | 'utf8' | undefined;
}

const LATIN1: Hl7Charset['decoding'] = { kind: 'latin1' };

// WHATWG's "iso-8859-1" label means windows-1252; Buffer's 'latin1' is ISO 8859-1 proper.
const CHARSETS: ReadonlyMap<string, Omit<Hl7Charset, 'name'>> = new Map<string, Omit<Hl7Charset, 'name'>>([
  ['', { decoding: LATIN1, encoding: 'latin1' }],
  ['ASCII', { decoding: LATIN1, encoding: 'latin1' }],
  ['8859/1', { decoding: LATIN1, encoding: 'latin1' }],
  ...(['2', '3', '4', '5', '6', '7', '8', '9', '15'] as const).map((part): [string, Omit<Hl7Charset, 'name'>] => [
    `8859/${part}`,
    { decoding: { kind: 'text-decoder', label: `iso-8859-${part}` }, encoding: undefined },
  ]),
  ['UNICODE UTF-8', { decoding: { kind: 'text-decoder', label: 'utf-8' }, encoding: 'utf8' }],
  ['GB 18030-2000', { decoding: { kind: 'text-decoder', label: 'gb18030' }, encoding: undefined }],
  ['BIG-5', { decoding: { kind: 'text-decoder', label: 'big5' }, encoding: undefined }],
  ['KS X 1001', { decoding: { kind: 'text-decoder', label: 'euc-kr' }, encoding: undefined }],
  ['ISO IR87', { decoding: { kind: 'text-decoder', label: 'iso-2022-jp' }, encoding: undefined }],
]);

/** The character set named by the first repetition of MSH-18, or undefined when unsupported. */
export function charsetFor(msh18: string): Hl7Charset | undefined {
  const name = msh18.trim();
  const known = CHARSETS.get(name.toUpperCase());
  return known === undefined ? undefined : { name, ...known };
}

export const DEFAULT_CHARSET: Hl7Charset = { name: '', decoding: LATIN1, encoding: 'latin1' };

/** Decodes strictly: undefined when the bytes are not valid in the declared set. */
export function decodeText(bytes: Uint8Array, charset: Hl7Charset): string | undefined {
  if (charset.decoding.kind === 'latin1') return Buffer.from(bytes).toString('latin1');
  try {
    return new TextDecoder(charset.decoding.label, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Encodes text we write (ACKs) in the message's character set. Sets we cannot encode get ASCII,
 * with any other character replaced by '?': our ACKs are ASCII except for echoed MSH-3..6.
 */
export function encodeText(text: string, charset: Hl7Charset): Buffer {
  if (charset.encoding === 'utf8') return Buffer.from(text, 'utf8');
  if (charset.encoding === 'latin1') return Buffer.from(text.replace(/[\u0100-\u{10ffff}]/gu, '?'), 'latin1');
  return Buffer.from(text.replace(/[\u0080-\u{10ffff}]/gu, '?'), 'latin1');
}

export interface UndecodableLocation {
  readonly segment: string;
  /** 1-based occurrence of that segment in the message. */
  readonly sequence: number;
  /** HL7 field number (MSH-1 is the field separator itself). */
  readonly field: number;
}

/**
 * Finds the first field whose bytes do not decode, so the AE can name it (ERR-2). The segment and
 * field separators are ASCII bytes, which in UTF-8 never occur inside a multi-byte character, so
 * splitting the raw bytes at them is exact for UTF-8 and the single-byte sets.
 */
export function findUndecodableField(
  bytes: Buffer,
  charset: Hl7Charset,
  fieldSeparator: string,
): UndecodableLocation | undefined {
  const separator = fieldSeparator.charCodeAt(0);
  const seen = new Map<string, number>();
  for (const segment of splitBytes(bytes, (byte) => byte === 0x0d || byte === 0x0a)) {
    if (segment.length === 0) continue;
    const name = segment.subarray(0, 3).toString('latin1');
    const sequence = (seen.get(name) ?? 0) + 1;
    seen.set(name, sequence);
    const fields = splitBytes(segment, (byte) => byte === separator);
    for (let index = 0; index < fields.length; index += 1) {
      const fieldBytes = fields[index];
      if (fieldBytes !== undefined && decodeText(fieldBytes, charset) === undefined) {
        // MSH-1 is the separator between the name and MSH-2, so MSH field numbers are one higher.
        const field = name === 'MSH' || name === 'BHS' || name === 'FHS' ? index + 1 : index;
        return { segment: name, sequence, field };
      }
    }
  }
  return undefined;
}

function splitBytes(bytes: Buffer, isSeparator: (byte: number) => boolean): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let index = 0; index < bytes.length; index += 1) {
    const byte = bytes[index];
    if (byte !== undefined && isSeparator(byte)) {
      parts.push(bytes.subarray(start, index));
      start = index + 1;
    }
  }
  parts.push(bytes.subarray(start));
  return parts;
}
