// Exponential backoff shared by the inbox worker and the outbox sender: the first retry after
// `retryInitialMs`, doubling each time, never more than `retryMaxMs`.

export interface BackoffSettings {
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
}

/** Delay before the next attempt, given how many attempts have been made (1 or more). */
export function backoffDelayMs(attempts: number, settings: BackoffSettings): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(settings.retryMaxMs, settings.retryInitialMs * 2 ** exponent);
}
