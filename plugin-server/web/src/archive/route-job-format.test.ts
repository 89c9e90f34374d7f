import { describe, expect, it } from 'vitest';
import type { ArchiveStatus, RouteJob, RouteJobState } from './archive.resource.ts';
import {
  archiveInProgress,
  archiveJobLine,
  archiveSummary,
  briefError,
  canCancel,
  canRetry,
  cancelledMessage,
  instancesText,
  isOpen,
  nextTryText,
  retriedMessage,
  shortUid,
} from './route-job-format.ts';

function job(overrides: Partial<RouteJob> = {}): RouteJob {
  return {
    id: 7,
    studyId: 's1',
    StudyInstanceUID: '1.2.826.0.1.3680043.8.498.1234567890',
    destination: 'radiology-pacs',
    state: 'pending',
    attempts: 0,
    nextAttemptAt: null,
    lastError: null,
    instancesSent: 0,
    instancesVerified: 0,
    createdAt: '2024-03-01T10:00:00.000Z',
    updatedAt: '2024-03-01T10:00:00.000Z',
    ...overrides,
  };
}

describe('route job format', () => {
  it.each<[RouteJobState, boolean, boolean, boolean]>([
    // state, retry, cancel, open
    ['pending', false, true, true],
    ['sending', false, true, true],
    ['sent', false, true, true],
    ['retry_wait', true, true, true],
    ['dead', true, true, false],
    ['verified', false, false, false],
    ['cancelled', false, false, false],
  ])('%s: retry %s, cancel %s, open %s', (state, retry, cancel, open) => {
    expect(canRetry(state)).toBe(retry);
    expect(canCancel(state)).toBe(cancel);
    expect(isOpen(state)).toBe(open);
  });

  it.each([
    ['1.2.826.0.1.3680043.8.498.1234567890', '1.2.826.…34567890'],
    ['1.2.3.4', '1.2.3.4'],
    ['12345678901234567', '12345678901234567'],
    ['123456789012345678', '12345678…12345678'],
  ])('shortens %s', (uid, short) => {
    expect(shortUid(uid)).toBe(short);
  });

  it('counts instances and says when the next try is', () => {
    expect(instancesText(job({ instancesSent: 1200, instancesVerified: 3 }))).toBe('1,200 sent / 3 verified');
    const now = new Date('2024-03-01T10:00:00.000Z');
    expect(nextTryText(job({ state: 'retry_wait', nextAttemptAt: '2024-03-01T10:00:30.000Z' }), now)).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} \(in 30 s\)$/,
    );
    expect(nextTryText(job({ state: 'retry_wait', nextAttemptAt: '2024-03-01T09:59:00.000Z' }), now)).toMatch(
      /\(due\)$/,
    );
    // A time left over from an earlier state means nothing once the job is done.
    expect(nextTryText(job({ state: 'verified', nextAttemptAt: '2024-03-01T10:00:30.000Z' }), now)).toBe('–');
    expect(nextTryText(job({ state: 'retry_wait', nextAttemptAt: null }), now)).toBe('–');
  });

  it('describes a study’s archive status', () => {
    const status = (state: ArchiveStatus['state'], jobs: RouteJob[]): ArchiveStatus => ({ state, jobs });
    expect(archiveSummary(status('matched', []))).toBe('Not archived yet.');
    expect(archiveSummary(status('archived', [job({ state: 'verified' })]))).toBe(
      'Archived: verified in 1 destination.',
    );
    expect(
      archiveSummary(
        status('queued', [job({ state: 'verified' }), job({ id: 8, state: 'sending', destination: 'b' })]),
      ),
    ).toBe('Being archived: 1 of 2 destinations verified so far.');
    expect(archiveSummary(status('queued', [job({ state: 'dead' })]))).toMatch(
      /^Archiving needs attention: 1 delivery/,
    );
    expect(archiveSummary(status('queued', [job({ state: 'cancelled' })]))).toBe(
      'Archive deliveries ended: 0 of 1 destination verified.',
    );
    expect(archiveInProgress(status('queued', [job({ state: 'retry_wait' })]))).toBe(true);
    expect(archiveInProgress(status('archived', [job({ state: 'verified' })]))).toBe(false);
  });

  it('lists one line per destination, with the error only while it matters', () => {
    expect(archiveJobLine(job({ state: 'verified', instancesSent: 6, instancesVerified: 6 }))).toBe(
      'radiology-pacs: verified · 6 sent / 6 verified',
    );
    expect(archiveJobLine(job({ state: 'retry_wait', attempts: 3, lastError: 'connection refused' }))).toBe(
      'radiology-pacs: retry wait · 0 sent / 0 verified · 3 attempts · connection refused',
    );
    expect(archiveJobLine(job({ state: 'verified', attempts: 1, lastError: 'old' }))).not.toContain('old');
  });

  it('announces the outcome of an action', () => {
    expect(retriedMessage(job({ state: 'pending' }))).toBe(
      'Job 7 to radiology-pacs is pending again with a fresh set of attempts.',
    );
    expect(cancelledMessage(job({ state: 'cancelled' }))).toBe(
      'Job 7 to radiology-pacs is cancelled: nothing more is sent to radiology-pacs for this study.',
    );
  });
});

describe('brief error', () => {
  it.each([
    [null, '–'],
    ['  ', '–'],
    ['connection refused', 'connection refused'],
    ['a\n  b', 'a b'],
    ['x'.repeat(100), `${'x'.repeat(89)}…`],
  ])('%j → %j', (message, brief) => {
    expect(briefError(message)).toBe(brief);
  });
});
