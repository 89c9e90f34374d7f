import { describe, expect, it } from 'vitest';
import { MllpError } from './mllp-errors.ts';
import { MllpFrameDecoder, encodeFrame } from './mllp-frame-decoder.ts';
import { bytes } from './mllp-test-support.ts';

interface DecodeCase {
  readonly name: string;
  /** Chunks as pushed, byte for byte (latin1): '\x0b' is SB, '\x1c' is EB, '\r' is CR. */
  readonly chunks: readonly string[];
  readonly maxFrameBytes?: number;
  readonly frames: readonly string[];
  readonly skippedByteCount?: number;
  readonly errorCode?: string;
  readonly insideFrameAtEnd?: boolean;
}

const cases: readonly DecodeCase[] = [
  { name: 'one frame in one chunk', chunks: ['\x0bMSH|A\x1c\r'], frames: ['MSH|A'] },
  { name: 'two frames in one chunk', chunks: ['\x0bA\x1c\r\x0bB\x1c\r'], frames: ['A', 'B'] },
  { name: 'split between EB and CR', chunks: ['\x0bABC\x1c', '\r'], frames: ['ABC'] },
  { name: 'split right after SB', chunks: ['\x0b', 'ABC\x1c\r'], frames: ['ABC'] },
  { name: 'split before SB', chunks: ['\x0bA\x1c\r', '\x0bB\x1c\r'], frames: ['A', 'B'] },
  { name: 'one byte per chunk', chunks: ['\x0b', 'A', 'B', '\x1c', '\r'], frames: ['AB'] },
  {
    name: 'frame end and next frame start in one chunk',
    chunks: ['\x0bA\x1c', '\r\x0bB', '\x1c\r'],
    frames: ['A', 'B'],
  },
  { name: 'empty payload', chunks: ['\x0b\x1c\r'], frames: [''] },
  {
    name: 'segment separators CR, LF and CRLF are payload bytes',
    chunks: ['\x0bMSH|1\rPID|1\nPV1|1\r\nOBR|1\r\x1c\r'],
    frames: ['MSH|1\rPID|1\nPV1|1\r\nOBR|1\r'],
  },
  {
    name: 'bytes above 0x7F pass untouched',
    chunks: ['\x0bM\xfcller\xc3\xa9\xff\x1c\r'],
    frames: ['M\xfcller\xc3\xa9\xff'],
  },
  {
    name: 'garbage before SB is skipped and counted',
    chunks: ['junk\r\n\x0bA\x1c\r'],
    frames: ['A'],
    skippedByteCount: 6,
  },
  {
    name: 'LF after a frame is skipped',
    chunks: ['\x0bA\x1c\r\n\x0bB\x1c\r\n'],
    frames: ['A', 'B'],
    skippedByteCount: 2,
  },
  { name: 'a chunk of garbage only', chunks: ['hello'], frames: [], skippedByteCount: 5 },
  { name: 'CR without a frame is garbage', chunks: ['\r'], frames: [], skippedByteCount: 1 },
  { name: 'EB not followed by CR is payload', chunks: ['\x0bA\x1cB\x1c\r'], frames: ['A\x1cB'] },
  { name: 'EB at chunk end, next chunk not CR', chunks: ['\x0bA\x1c', 'B\x1c\r'], frames: ['A\x1cB'] },
  { name: 'EB EB CR keeps the first EB', chunks: ['\x0bA\x1c\x1c\r'], frames: ['A\x1c'] },
  { name: 'EB, chunk end, EB CR', chunks: ['\x0bA\x1c', '\x1c\r'], frames: ['A\x1c'] },
  { name: 'SB inside a frame is payload', chunks: ['\x0bA\x0bB\x1c\r'], frames: ['A\x0bB'] },
  { name: 'unfinished frame stays buffered', chunks: ['\x0bA\x1c\r\x0bBC'], frames: ['A'], insideFrameAtEnd: true },
  { name: 'payload of exactly maxFrameBytes', chunks: ['\x0b12345\x1c\r'], maxFrameBytes: 5, frames: ['12345'] },
  {
    name: 'payload of maxFrameBytes + 1',
    chunks: ['\x0b123456\x1c\r'],
    maxFrameBytes: 5,
    frames: [],
    errorCode: 'frame_too_large',
  },
  {
    name: 'oversize is detected before the end arrives',
    chunks: ['\x0b123', '456'],
    maxFrameBytes: 5,
    frames: [],
    errorCode: 'frame_too_large',
  },
  {
    name: 'an EB kept as payload counts towards the limit',
    chunks: ['\x0b12345\x1c', 'x'],
    maxFrameBytes: 5,
    frames: [],
    errorCode: 'frame_too_large',
  },
  {
    name: 'frames before the oversized one are kept',
    chunks: ['\x0bA\x1c\r\x0b123456'],
    maxFrameBytes: 5,
    frames: ['A'],
    errorCode: 'frame_too_large',
  },
  {
    name: 'nothing is decoded after the error',
    chunks: ['\x0b123456', '\x1c\r\x0bA\x1c\r'],
    maxFrameBytes: 5,
    frames: [],
    errorCode: 'frame_too_large',
  },
];

function decodeAll(chunks: readonly Buffer[], maxFrameBytes = 1024) {
  const decoder = new MllpFrameDecoder(maxFrameBytes);
  const frames: string[] = [];
  let skippedByteCount = 0;
  let error: MllpError | undefined;
  for (const chunk of chunks) {
    const result = decoder.push(chunk);
    frames.push(...result.frames.map((payload) => payload.toString('latin1')));
    skippedByteCount += result.skippedByteCount;
    error = result.error;
  }
  return { decoder, frames, skippedByteCount, error };
}

describe('MllpFrameDecoder', () => {
  it.each(cases)('$name', (testCase) => {
    const result = decodeAll(testCase.chunks.map(bytes), testCase.maxFrameBytes);
    expect(result.frames).toEqual(testCase.frames);
    expect(result.skippedByteCount).toBe(testCase.skippedByteCount ?? 0);
    expect(result.error?.code).toBe(testCase.errorCode);
    expect(result.decoder.isInsideFrame).toBe(testCase.insideFrameAtEnd ?? false);
  });

  it('decodes the same frames wherever a two-frame stream is cut into two or three chunks', () => {
    const stream = bytes('xx\x0bMSH|1\rPID|\x1cA\x1c\r\n\x0bMSH|2\r\x1c\r');
    const expected = ['MSH|1\rPID|\x1cA', 'MSH|2\r'];
    for (let first = 0; first <= stream.length; first += 1) {
      for (let second = first; second <= stream.length; second += 1) {
        const chunks = [stream.subarray(0, first), stream.subarray(first, second), stream.subarray(second)];
        const result = decodeAll(chunks);
        expect(result.frames, `cut at ${first} and ${second}`).toEqual(expected);
        expect(result.skippedByteCount).toBe(3);
      }
    }
  });

  it('returns copies, not views of the pushed chunk', () => {
    const chunk = bytes('\x0bABC\x1c\r');
    const [payload] = new MllpFrameDecoder(100).push(chunk).frames;
    chunk.fill(0);
    expect(payload?.toString('latin1')).toBe('ABC');
  });

  it('reports the unfinished frame size', () => {
    const decoder = new MllpFrameDecoder(100);
    decoder.push(bytes('\x0bABC\x1c'));
    expect(decoder.isInsideFrame).toBe(true);
    expect(decoder.bufferedByteCount).toBe(4);
  });

  it('gives the error as a typed value with the limit', () => {
    const { error } = new MllpFrameDecoder(3).push(bytes('\x0b1234'));
    expect(error).toBeInstanceOf(MllpError);
    expect(error?.details).toEqual({ maxFrameBytes: 3 });
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects maxFrameBytes %s', (maxFrameBytes) => {
    expect(() => new MllpFrameDecoder(maxFrameBytes)).toThrow(expect.objectContaining({ code: 'invalid_options' }));
  });
});

describe('encodeFrame', () => {
  it.each([
    { payload: 'MSH|A\rMSA|AA|1\r', wire: '\x0bMSH|A\rMSA|AA|1\r\x1c\r' },
    { payload: '', wire: '\x0b\x1c\r' },
    { payload: 'A\x1cB', wire: '\x0bA\x1cB\x1c\r' },
    { payload: '\xe9\xff', wire: '\x0b\xe9\xff\x1c\r' },
  ])('frames $payload byte for byte', ({ payload, wire }) => {
    expect(encodeFrame(bytes(payload))).toEqual(bytes(wire));
  });

  it('round-trips through the decoder', () => {
    const payload = bytes('MSH|^~\\&|A\rPID|1\x1cX\r');
    expect(new MllpFrameDecoder(100).push(encodeFrame(payload)).frames).toEqual([payload]);
  });

  it('refuses a payload containing EB CR, which would end the frame early', () => {
    expect(() => encodeFrame(bytes('A\x1c\rB'))).toThrow(
      expect.objectContaining({ code: 'payload_contains_end_block', details: { offset: 1 } }),
    );
  });
});
