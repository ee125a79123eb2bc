import { describe, expect, it } from 'vitest';
import { LoginThrottle, throttleAddress } from '#server/modules/auth/login-throttle.ts';
import { startServer, type TestServer } from './support/app.ts';

const MINUTE = 60_000;
const WINDOW = 15 * MINUTE;

function login(on: TestServer, username: string, password: string, forwardedFor?: string) {
  return fetch(`${on.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify({ username, password }),
  });
}

/** A server that, like one behind a reverse proxy on loopback, takes the client address from X-Forwarded-For. */
async function startBehindProxy() {
  process.env.ORDINAL_TRUST_PROXY = 'loopback';
  try {
    return await startServer();
  } finally {
    delete process.env.ORDINAL_TRUST_PROXY;
  }
}

describe('login throttling over HTTP', () => {
  it('a stranger failing from one address does not stop the user logging in from another', async () => {
    const own = await startBehindProxy();
    const admin = await own.user('admin');
    for (let i = 0; i < 30; i++) expect([401, 429]).toContain((await login(own, admin.username, `guess ${i}`, '203.0.113.7')).status);
    // The stranger's address is refused, even with the right password...
    const stranger = await login(own, admin.username, admin.password, '203.0.113.7');
    expect(stranger.status).toBe(429);
    // ...but the account is not locked: the admin still logs in from their own address.
    expect((await login(own, admin.username, admin.password, '198.51.100.2')).status).toBe(200);
  });

  it('ignores X-Forwarded-For unless ORDINAL_TRUST_PROXY names the proxy, so rotating it does not reset the count', async () => {
    const own = await startServer();
    const user = await own.user('trainer');
    for (let i = 0; i < 10; i++) expect((await login(own, `guess-${i}`, 'some password', `198.51.100.${i}`)).status, `attempt ${i + 1}`).toBe(401);
    const res = await login(own, user.username, user.password, '192.0.2.200');
    expect(res.status).toBe(429);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('auth.too_many_attempts');
  });
});

describe('LoginThrottle', () => {
  const user = 'user:admin';

  it('a stranger sending one attempt each time a failure expires never locks out the user elsewhere', () => {
    const throttle = new LoginThrottle();
    const stranger = 'ip:203.0.113.7';
    let now = 0;
    let guesses = 0;
    // Three hours of a stranger trying again the moment the throttle lets them.
    while (now < 12 * WINDOW) {
      const wait = throttle.retryAfter([user, stranger], now);
      if (wait === 0) {
        throttle.fail([user, stranger], now);
        guesses++;
      }
      expect(throttle.retryAfter([user, 'ip:198.51.100.2'], now), `at minute ${now / MINUTE}`).toBe(0);
      now += wait > 0 ? wait : 1000;
    }
    // And the stranger still got no more than ten guesses per window.
    expect(guesses).toBeLessThanOrEqual(10 * 13);
  });

  it('slows, never locks, a username guessed from many addresses, and not for where its user logs in from', () => {
    const throttle = new LoginThrottle({ perAddress: 10, perUsername: 100, baseDelayMs: 1000, maxDelayMs: 60_000 });
    throttle.succeed([user, 'ip:home']);
    let now = 0;
    for (let i = 0; i < 100; i++) throttle.fail([user, `ip:10.0.0.${i}`], now);
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      const wait = throttle.retryAfter([user, 'ip:192.0.2.1'], now);
      delays.push(wait);
      expect(throttle.retryAfter([user, 'ip:home'], now)).toBe(0);
      now += wait;
      expect(throttle.retryAfter([user, 'ip:192.0.2.1'], now)).toBe(0);
      throttle.fail([user, `ip:10.0.1.${i}`], now);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
    // Once the failures leave the window, the slow-down is gone too.
    expect(throttle.retryAfter([user, 'ip:192.0.2.1'], now + WINDOW)).toBe(0);
  });

  it('a login to one’s own account forgives only that account’s failures from the address', () => {
    const throttle = new LoginThrottle();
    const address = 'ip:203.0.113.7';
    for (let i = 0; i < 9; i++) throttle.fail([`user:victim-${i}`, address], 0);
    throttle.fail(['user:mine', address], 0);
    throttle.succeed(['user:mine', address]);
    expect(throttle.retryAfter(['user:victim-9', address], 0)).toBe(0);
    throttle.fail(['user:victim-9', address], 0);
    expect(throttle.retryAfter(['user:victim-10', address], 0)).toBe(WINDOW);
  });

  it('stays bounded under 100k distinct usernames without forgetting the latest lock', () => {
    const throttle = new LoginThrottle({ maxEntries: 10_000 });
    for (let i = 0; i < 100_000; i++) throttle.fail([`user:name-${i}`, `ip:10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`], 0);
    const locked = 'ip:203.0.113.7';
    for (let i = 0; i < 10; i++) throttle.fail([`user:guess-${i}`, locked], 1);
    for (let i = 0; i < 5_000; i++) throttle.fail([`user:more-${i}`, `ip:172.16.${i >> 8}.${i & 255}`], 2);
    expect(throttle.size.addresses).toBeLessThanOrEqual(10_000);
    expect(throttle.size.usernames).toBeLessThanOrEqual(10_000);
    expect(throttle.retryAfter(['user:anyone', locked], 2)).toBe(WINDOW - 1);
  });
});

describe('throttleAddress', () => {
  it('counts an IPv6 client by its /64 and an IPv4-mapped one as IPv4', () => {
    expect(throttleAddress('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(throttleAddress('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(throttleAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(throttleAddress('::1')).toBe('0:0:0:0::/64');
    expect(throttleAddress('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(throttleAddress('192.0.2.1')).toBe('192.0.2.1');
    expect(throttleAddress(undefined)).toBe('unknown');
  });
});
