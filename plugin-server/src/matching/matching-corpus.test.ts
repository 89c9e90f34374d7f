import { describe, expect, it } from 'vitest';
import { matchConfig, matchStudy } from './match-study.ts';
import { matchResultSchema } from './match-types.ts';
import type { MatchResult } from './match-types.ts';
import { CORPUS_CONFIG, MATCHING_CORPUS } from './matching-corpus.ts';
import type { MatchingCase } from './matching-corpus.ts';

const config = matchConfig(CORPUS_CONFIG);

function run(testCase: MatchingCase): MatchResult {
  return matchStudy({ study: testCase.study, knownPatients: testCase.knownPatients, orders: testCase.orders, config });
}

/** An auto-match to another order than labelled, or for a case labelled for the worklist. */
function isWrongAutoMatch(testCase: MatchingCase, result: MatchResult): boolean {
  if (result.decision.decision !== 'auto-match') return false;
  return testCase.expected.decision !== 'auto-match' || testCase.expected.orderId !== result.decision.orderId;
}

describe('labelled matching corpus', () => {
  const results = MATCHING_CORPUS.map((testCase) => ({ testCase, result: run(testCase) }));

  it('has at least 60 cases with unique ids', () => {
    expect(MATCHING_CORPUS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(MATCHING_CORPUS.map((testCase) => testCase.id)).size).toBe(MATCHING_CORPUS.length);
  });

  it('makes zero wrong auto-matches and reports the auto-match rate', () => {
    const wrong = results
      .filter(({ testCase, result }) => isWrongAutoMatch(testCase, result))
      .map(({ testCase }) => testCase.id);
    const autoMatched = results.filter(({ result }) => result.decision.decision === 'auto-match').length;
    const labelledAuto = MATCHING_CORPUS.filter((testCase) => testCase.expected.decision === 'auto-match').length;
    const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)}%`;
    console.log(
      `matching corpus: ${MATCHING_CORPUS.length} cases, ${autoMatched} auto-matched ` +
        `(${percent(autoMatched, MATCHING_CORPUS.length)} of all cases, ${percent(autoMatched, labelledAuto)} of the ` +
        `${labelledAuto} labelled auto-match), ${wrong.length} wrong auto-matches`,
    );
    expect(wrong).toEqual([]);
  });

  it.each(results.map(({ testCase, result }) => [testCase.id, testCase.description, testCase, result] as const))(
    '%s: %s',
    (_id, _description, testCase, result) => {
      expect(matchResultSchema.parse(result)).toEqual(result);
      const { expected } = testCase;
      if (expected.decision === 'auto-match') {
        expect(result.decision).toMatchObject({ decision: 'auto-match', orderId: expected.orderId });
        return;
      }
      expect(result.decision).toMatchObject({ decision: 'worklist', reason: expected.reason });
      if (expected.identityReason !== undefined) {
        expect(result.identity).toMatchObject({ decision: 'worklist', reason: expected.identityReason });
      }
    },
  );

  it('never lets the outside accession number change a score', () => {
    for (const { testCase, result } of results) {
      const renumbered = run({ ...testCase, study: { ...testCase.study, accessionNumber: 'SOMETHING-ELSE' } });
      expect(renumbered.candidates).toEqual(result.candidates);
      expect(renumbered.decision).toEqual(result.decision);
    }
  });
});
