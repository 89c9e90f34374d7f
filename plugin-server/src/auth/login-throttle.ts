/**
 * Counts failed logins per username and per source address in a sliding window; past a limit,
 * further attempts are refused before the password is even checked (brute-force protection).
 * An address gets a higher limit than a username: many users may share one workstation or NAT.
 * In memory on purpose: a restart forgets, which only helps a legitimate user locked out.
 */
export interface LoginAttempt {
  username: string;
  sourceIp: string;
}

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly perUser: number;
  private readonly perAddress: number;
  private readonly windowMs: number;

  constructor(options: { perUser?: number; perAddress?: number; windowMs?: number } = {}) {
    this.perUser = options.perUser ?? 5;
    this.perAddress = options.perAddress ?? 20;
    this.windowMs = options.windowMs ?? 15 * 60_000;
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((time) => now - time < this.windowMs);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }

  isBlocked(attempt: LoginAttempt, now = Date.now()): boolean {
    return (
      this.recent(`user:${attempt.username}`, now).length >= this.perUser ||
      this.recent(`ip:${attempt.sourceIp}`, now).length >= this.perAddress
    );
  }

  recordFailure(attempt: LoginAttempt, now = Date.now()): void {
    for (const key of [`user:${attempt.username}`, `ip:${attempt.sourceIp}`]) {
      this.failures.set(key, [...this.recent(key, now), now]);
    }
  }

  /** A successful login clears the user's count, not the address's. */
  recordSuccess(attempt: LoginAttempt): void {
    this.failures.delete(`user:${attempt.username}`);
  }
}
