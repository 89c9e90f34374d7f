import { describe, expect, it } from 'vitest';
import type { ApiResult, OutsideApi } from './outside-api.resource.ts';
import { describeFailure, runAction } from './panel-actions.ts';

const STUDY = 'study-1';
const CSRF = 'csrf-token';

/** An API whose every call is recorded and answers `ok` with `value`. */
function fakeApi(answers: Partial<Record<keyof OutsideApi, ApiResult<unknown>>> = {}) {
  const calls: unknown[][] = [];
  const answer =
    (name: keyof OutsideApi) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
      return Promise.resolve(answers[name] ?? { ok: true, value: {} });
    };
  const api = {
    session: answer('session'),
    panel: answer('panel'),
    reference: answer('reference'),
    secondRead: answer('secondRead'),
    archive: answer('archive'),
    discard: answer('discard'),
    share: answer('share'),
  } as unknown as OutsideApi;
  return { api, calls };
}

describe('runAction', () => {
  it('sends each confirmed action with the CSRF token and says what came of it', async () => {
    const { api, calls } = fakeApi({
      secondRead: {
        ok: true,
        value: {
          tagged: true,
          orderRequest: { placerOrderNumber: 'OS-17', outboxMessageId: 3 },
          noOrderRequestBecause: null,
        },
      },
      archive: { ok: true, value: { jobIds: [1, 2] } },
      share: { ok: true, value: { url: 'https://outside.example/s/abc', expiresAt: '2024-03-01T00:00:00.000Z' } },
    });
    expect(await runAction(api, STUDY, { action: 'reference', note: ' for comparison ' }, CSRF)).toEqual({
      ok: true,
      message: 'Kept as a reference.',
    });
    expect(await runAction(api, STUDY, { action: 'secondRead', reason: ' unclear nodule ' }, CSRF)).toEqual({
      ok: true,
      message: 'Second read requested; order requested: OS-17.',
    });
    expect(await runAction(api, STUDY, { action: 'archive' }, CSRF)).toEqual({
      ok: true,
      message: 'Queued for archive (2 destinations).',
    });
    const share = { recipient: 'Dr. Who', purpose: 'second opinion', expiresInDays: 7, pin: '' };
    const shared = await runAction(api, STUDY, { action: 'share', share }, CSRF);
    expect(shared).toMatchObject({ ok: true, shareUrl: 'https://outside.example/s/abc' });
    expect(await runAction(api, STUDY, { action: 'discard', reason: 'wrong patient' }, CSRF)).toEqual({
      ok: true,
      message: 'Discarded.',
    });
    expect(calls).toEqual([
      ['reference', STUDY, 'for comparison', CSRF],
      ['secondRead', STUDY, 'unclear nodule', CSRF],
      ['archive', STUDY, CSRF],
      ['share', STUDY, share, CSRF],
      ['discard', STUDY, 'wrong patient', CSRF],
    ]);
  });

  it('says when a second read needed no order request', async () => {
    const { api } = fakeApi({
      secondRead: {
        ok: true,
        value: { tagged: true, orderRequest: null, noOrderRequestBecause: 'the study already has order P1' },
      },
    });
    expect(await runAction(api, STUDY, { action: 'secondRead', reason: 'x' }, CSRF)).toEqual({
      ok: true,
      message: 'Second read requested; no order requested: the study already has order P1.',
    });
  });

  it('passes refusals on, in words', async () => {
    const failure = { kind: 'refused', status: 409, code: 'conflict', message: 'study is already discarded' } as const;
    const { api } = fakeApi({ discard: { ok: false, failure } });
    const outcome = await runAction(api, STUDY, { action: 'discard', reason: 'x' }, CSRF);
    expect(outcome).toEqual({ ok: false, failure, action: 'discard' });
    expect(describeFailure(failure, 'discard')).toBe('Discard failed: study is already discarded');
    expect(describeFailure({ kind: 'unauthenticated' })).toBe('Could not load the study: you are not logged in.');
  });
});
