import { describe, expect, it } from 'vitest';
import { filterQidoAnswer, qidoAnswerSchema, studyUidsOf, withStateInDescription } from './qido-filter.ts';

const result = (uid: string | undefined, description?: string) => ({
  ...(uid === undefined ? {} : { '0020000D': { vr: 'UI', Value: [uid] } }),
  ...(description === undefined ? {} : { '00081030': { vr: 'LO', Value: [description] } }),
  '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] },
});

describe('QIDO filtering', () => {
  const answer = qidoAnswerSchema.parse([result('1.1', 'CT HEAD'), result('1.2'), result(undefined), result('1.3')]);

  it('names the study UIDs of an answer', () => {
    expect(studyUidsOf(answer)).toEqual(['1.1', '1.2', '1.3']);
  });

  it('keeps only visible studies, in order, and drops results without a StudyInstanceUID', () => {
    const visible = new Map([
      ['1.3', 'c'],
      ['1.1', 'a'],
    ]);
    expect(filterQidoAnswer(answer, visible).map((r) => studyUidsOf([r])[0])).toEqual(['1.1', '1.3']);
    expect(filterQidoAnswer(answer, new Map())).toEqual([]);
  });

  it('accepts lower-case tag keys', () => {
    const lower = qidoAnswerSchema.parse([{ '0020000d': { vr: 'UI', Value: ['1.1'] } }]);
    expect(filterQidoAnswer(lower, new Map([['1.1', true]]))).toHaveLength(1);
  });

  it('ignores a malformed StudyInstanceUID attribute (fail closed)', () => {
    const odd = qidoAnswerSchema.parse([{ '0020000D': { vr: 'UI', Value: [42] } }, { '0020000D': 'x' }]);
    expect(filterQidoAnswer(odd, new Map([['42', true]]))).toEqual([]);
  });

  it('decorates what it keeps', () => {
    const kept = filterQidoAnswer(answer, new Map([['1.1', 'matched' as const]]), (r, state) =>
      withStateInDescription(r, state),
    );
    expect(kept[0]?.['00081030']).toEqual({ vr: 'LO', Value: ['[matched] CT HEAD'] });
  });
});

describe('withStateInDescription', () => {
  it.each([
    [result('1', 'MR KNEE'), '[queued] MR KNEE'],
    [result('1'), '[queued]'],
    [result('1', ''), '[queued]'],
    [{ '00081030': { vr: 'LO' } }, '[queued]'],
  ])('%j', (input, expected) => {
    const decorated = withStateInDescription(qidoAnswerSchema.parse([input])[0] ?? {}, 'queued');
    expect(decorated['00081030']).toEqual({ vr: 'LO', Value: [expected] });
  });

  it('leaves the other attributes alone', () => {
    const input = result('1', 'X');
    expect(withStateInDescription(input, 'ready')['00100010']).toBe(input['00100010']);
  });
});
