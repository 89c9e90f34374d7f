// Person names compared across sources: DICOM PN (family^given^middle^prefix^suffix, with `=`
// separating alphabetic, ideographic and phonetic groups), HL7 XPN (family^given^middle^suffix^
// prefix) and what a person types ("Given Family" or "Family, Given"). The comparison ignores
// order, case, accents, hyphens and punctuation; it says "same tokens", never "same person".

/** The lower-case, accent-free name tokens of the alphabetic group, sorted. */
export function nameTokens(name: string): string[] {
  const alphabetic = name.split('=')[0] ?? '';
  return alphabetic
    .normalize('NFKD')
    .replace(/\p{Mn}/gu, '')
    .toLowerCase()
    .split(/[\^,\s\-'.]+/u)
    .filter((token) => token !== '')
    .sort();
}

export function sameNameTokens(a: string, b: string): boolean {
  const left = nameTokens(a);
  const right = nameTokens(b);
  return left.length > 0 && left.length === right.length && left.every((token, index) => token === right[index]);
}
