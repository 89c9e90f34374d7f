import type { StudyState } from '../../../plugin-server/src/domain/study-state.ts';

// How the panel writes values. Patient data is always rendered as React text, never as markup:
// these functions only turn DICOM and API values into readable words.

export const MISSING = '—';

export function orMissing(value: string | null | undefined): string {
  return value === null || value === undefined || value.trim() === '' ? MISSING : value;
}

/** DICOM PN (PS3.5 6.2): `Family^Given^Middle^Prefix^Suffix`, alphabetic group first. */
export function personName(value: string | null | undefined): string {
  const alphabetic = (value ?? '').split('=')[0] ?? '';
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = alphabetic
    .split('^')
    .map((part) => part.trim());
  const first = [prefix, given, middle].filter((part) => part !== '').join(' ');
  const name = [family, first].filter((part) => part !== '').join(', ');
  return orMissing(suffix === '' ? name : `${name} ${suffix}`);
}

/** DICOM DA `YYYYMMDD` as `YYYY-MM-DD`; anything else as it is. */
export function dicomDate(value: string | null | undefined): string {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec((value ?? '').trim());
  return match === null ? orMissing(value) : `${match[1]}-${match[2]}-${match[3]}`;
}

/** An ISO timestamp from the API in the browser's time zone, to the minute. */
export function timestamp(value: string | null | undefined, timeZone?: string): string {
  if (value === null || value === undefined || value === '') return MISSING;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((entry) => entry.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/** The matcher's points for the matched order, against what an automatic match needs. */
export function matchScore(score: number | null, autoMatchThreshold: number): string {
  return score === null ? MISSING : `${score} points (automatic match from ${autoMatchThreshold})`;
}

const STATE_LABELS: Record<StudyState, string> = {
  received: 'Received',
  ready: 'Ready',
  identified: 'Identified',
  matched: 'Matched',
  queued: 'Queued for archive',
  archived: 'Archived',
  discarded: 'Discarded',
  purged: 'Purged',
};

export function studyStateLabel(state: StudyState): string {
  return STATE_LABELS[state];
}

/** `second-read` as `Second read`. */
export function words(value: string | null | undefined): string {
  const text = orMissing(value);
  return text === MISSING ? text : text.charAt(0).toUpperCase() + text.slice(1).replaceAll(/[-_]/g, ' ');
}
