import { z } from 'zod';

// DESIGN.md section 3: the sidecar's lifecycle of one outside study.
export const STUDY_STATES = [
  'received',
  'ready',
  'identified',
  'matched',
  'queued',
  'archived',
  'discarded',
  'purged',
] as const;
export const studyStateSchema = z.enum(STUDY_STATES);
export type StudyState = z.infer<typeof studyStateSchema>;

const FORWARD: Record<StudyState, readonly StudyState[]> = {
  received: ['ready', 'discarded'],
  ready: ['identified', 'discarded'],
  identified: ['matched', 'discarded'],
  matched: ['queued', 'discarded'],
  queued: ['archived', 'discarded'],
  archived: ['purged'],
  discarded: ['purged'],
  purged: [],
};

/** States from which a transition may be undone (DESIGN.md: "it can be undone until archived"). */
const UNDOABLE: ReadonlySet<StudyState> = new Set(['ready', 'identified', 'matched', 'queued', 'discarded']);

export type TransitionCheck = { ok: true } | { ok: false; reason: string };

/** Whether `from -> to` is a legal step; `undo` allows stepping back to the recorded previous state. */
export function checkTransition(from: StudyState, to: StudyState, options: { undo?: boolean } = {}): TransitionCheck {
  if (from === to) return { ok: false, reason: `study is already ${to}` };
  if (options.undo === true) {
    return UNDOABLE.has(from) ? { ok: true } : { ok: false, reason: `a study that is ${from} cannot be undone` };
  }
  return FORWARD[from].includes(to) ? { ok: true } : { ok: false, reason: `a study cannot go from ${from} to ${to}` };
}
