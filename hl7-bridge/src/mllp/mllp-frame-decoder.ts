// MLLP framing, byte-exact and without I/O.
//
// HL7 MLLP Release 2 ("HL7 Version 3 Standard: Transport Specification - MLLP, Release 2",
// section "Block Format") defines a block as <SB> dddd <EB><CR>, with SB = 0x0B, EB = 0x1C and
// CR = 0x0D. The payload is handed on as the raw bytes dddd: MLLP says nothing about the
// character set, which the HL7 layer reads from MSH-18 later (DESIGN section 5).
//
// Decisions where real senders stray from the spec:
// - Bytes outside a block (before SB, or between blocks) are not HL7 content. They are skipped
//   and counted so the server can log them; a stray LF after <EB><CR> is the usual culprit.
// - The block ends only at the two-byte sequence <EB><CR>. An EB followed by anything else is
//   kept as payload, and so is an SB inside a block. The spec's data may not contain either byte
//   (single-byte values above 0x1F plus CR), so such a payload is already malformed; keeping its
//   bytes passes the problem to the HL7 layer, which can answer AE/AR, instead of guessing a
//   boundary here and silently handing on a truncated message or desynchronising the stream.
// - A frame's payload may not exceed maxFrameBytes. The limit is checked as bytes arrive, so a
//   sender that never sends <EB><CR> cannot make us buffer without bound. After that error the
//   decoder stays failed: the stream position is unknown and the connection must be closed.

import { MllpError } from './mllp-errors.ts';

export const START_BLOCK = 0x0b;
export const END_BLOCK = 0x1c;
export const CARRIAGE_RETURN = 0x0d;

const END_BLOCK_BYTE = Buffer.from([END_BLOCK]);
const FRAME_START = Buffer.from([START_BLOCK]);
const FRAME_END = Buffer.from([END_BLOCK, CARRIAGE_RETURN]);

export interface DecodeResult {
  /** Complete payloads in arrival order, each a fresh copy (never a view of the input chunk). */
  readonly frames: Buffer[];
  /** Bytes outside any frame that this chunk contained and the decoder dropped. */
  readonly skippedByteCount: number;
  /** Set once a frame grew beyond maxFrameBytes; frames before it in the same chunk are kept. */
  readonly error: MllpError | undefined;
}

type DecoderState = 'between_frames' | 'in_frame' | 'after_end_block' | 'failed';

export class MllpFrameDecoder {
  readonly maxFrameBytes: number;
  #state: DecoderState = 'between_frames';
  #parts: Buffer[] = [];
  #payloadByteCount = 0;
  #error: MllpError | undefined;

  constructor(maxFrameBytes: number) {
    if (!Number.isSafeInteger(maxFrameBytes) || maxFrameBytes < 1) {
      throw new MllpError('invalid_options', 'maxFrameBytes must be a positive integer', { maxFrameBytes });
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  /** True while a frame has started and its <EB><CR> has not arrived. */
  get isInsideFrame(): boolean {
    return this.#state === 'in_frame' || this.#state === 'after_end_block';
  }

  /** Payload bytes of the unfinished frame (including a pending EB), for diagnostics on close. */
  get bufferedByteCount(): number {
    return this.#payloadByteCount + (this.#state === 'after_end_block' ? 1 : 0);
  }

  /**
   * Feeds the next chunk as it came off the socket. An unfinished frame keeps views of earlier
   * chunks until it completes, so a chunk must not be modified after it was pushed.
   */
  push(chunk: Buffer): DecodeResult {
    const frames: Buffer[] = [];
    let skippedByteCount = 0;
    let index = 0;

    while (index < chunk.length && this.#state !== 'failed') {
      switch (this.#state) {
        case 'between_frames': {
          const start = chunk.indexOf(START_BLOCK, index);
          const end = start === -1 ? chunk.length : start;
          skippedByteCount += end - index;
          if (start === -1) {
            index = chunk.length;
          } else {
            index = start + 1;
            this.#state = 'in_frame';
          }
          break;
        }
        case 'in_frame': {
          const endBlock = chunk.indexOf(END_BLOCK, index);
          const end = endBlock === -1 ? chunk.length : endBlock;
          this.#append(chunk.subarray(index, end));
          index = end;
          if (endBlock !== -1 && this.#state === 'in_frame') {
            // Whether this EB ends the frame depends on the next byte, which may be in the next chunk.
            index = endBlock + 1;
            this.#state = 'after_end_block';
          }
          break;
        }
        case 'after_end_block': {
          if (chunk[index] === CARRIAGE_RETURN) {
            frames.push(Buffer.concat(this.#parts, this.#payloadByteCount));
            this.#parts = [];
            this.#payloadByteCount = 0;
            this.#state = 'between_frames';
            index += 1;
          } else {
            // EB not followed by CR is payload (see the header); the byte at `index` is examined again.
            this.#state = 'in_frame';
            this.#append(END_BLOCK_BYTE);
          }
          break;
        }
      }
    }
    return { frames, skippedByteCount, error: this.#error };
  }

  #append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.#payloadByteCount + bytes.length > this.maxFrameBytes) {
      this.#error = new MllpError('frame_too_large', `MLLP frame exceeds ${this.maxFrameBytes} bytes`, {
        maxFrameBytes: this.maxFrameBytes,
      });
      this.#state = 'failed';
      this.#parts = [];
      this.#payloadByteCount = 0;
      return;
    }
    this.#parts.push(bytes);
    this.#payloadByteCount += bytes.length;
  }
}

/**
 * Wraps a payload as <SB> payload <EB><CR>. A payload containing <EB><CR> cannot be framed: the
 * receiver would end the frame there, so it is refused rather than sent truncated.
 */
export function encodeFrame(payload: Buffer): Buffer {
  if (payload.indexOf(FRAME_END) !== -1) {
    throw new MllpError('payload_contains_end_block', 'payload contains <EB><CR> (0x1C 0x0D) and cannot be framed', {
      offset: payload.indexOf(FRAME_END),
    });
  }
  return Buffer.concat([FRAME_START, payload, FRAME_END], payload.length + 3);
}
