import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.ts';

describe('LoginThrottle', () => {
  const alice = { username: 'alice', sourceIp: '10.0.0.1' };

  it('blocks a username after the per-user limit, within the window only', () => {
    const throttle = new LoginThrottle({ perUser: 3, perAddress: 100, windowMs: 1000 });
    for (let i = 0; i < 2; i++) throttle.recordFailure(alice, 0);
    expect(throttle.isBlocked(alice, 10)).toBe(false);
    throttle.recordFailure(alice, 20);
    expect(throttle.isBlocked(alice, 30)).toBe(true);
    expect(throttle.isBlocked({ username: 'bob', sourceIp: '10.0.0.1' }, 30)).toBe(false);
    expect(throttle.isBlocked(alice, 1021)).toBe(false);
  });

  it('blocks an address trying many usernames', () => {
    const throttle = new LoginThrottle({ perUser: 100, perAddress: 3 });
    for (const username of ['a', 'b', 'c']) throttle.recordFailure({ username, sourceIp: '10.0.0.9' });
    expect(throttle.isBlocked({ username: 'd', sourceIp: '10.0.0.9' })).toBe(true);
    expect(throttle.isBlocked({ username: 'd', sourceIp: '10.0.0.8' })).toBe(false);
  });

  it("forgets a user's failures after a successful login, but not the address's", () => {
    const throttle = new LoginThrottle({ perUser: 2, perAddress: 3 });
    throttle.recordFailure(alice);
    throttle.recordFailure(alice);
    expect(throttle.isBlocked({ ...alice, sourceIp: 'elsewhere' })).toBe(true);
    throttle.recordSuccess(alice);
    expect(throttle.isBlocked({ ...alice, sourceIp: 'elsewhere' })).toBe(false);
    throttle.recordFailure(alice);
    expect(throttle.isBlocked({ username: 'carol', sourceIp: alice.sourceIp })).toBe(true);
  });
});
