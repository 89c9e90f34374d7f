// The five delimiters a message declares in MSH-1 and MSH-2 (HL7 v2.5 section 2.5.4 and 2.16.9.1/2),
// and the checks that decide whether a header is usable at all.

export interface Hl7Delimiters {
  readonly field: string;
  readonly component: string;
  readonly repetition: string;
  readonly escape: string;
  readonly subcomponent: string;
}

export const STANDARD_DELIMITERS: Hl7Delimiters = {
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
};

/** MSH-2 as written: component, repetition, escape, subcomponent (section 2.16.9.2). */
export function encodingCharacters(delimiters: Hl7Delimiters): string {
  return delimiters.component + delimiters.repetition + delimiters.escape + delimiters.subcomponent;
}

/**
 * Reads MSH-1 and MSH-2 from the start of a header segment (`MSH|^~\&|...`, or BHS/FHS).
 * Returns undefined when they are unusable: MSH-2 must be exactly four characters (v2.5; the
 * fifth, truncation character arrived in v2.7, which we do not accept), all five delimiters must
 * differ, and none may be a letter, digit, space or segment separator, or the message cannot be
 * split into fields reliably.
 */
export function readDelimiters(headerSegment: string): Hl7Delimiters | undefined {
  const field = headerSegment.charAt(3);
  const fieldEnd = headerSegment.indexOf(field, 4);
  const encoding = fieldEnd === -1 ? headerSegment.slice(4) : headerSegment.slice(4, fieldEnd);
  const characters = [field, ...encoding];
  if (field === '' || encoding.length !== 4) return undefined;
  if (new Set(characters).size !== characters.length) return undefined;
  if (characters.some((character) => /[\p{L}\p{N}\s]/u.test(character))) return undefined;
  const [component, repetition, escape, subcomponent] = [...encoding] as [string, string, string, string];
  return { field, component, repetition, escape, subcomponent };
}
