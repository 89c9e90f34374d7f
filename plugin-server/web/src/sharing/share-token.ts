// The token of a share link, read from the address the recipient opened: <origin>/share#<token>.
// It travels in the fragment, which browsers never send to a server, so no proxy or access log
// sees it; the page keeps it in memory only and takes it out of the address bar at once. Pure.

import { openShareInputSchema } from '../../../src/domain/share-link.ts';

/** Characters a token never contains, often stuck to a link copied out of a sentence or e-mail. */
const TRAILING_PUNCTUATION = /[\s.,;:!?)\]}>'"]+$/;

/** The token in `location.hash` ("#abc…"), or undefined when there is none or it cannot be one. */
export function tokenFromHash(hash: string): string | undefined {
  let text = hash.startsWith('#') ? hash.slice(1) : hash;
  try {
    // Some mail programs percent-encode the fragment; a token itself never needs it.
    text = decodeURIComponent(text);
  } catch {
    return undefined;
  }
  const candidate = text.trim().replace(TRAILING_PUNCTUATION, '');
  return openShareInputSchema.shape.token.safeParse(candidate).success ? candidate : undefined;
}
