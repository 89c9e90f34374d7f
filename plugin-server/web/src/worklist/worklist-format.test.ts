import { describe, expect, it } from 'vitest';
import { REVIEW_REASONS } from '../../../src/domain/reconciliation.ts';
import {
  bestCandidate,
  bulkResultSummary,
  candidateLabel,
  describeAction,
  describeOutcome,
  doneMessage,
  formatPoints,
  formatWaiting,
  formatXpn,
  isHighConfidence,
  procedureLabel,
  reasonLabel,
  studyLabel,
  waitingDays,
} from './worklist-format.ts';
import type { CandidateView } from './worklist.resource.ts';

function candidate(orderId: number, score: number, extra: Partial<CandidateView> = {}): CandidateView {
  return {
    orderId,
    score,
    explicitStudyUid: false,
    conflicting: false,
    evidence: [],
    accessionNumber: `ACC${orderId}`,
    placerOrderNumber: `PL${orderId}`,
    procedureCode: 'OUTSIDE',
    procedureText: 'Outside study import',
    modality: 'CT',
    department: 'RAD',
    orderedAt: '2024-03-01T10:00:00.000Z',
    status: 'new',
    mrn: 'MRN-1',
    ...extra,
  };
}

describe('worklist formatting', () => {
  it('gives every review reason words of its own', () => {
    const labels = REVIEW_REASONS.map(reasonLabel);
    expect(new Set(labels).size).toBe(REVIEW_REASONS.length);
    for (const [index, label] of labels.entries()) expect(label, REVIEW_REASONS[index]).not.toMatch(/-/);
    expect(reasonLabel('ambiguous')).toBe('Several orders fit about equally');
    expect(reasonLabel('claimed-mrn-unknown')).toBe('Claimed MRN not known from HL7');
  });

  it('shows a reason it does not know as words, and none as a dash', () => {
    expect(reasonLabel('something-new_here')).toBe('Something new here');
    expect(reasonLabel(null)).toBe('–');
    expect(reasonLabel('')).toBe('–');
  });

  it.each([
    [20, '+20'],
    [-40, '−40'],
    [0, '0'],
  ])('signs %d points as %s', (points, expected) => {
    expect(formatPoints(points)).toBe(expected);
  });

  it('knows a high-confidence score', () => {
    expect(isHighConfidence(60, 60)).toBe(true);
    expect(isHighConfidence(59, 60)).toBe(false);
    expect(isHighConfidence(null, 60)).toBe(false);
  });

  it.each([
    ['2024-03-10T08:00:00.000Z', 'today', 0],
    ['2024-03-09T09:00:00.000Z', '1 day', 1],
    ['2024-02-29T12:00:00.000Z', '10 days', 10],
    // A clock a little ahead of ours is not "−1 days".
    ['2024-03-10T12:30:00.000Z', 'today', 0],
    ['not a date', '–', undefined],
  ])('says a study waiting since %s waits %s', (since, expected, days) => {
    const now = new Date('2024-03-10T12:00:00.000Z');
    expect(formatWaiting(since, now)).toBe(expected);
    expect(waitingDays(since, now)).toBe(days);
  });

  it('names an order by accession, else placer, else id, and its procedure by code and text', () => {
    expect(candidateLabel(candidate(1, 0))).toBe('ACC1');
    expect(candidateLabel(candidate(2, 0, { accessionNumber: ' ' }))).toBe('placer PL2');
    expect(candidateLabel(candidate(3, 0, { accessionNumber: null, placerOrderNumber: null }))).toBe('#3');
    expect(procedureLabel(candidate(1, 0))).toBe('OUTSIDE · Outside study import');
    expect(procedureLabel(candidate(1, 0, { procedureCode: null, procedureText: '' }))).toBe('–');
  });

  it('takes the highest score as the best candidate, the first of equals', () => {
    expect(bestCandidate([])).toBeUndefined();
    expect(bestCandidate([candidate(1, 40), candidate(2, 55), candidate(3, 55)])?.orderId).toBe(2);
  });

  it('names a study and an HL7 name for people', () => {
    expect(studyLabel({ patientName: 'DOE^JANE', studyDate: '20240115', studyDescription: 'CT HEAD ' })).toBe(
      'DOE, JANE · 2024-01-15 · CT HEAD',
    );
    expect(studyLabel({ patientName: '', studyDate: '', studyDescription: '' })).toBe('– · –');
    expect(formatXpn('DOE^JANE^Q^JR^DR')).toBe('DOE, DR JANE Q JR');
    expect(formatXpn('')).toBe('–');
  });

  it('describes each decision before it is sent', () => {
    const detail = { candidates: [candidate(7, 55)] };
    expect(describeAction({ action: 'confirm', orderId: 7 }, detail)).toBe('confirm order ACC7');
    expect(describeAction({ action: 'confirm', orderId: 8 }, detail)).toBe('confirm order #8');
    expect(describeAction({ action: 'manual', mrn: 'M1', accessionNumber: 'A1', acceptUnknown: false }, detail)).toBe(
      'set MRN M1 and accession A1 by hand',
    );
    expect(describeAction({ action: 'manual', mrn: 'M1', accessionNumber: '', acceptUnknown: true }, detail)).toBe(
      'set MRN M1 by hand',
    );
    expect(describeAction({ action: 'reference-only', mrn: 'M1' }, detail)).toBe('keep as reference for MRN M1');
    expect(describeAction({ action: 'rematch' }, detail)).toBe('run matching again');
  });

  it('says where the study stands afterwards', () => {
    expect(describeOutcome({ reason: null, resolution: 'confirmed', coercionState: 'pending' })).toBe(
      'It left the worklist (confirmed; tag changes queued).',
    );
    expect(describeOutcome({ reason: 'ambiguous', resolution: null, coercionState: 'none' })).toBe(
      'It is still on the worklist: Several orders fit about equally.',
    );
  });

  it('reports an action that went through', () => {
    expect(
      doneMessage('confirm order A1', 'DOE, JANE · 2024-01-15', {
        reason: null,
        resolution: 'confirmed',
        coercionState: 'pending',
      }),
    ).toBe('Confirm order A1: done for DOE, JANE · 2024-01-15. It left the worklist (confirmed; tag changes queued).');
  });

  it('sums up a bulk confirmation', () => {
    const labels: Record<string, string> = { a: 'Study A', b: 'Study B' };
    expect(
      bulkResultSummary(
        { confirmed: ['a'], skipped: [{ studyId: 'b', why: 'best score 40 is below 60' }] },
        (id) => labels[id] ?? id,
      ),
    ).toEqual({ text: 'Confirmed 1 study. Skipped 1 study:', skipped: ['Study B: best score 40 is below 60.'] });
    expect(bulkResultSummary({ confirmed: ['a', 'b'], skipped: [] }, (id) => id)).toEqual({
      text: 'Confirmed 2 studies.',
      skipped: [],
    });
    expect(bulkResultSummary({ confirmed: [], skipped: [] }, (id) => id).text).toBe('No study was confirmed.');
  });
});
