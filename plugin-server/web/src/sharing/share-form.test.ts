import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { shareLinkInputSchema } from '../../../src/domain/share-link.ts';
import {
  EMPTY_SHARE_FORM,
  hasProblems,
  pinProblem,
  shareFormProblems,
  shareLinkBody,
  type ShareFormValues,
} from './share-form.ts';

const FILLED: ShareFormValues = {
  recipient: ' Dr. Ada Surgeon ',
  purpose: 'surgical planning',
  expiresInDays: '7',
  pin: '',
};

describe('share form', () => {
  it('starts with a lifetime of 7 days and no PIN', () => {
    expect(EMPTY_SHARE_FORM.expiresInDays).toBe('7');
    expect(EMPTY_SHARE_FORM.pin).toBe('');
  });

  it.each<[Partial<ShareFormValues>, keyof ShareFormValues | undefined]>([
    [{}, undefined],
    [{ recipient: '   ' }, 'recipient'],
    [{ recipient: 'x'.repeat(201) }, 'recipient'],
    [{ purpose: '' }, 'purpose'],
    [{ purpose: 'x'.repeat(501) }, 'purpose'],
    [{ expiresInDays: '0' }, 'expiresInDays'],
    [{ expiresInDays: '31' }, 'expiresInDays'],
    [{ expiresInDays: '1' }, undefined],
    [{ expiresInDays: ' 30 ' }, undefined],
    [{ expiresInDays: '7.5' }, 'expiresInDays'],
    [{ expiresInDays: '' }, 'expiresInDays'],
    [{ pin: '123' }, 'pin'],
    [{ pin: '12a4' }, 'pin'],
    [{ pin: '1'.repeat(13) }, 'pin'],
    [{ pin: '4711' }, undefined],
    [{ pin: ' 123456789012 ' }, undefined],
  ])('with %j the problem is at %s', (change, field) => {
    const problems = shareFormProblems({ ...FILLED, ...change });
    expect(Object.keys(problems)).toEqual(field === undefined ? [] : [field]);
    expect(hasProblems(problems)).toBe(field !== undefined);
  });

  it('reports every empty required field of the empty form', () => {
    expect(Object.keys(shareFormProblems(EMPTY_SHARE_FORM))).toEqual(['recipient', 'purpose']);
  });

  it('makes a body the API accepts, trimmed, without an empty PIN', () => {
    const studyId = randomUUID();
    const body = shareLinkBody(studyId, FILLED);
    expect(body).toEqual({ studyId, recipient: 'Dr. Ada Surgeon', purpose: 'surgical planning', expiresInDays: 7 });
    expect(shareLinkInputSchema.parse(body)).toEqual(body);
    const withPin = shareLinkBody(studyId, { ...FILLED, expiresInDays: '30', pin: ' 0042 ' });
    expect(withPin).toMatchObject({ expiresInDays: 30, pin: '0042' });
    expect(shareLinkInputSchema.parse(withPin)).toEqual(withPin);
  });

  it('checks a PIN typed by the recipient', () => {
    expect(pinProblem('')).toBeUndefined();
    expect(pinProblem('0042')).toBeUndefined();
    expect(pinProblem('42')).toBe('A PIN is 4 to 12 digits.');
  });
});
