// The share form's values (text as typed) and what they become: the body of POST /api/shares,
// after the checks a physician should hear about at the field before anything is sent. The
// server checks again (src/domain/share-link.ts) and refuses a lifetime above its configured
// maximum (`sharing.maxExpiryDays`) with a message of its own. Pure.

import type { ShareLinkInput } from '../../../src/domain/share-link.ts';

/** The lifetimes offered; the sidecar's default is 7 days and its usual maximum 30. */
export const SHARE_DAYS = { min: 1, max: 30, initial: 7 } as const;

/** Lengths the API accepts (src/domain/share-link.ts). */
export const RECIPIENT_MAX_LENGTH = 200;
export const PURPOSE_MAX_LENGTH = 500;

export type ShareFormValues = { recipient: string; purpose: string; expiresInDays: string; pin: string };
export type ShareField = keyof ShareFormValues;
export type ShareFormProblems = Partial<Record<ShareField, string>>;

/** The fields in the order they are shown: the first with a problem takes the focus. */
export const SHARE_FIELDS: readonly ShareField[] = ['recipient', 'purpose', 'expiresInDays', 'pin'];

export const EMPTY_SHARE_FORM: ShareFormValues = {
  recipient: '',
  purpose: '',
  expiresInDays: String(SHARE_DAYS.initial),
  pin: '',
};

/** What is wrong with a PIN as typed ('' is no PIN); undefined when it may be sent. */
export function pinProblem(pin: string): string | undefined {
  const trimmed = pin.trim();
  if (trimmed === '') return undefined;
  return /^\d{4,12}$/.test(trimmed) ? undefined : 'A PIN is 4 to 12 digits.';
}

function days(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,3}$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value >= SHARE_DAYS.min && value <= SHARE_DAYS.max ? value : undefined;
}

/** What is wrong with the values, per field; empty when they may be sent. */
export function shareFormProblems(values: ShareFormValues): ShareFormProblems {
  const problems: ShareFormProblems = {};
  const recipient = values.recipient.trim();
  if (recipient === '') problems.recipient = 'Say who the link is for: a name or an e-mail address.';
  else if (recipient.length > RECIPIENT_MAX_LENGTH) {
    problems.recipient = `Use at most ${RECIPIENT_MAX_LENGTH} characters.`;
  }
  const purpose = values.purpose.trim();
  if (purpose === '') problems.purpose = 'Say why the study is shared, e.g. “surgical planning”.';
  else if (purpose.length > PURPOSE_MAX_LENGTH) problems.purpose = `Use at most ${PURPOSE_MAX_LENGTH} characters.`;
  if (days(values.expiresInDays) === undefined) {
    problems.expiresInDays = `A link lives ${SHARE_DAYS.min} to ${SHARE_DAYS.max} days.`;
  }
  const pin = pinProblem(values.pin);
  if (pin !== undefined) problems.pin = pin;
  return problems;
}

export function hasProblems(problems: ShareFormProblems): boolean {
  return Object.values(problems).some((problem) => problem !== undefined);
}

/** The body of POST /api/shares; call only when shareFormProblems found nothing. */
export function shareLinkBody(studyId: string, values: ShareFormValues): ShareLinkInput {
  const pin = values.pin.trim();
  return {
    studyId,
    recipient: values.recipient.trim(),
    purpose: values.purpose.trim(),
    expiresInDays: days(values.expiresInDays) ?? SHARE_DAYS.initial,
    ...(pin === '' ? {} : { pin }),
  };
}
