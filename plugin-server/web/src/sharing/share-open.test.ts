import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-client.ts';
import { enteredPinProblem, isViewerPath, openRefusal } from './share-open.ts';

function refused(status: number, message: string, reason?: string): ApiError {
  return new ApiError(status, 'code', message, reason === undefined ? undefined : { reason });
}

describe('openRefusal', () => {
  it.each<[ApiError | Error, ReturnType<typeof openRefusal>]>([
    [refused(401, 'this link needs the PIN you were given', 'pin-required'), { kind: 'pin-required' }],
    [
      refused(403, 'wrong PIN', 'wrong-pin'),
      { kind: 'wrong-pin', message: 'Wrong PIN. Check the PIN you were given and try again.' },
    ],
    [
      refused(404, 'this link was withdrawn by the sender', 'revoked'),
      { kind: 'closed', message: 'This link was withdrawn by the sender.' },
    ],
    [
      refused(404, 'this link has expired; ask the sender for a new one', 'expired'),
      { kind: 'closed', message: 'This link has expired; ask the sender for a new one.' },
    ],
    [
      refused(404, 'this link is not valid', 'unknown-token'),
      {
        kind: 'closed',
        message:
          'This link is not valid. Check that you opened the whole address from the message you received, or ask the sender for a new link.',
      },
    ],
    [
      refused(429, 'too many failed attempts; wait 15 minutes'),
      { kind: 'closed', message: 'Too many failed attempts; wait 15 minutes. Then open the link again.' },
    ],
    [
      refused(400, 'body.token: not a share token'),
      {
        kind: 'closed',
        message:
          'This link is incomplete or damaged. Check that you opened the whole address from the message you received, or ask the sender for a new link.',
      },
    ],
    // A 401 without the reason is not a PIN question.
    [refused(401, 'log in first'), { kind: 'failed', message: 'The study could not be opened: log in first.' }],
    [
      new ApiError(0, 'network_error', 'the server cannot be reached; check the network and try again'),
      {
        kind: 'failed',
        message: 'The study could not be opened: the server cannot be reached; check the network and try again.',
      },
    ],
    [refused(502, 'bad gateway'), { kind: 'failed', message: 'The study could not be opened: bad gateway.' }],
  ])('tells the recipient about %s', (error, expected) => {
    expect(openRefusal(error)).toEqual(expected);
  });

  it('explains an answer the page does not understand without showing it', () => {
    const error = z.object({ viewerUrl: z.string() }).safeParse({}).error;
    expect(openRefusal(error)).toEqual({
      kind: 'failed',
      message: 'The study could not be opened: the server sent an answer this page does not understand.',
    });
  });
});

describe('enteredPinProblem', () => {
  it.each([
    ['', 'Enter the PIN the sender gave you.'],
    ['  ', 'Enter the PIN the sender gave you.'],
    ['12 34', 'A PIN has digits only.'],
    ['abcd', 'A PIN has digits only.'],
    ['123', 'A PIN has 4 to 12 digits.'],
    ['1234567890123', 'A PIN has 4 to 12 digits.'],
    ['0042', undefined],
    [' 123456789012 ', undefined],
  ])('%j: %s', (pin, expected) => {
    expect(enteredPinProblem(pin)).toBe(expected);
  });
});

describe('isViewerPath', () => {
  it.each([
    ['/viewer/outside-shared?StudyInstanceUIDs=1.2.3', true],
    ['/viewer/outside-shared', true],
    ['https://elsewhere.example/viewer/x', false],
    ['//elsewhere.example/viewer/x', false],
    ['/viewer//elsewhere.example', false],
    ['/viewer/\\elsewhere', false],
    ['/api/shares', false],
    ['javascript:alert(1)', false],
  ])('%j: %s', (url, expected) => {
    expect(isViewerPath(url)).toBe(expected);
  });
});
