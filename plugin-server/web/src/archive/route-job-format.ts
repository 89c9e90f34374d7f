// How route jobs (one study to one destination, src/domain/routing.ts) read on screen, and which
// actions their state allows. Pure; the sidecar decides again (409) whatever is shown here.

import { formatDateTime, formatDuration, plural } from '../format/format.ts';
import { stateLabel } from '../hl7/hl7-states.ts';
import type { ArchiveStatus, RouteJob, RouteJobState } from './archive.resource.ts';

/** States in which the outbox still works on a job (route-jobs-store.ts OPEN_STATES). */
export const OPEN_JOB_STATES: readonly RouteJobState[] = ['pending', 'sending', 'sent', 'retry_wait'];

/** POST /api/routing/jobs/:id/retry accepts these only. */
export function canRetry(state: RouteJobState): boolean {
  return state === 'dead' || state === 'retry_wait';
}

/** POST /api/routing/jobs/:id/cancel accepts an open or a dead job. */
export function canCancel(state: RouteJobState): boolean {
  return state === 'dead' || OPEN_JOB_STATES.includes(state);
}

export function isOpen(state: RouteJobState): boolean {
  return OPEN_JOB_STATES.includes(state);
}

/**
 * A Study Instance UID short enough for a table cell: its root and its last digits, which is
 * where UIDs of one site differ. The whole UID is in the row's detail.
 */
export function shortUid(uid: string, keep = 8): string {
  return uid.length <= keep * 2 + 1 ? uid : `${uid.slice(0, keep)}…${uid.slice(-keep)}`;
}

/** A last error short enough for a table cell (the whole message is in the job's detail). */
export function briefError(message: string | null, limit = 90): string {
  if (message === null || message.trim() === '') return '–';
  const text = message.trim().replace(/\s+/g, ' ');
  return text.length <= limit ? text : `${text.slice(0, limit - 1).trimEnd()}…`;
}

export function jobLabel(job: Pick<RouteJob, 'id' | 'destination'>): string {
  return `Job ${job.id} to ${job.destination}`;
}

export function instancesText(job: Pick<RouteJob, 'instancesSent' | 'instancesVerified'>): string {
  return `${job.instancesSent.toLocaleString('en-US')} sent / ${job.instancesVerified.toLocaleString('en-US')} verified`;
}

/**
 * When the outbox tries again: for a job waiting to retry (or pending with a time), the time and
 * how far off it is from `now`; '–' otherwise.
 */
export function nextTryText(job: Pick<RouteJob, 'state' | 'nextAttemptAt'>, now: Date): string {
  if (job.nextAttemptAt === null || (job.state !== 'retry_wait' && job.state !== 'pending')) return '–';
  const at = new Date(job.nextAttemptAt);
  if (Number.isNaN(at.getTime())) return job.nextAttemptAt;
  const seconds = (at.getTime() - now.getTime()) / 1000;
  const when = formatDateTime(job.nextAttemptAt);
  return seconds <= 0 ? `${when} (due)` : `${when} (in ${formatDuration(seconds)})`;
}

/** One line per destination for the archive status of a study (inbox, viewer panel). */
export function archiveJobLine(job: RouteJob): string {
  const base = `${job.destination}: ${stateLabel(job.state)} · ${instancesText(job)}`;
  const attempts = job.attempts > 1 ? ` · ${plural(job.attempts, 'attempt')}` : '';
  const error =
    job.lastError !== null && (job.state === 'dead' || job.state === 'retry_wait') ? ` · ${job.lastError}` : '';
  return `${base}${attempts}${error}`;
}

/** The archive status of a study in one sentence. */
export function archiveSummary(status: ArchiveStatus): string {
  const { state, jobs } = status;
  if (jobs.length === 0) {
    return state === 'matched' ? 'Not archived yet.' : `No archive delivery for this study (it is ${state}).`;
  }
  const verified = jobs.filter((job) => job.state === 'verified').length;
  const dead = jobs.filter((job) => job.state === 'dead').length;
  const open = jobs.filter((job) => isOpen(job.state)).length;
  const destinations = plural(jobs.length, 'destination');
  if (state === 'archived') return `Archived: verified in ${destinations}.`;
  if (dead > 0) {
    return `Archiving needs attention: ${plural(dead, 'delivery', 'deliveries')} failed for good; radiology can retry from the routing queue.`;
  }
  if (open > 0) return `Being archived: ${verified} of ${destinations} verified so far.`;
  return `Archive deliveries ended: ${verified} of ${destinations} verified.`;
}

/** Whether the archive status may still change without anyone acting (worth asking again). */
export function archiveInProgress(status: ArchiveStatus): boolean {
  return status.jobs.some((job) => isOpen(job.state));
}

/** The outcome of Retry, Cancel or Archive as a sentence for the notice and the screen reader. */
export function retriedMessage(job: RouteJob): string {
  return `${jobLabel(job)} is ${stateLabel(job.state)} again with a fresh set of attempts.`;
}

export function cancelledMessage(job: RouteJob): string {
  return `${jobLabel(job)} is cancelled: nothing more is sent to ${job.destination} for this study.`;
}
