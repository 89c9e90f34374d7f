// Escape sequences in text (HL7 v2.5 section 2.7.1-2.7.4).
//
// node-hl7-client decodes escapes when reading, but \Xhh..\ there turns each byte into one Latin-1
// character, which is wrong under UTF-8 (\XC3A9\ must become 'é'); and when building it writes
// values unescaped (its escape() returns text unchanged), so a '^' in a value would split the field.
// We therefore read raw text from the parser and decode escapes here, and escape what we write.

import { decodeText, type Hl7Charset } from './decode-charset.ts';
import type { Hl7Delimiters } from './hl7-delimiters.ts';

const patternCache = new Map<string, RegExp>();

function escapePattern(escape: string): RegExp {
  let pattern = patternCache.get(escape);
  if (pattern === undefined) {
    const quoted = escape.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    pattern = new RegExp(`${quoted}([^${quoted}\\r]*)${quoted}`, 'g');
    patternCache.set(escape, pattern);
  }
  return pattern;
}

/** Decodes the escape sequences of one primitive value (a component or subcomponent). */
export function unescapeText(raw: string, delimiters: Hl7Delimiters, charset: Hl7Charset): string {
  if (!raw.includes(delimiters.escape)) return raw;
  return raw.replace(escapePattern(delimiters.escape), (match, body: string) => {
    switch (body) {
      case 'F':
        return delimiters.field;
      case 'S':
        return delimiters.component;
      case 'T':
        return delimiters.subcomponent;
      case 'R':
        return delimiters.repetition;
      case 'E':
        return delimiters.escape;
      case 'H':
      case 'N':
        // Highlighting on/off (section 2.7.3): no meaning in the values we keep.
        return '';
      case '.br':
      case '.sp':
        // Formatted text line break / skip (section 2.7.6).
        return '\n';
    }
    const kind = body.charAt(0);
    if (kind === 'X' && /^X(?:[0-9A-Fa-f]{2})+$/.test(body)) {
      const bytes = Buffer.from(body.slice(1), 'hex');
      // Hex data is bytes in the message's character set (section 2.7.4).
      return decodeText(bytes, charset) ?? bytes.toString('latin1');
    }
    if (kind === 'C' || kind === 'M' || kind === 'Z' || kind === '.') {
      // Character set switches, locally defined escapes and other formatting commands: dropped.
      return '';
    }
    return match;
  });
}

/** Escapes a value for writing; CR and LF, which may not appear raw, become hex escapes. */
export function escapeText(value: string, delimiters: Hl7Delimiters): string {
  const escape = delimiters.escape;
  let result = '';
  for (const character of value) {
    switch (character) {
      case escape:
        result += `${escape}E${escape}`;
        break;
      case delimiters.field:
        result += `${escape}F${escape}`;
        break;
      case delimiters.component:
        result += `${escape}S${escape}`;
        break;
      case delimiters.subcomponent:
        result += `${escape}T${escape}`;
        break;
      case delimiters.repetition:
        result += `${escape}R${escape}`;
        break;
      case '\r':
        result += `${escape}X0D${escape}`;
        break;
      case '\n':
        result += `${escape}X0A${escape}`;
        break;
      default:
        result += character;
    }
  }
  return result;
}
