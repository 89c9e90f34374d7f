// Which content codings a client takes, from its Accept-Encoding header (RFC 9110 section 12.5.3):
// a list of codings with optional weights; `q=0` refuses one; `*` stands for any coding not listed.

export const CONTENT_CODINGS = ['br', 'gzip'] as const;
export type ContentCoding = (typeof CONTENT_CODINGS)[number];

/** The codings we can send that the client accepts, by its weights, then brotli (the smaller) first. */
export function acceptedCodings(header: string | undefined): ContentCoding[] {
  if (header === undefined || header.trim() === '') return [];
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (name === '') continue;
    let weight = 1;
    for (const parameter of parameters) {
      const match = /^q=([01](?:\.\d{0,3})?)$/.exec(parameter);
      if (match?.[1] !== undefined) weight = Number(match[1]);
    }
    weights.set(name === 'x-gzip' ? 'gzip' : name, weight);
  }
  const wildcard = weights.get('*');
  const weightOf = (coding: ContentCoding): number => weights.get(coding) ?? wildcard ?? 0;
  // Array.prototype.sort is stable: equal weights keep CONTENT_CODINGS' order.
  return CONTENT_CODINGS.filter((coding) => weightOf(coding) > 0).sort((a, b) => weightOf(b) - weightOf(a));
}
