// Upload progress as the user sees it: bytes sent of the total, files the server has answered
// for, the rate over the last few seconds, and the time left at that rate. Pure: the caller
// feeds it bytes and a clock.

/** The rate is measured over this window: long enough to be steady, short enough to follow a
 * network that slows down. */
const RATE_WINDOW_MS = 5_000;

export type ProgressSnapshot = {
  bytesSent: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
  /** 0..1 */
  fraction: number;
  /** Bytes per second; undefined until there is enough to measure. */
  bytesPerSecond: number | undefined;
  /** Seconds left; undefined while the rate is unknown. */
  secondsLeft: number | undefined;
};

export class UploadProgress {
  private readonly bytesTotal: number;
  private readonly filesTotal: number;
  /** Bytes sent per request in flight or done (key: batch index). */
  private readonly sentByBatch = new Map<number, number>();
  private filesDone = 0;
  private readonly samples: { at: number; bytes: number }[] = [];

  constructor(bytesTotal: number, filesTotal: number, now: number) {
    this.bytesTotal = bytesTotal;
    this.filesTotal = filesTotal;
    this.samples.push({ at: now, bytes: 0 });
  }

  /** Bytes of one batch's files sent so far (its multipart framing left out). */
  batchSent(batch: number, bytes: number, now: number): void {
    this.sentByBatch.set(batch, bytes);
    this.sample(now);
  }

  /** The server answered for a batch: its files are done and all its bytes are sent. */
  batchDone(batch: number, bytes: number, files: number, now: number): void {
    this.sentByBatch.set(batch, bytes);
    this.filesDone += files;
    this.sample(now);
  }

  snapshot(now: number): ProgressSnapshot {
    const bytesSent = Math.min(this.bytesTotal, this.sent());
    const fraction = this.bytesTotal === 0 ? (this.filesDone >= this.filesTotal ? 1 : 0) : bytesSent / this.bytesTotal;
    const rate = this.rate(now);
    const secondsLeft = rate === undefined || rate <= 0 ? undefined : Math.max(0, (this.bytesTotal - bytesSent) / rate);
    return {
      bytesSent,
      bytesTotal: this.bytesTotal,
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      fraction,
      bytesPerSecond: rate,
      secondsLeft,
    };
  }

  private sent(): number {
    let total = 0;
    for (const bytes of this.sentByBatch.values()) total += bytes;
    return total;
  }

  private sample(now: number): void {
    this.samples.push({ at: now, bytes: this.sent() });
    while (this.samples.length > 2 && (this.samples[1]?.at ?? now) < now - RATE_WINDOW_MS) this.samples.shift();
  }

  private rate(now: number): number | undefined {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (first === undefined || last === undefined) return undefined;
    const elapsed = Math.max(now, last.at) - first.at;
    if (elapsed < 250 || last.bytes === first.bytes) return undefined;
    return ((last.bytes - first.bytes) * 1000) / elapsed;
  }
}
