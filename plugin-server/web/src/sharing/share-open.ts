// What the recipient of a share link is told when the sidecar will not open it yet (a PIN is
// needed, the PIN was wrong) or at all (not valid, expired, withdrawn, too many attempts), in
// plain words for a clinician from another hospital, and where their browser may go next. Pure.

import { ApiError, describeError } from '../api/api-client.ts';
import { fullStop, sentence } from '../format/format.ts';

export type OpenRefusal =
  /** The link has a PIN: ask for it (the normal first step, not an error). */
  | { kind: 'pin-required' }
  /** Ask again: the recipient may have mistyped. */
  | { kind: 'wrong-pin'; message: string }
  /** This link will not open: nothing on the page can change that. */
  | { kind: 'closed'; message: string }
  /** Something in between failed (network, server): trying again may help. */
  | { kind: 'failed'; message: string };

const NEW_LINK =
  'Check that you opened the whole address from the message you received, or ask the sender for a new link.';

/** The refusal of POST /api/share/open (src/web/routes/share-routes.ts) as the recipient reads it. */
export function openRefusal(error: unknown): OpenRefusal {
  if (!(error instanceof ApiError)) return { kind: 'failed', message: failedMessage(error) };
  const reason = error.details?.reason;
  switch (error.status) {
    case 401:
      if (reason === 'pin-required') return { kind: 'pin-required' };
      break;
    case 403:
      return { kind: 'wrong-pin', message: `${sentence(error.message)} Check the PIN you were given and try again.` };
    case 404:
      return {
        kind: 'closed',
        message: reason === 'unknown-token' ? `${sentence(error.message)} ${NEW_LINK}` : sentence(error.message),
      };
    case 429:
      return { kind: 'closed', message: `${sentence(error.message)} Then open the link again.` };
    case 400:
      return { kind: 'closed', message: `This link is incomplete or damaged. ${NEW_LINK}` };
  }
  return { kind: 'failed', message: failedMessage(error) };
}

function failedMessage(error: unknown): string {
  return `The study could not be opened: ${fullStop(describeError(error))}`;
}

/** What is wrong with the PIN the recipient typed; undefined when it may be sent. */
export function enteredPinProblem(pin: string): string | undefined {
  const trimmed = pin.trim();
  if (trimmed === '') return 'Enter the PIN the sender gave you.';
  if (!/^\d+$/.test(trimmed)) return 'A PIN has digits only.';
  if (trimmed.length < 4 || trimmed.length > 12) return 'A PIN has 4 to 12 digits.';
  return undefined;
}

/**
 * Whether the browser may be sent to `url`: a path of this site's viewer only, so a tampered
 * answer can never send the recipient somewhere else.
 */
export function isViewerPath(url: string): boolean {
  return /^\/viewer\/[^/\\]/.test(url);
}
