// One audit event per key per window, not one per request: OHIF fires hundreds of requests for
// one study, so "study opened" is recorded once per (principal, study) and a refused viewer once
// per (principal, reason). In memory and bounded; after a restart the next request is audited
// again, which errs on the side of more audit, not less.

export interface OncePerWindowOptions {
  windowMs: number;
  /** Entries kept at most; the oldest are forgotten first. */
  maxEntries: number;
  now?: () => number;
}

export class OncePerWindow {
  private readonly windowMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Insertion order is recording order, so the first key is the oldest. */
  private readonly recorded = new Map<string, { at: number; done: Promise<unknown> }>();

  constructor(options: OncePerWindowOptions) {
    this.windowMs = options.windowMs;
    this.maxEntries = options.maxEntries;
    this.now = options.now ?? Date.now;
  }

  /**
   * Runs `record` unless it ran for this key within the window, and resolves once the event is
   * stored. Requests racing for the same key wait for the same write; if it fails, all of them
   * fail and the next request tries again, so no access goes unaudited.
   */
  async once(key: string, record: () => Promise<unknown>): Promise<void> {
    const now = this.now();
    const previous = this.recorded.get(key);
    if (previous !== undefined && now - previous.at < this.windowMs) {
      await previous.done;
      return;
    }
    this.recorded.delete(key);
    const done = record();
    const entry = { at: now, done };
    this.recorded.set(key, entry);
    this.evict();
    try {
      await done;
    } catch (error) {
      if (this.recorded.get(key) === entry) this.recorded.delete(key);
      throw error;
    }
  }

  get size(): number {
    return this.recorded.size;
  }

  private evict(): void {
    for (const key of this.recorded.keys()) {
      if (this.recorded.size <= this.maxEntries) return;
      this.recorded.delete(key);
    }
  }
}
