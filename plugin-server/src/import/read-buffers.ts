// Reusable read buffers for an import. Every image of a CD used to get a fresh 0.5 MB buffer:
// 250 MB of short-lived external memory per 500-slice CT, and each few dozen megabytes made V8
// mark the whole sidecar heap again. Reusing a handful of buffers halved the importer's CPU time,
// which on a two-core server is CPU taken from Orthanc's ingest.

/** Buffers above this size are used once and left to the garbage collector, not kept. */
const KEPT_MAX_BYTES = 4 * 1024 * 1024;
const MIN_CAPACITY = 64 * 1024;

export class ReadBuffers {
  readonly #spare: Buffer[] = [];
  readonly #maxSpare: number;

  /** `maxSpare`: how many idle buffers are kept (the number of reads in flight is enough). */
  constructor(maxSpare: number) {
    this.#maxSpare = maxSpare;
  }

  /** A buffer of at least `size` bytes, whose contents are undefined. */
  acquire(size: number): Buffer {
    const index = this.#spare.findIndex((buffer) => buffer.length >= size);
    if (index >= 0) return this.#spare.splice(index, 1)[0] as Buffer;
    // Kept sizes are rounded up to a power of two so that the next file of a series fits the same
    // buffer. allocUnsafeSlow: a buffer of its own, never a slice of Node's shared pool.
    if (size > KEPT_MAX_BYTES) return Buffer.allocUnsafeSlow(size);
    return Buffer.allocUnsafeSlow(Math.max(MIN_CAPACITY, 2 ** Math.ceil(Math.log2(Math.max(size, 1)))));
  }

  /** Returns a buffer from acquire(), or any view of one, once nothing reads it any more. */
  release(view: Buffer): void {
    const whole = Buffer.from(view.buffer, 0, view.buffer.byteLength);
    if (whole.length > KEPT_MAX_BYTES || this.#spare.length >= this.#maxSpare) return;
    if (this.#spare.some((buffer) => buffer.buffer === whole.buffer)) return;
    this.#spare.push(whole);
  }
}
