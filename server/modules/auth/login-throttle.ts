import { isIPv6 } from 'node:net';

export interface ThrottleLimits {
  /** Failures from one address, across usernames, before that address is refused for the rest of the window. */
  perAddress: number;
  /** Failures for one username, across addresses, before attempts on it are slowed down (never locked). */
  perUsername: number;
  windowMs: number;
  /** The first slow-down past `perUsername`; it doubles with each further failure up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Addresses and usernames remembered, each; beyond it the least recently failed is forgotten. */
  maxEntries: number;
}

const defaults: ThrottleLimits = {
  perAddress: 10,
  perUsername: 100,
  windowMs: 15 * 60 * 1000,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  maxEntries: 10_000,
};

// Where a username last logged in from: those addresses are not slowed down by failures from elsewhere.
const KNOWN_ADDRESSES_PER_USERNAME = 4;

interface AddressFailure {
  at: number;
  username: string;
}
interface UsernameEntry {
  failures: number[];
  knownAddresses: string[];
}

/**
 * Slows password guessing without letting a stranger lock anyone out. Failures are counted per client
 * address: after `perAddress` in the window that address is refused until its oldest failure leaves the
 * window, so the lock falls only on the addresses that failed, never on the account. A guesser spread
 * over many addresses meets a per-username ceiling instead: past it each attempt on that username waits
 * an exponentially growing (but capped) delay, except from addresses the user last logged in from.
 *
 * Keys are `[username, address]` as the login use case builds them. In memory: a restart forgets,
 * which is acceptable for slowing guessing down; both maps are capped and evict oldest first, so no
 * flood of names can wipe every counter at once.
 */
export class LoginThrottle {
  private readonly limits: ThrottleLimits;
  private readonly addresses = new Map<string, AddressFailure[]>();
  private readonly usernames = new Map<string, UsernameEntry>();

  constructor(limits: Partial<ThrottleLimits> = {}) {
    this.limits = { ...defaults, ...limits };
  }

  /** Milliseconds until this username may be tried from this address, or 0. */
  retryAfter(keys: readonly string[], now = Date.now()): number {
    const [username, address] = pair(keys);
    const { perAddress, perUsername, windowMs } = this.limits;
    let wait = 0;
    const fromAddress = this.recentFromAddress(address, now);
    if (fromAddress.length >= perAddress) wait = fromAddress[fromAddress.length - perAddress]!.at + windowMs - now;
    const entry = this.usernames.get(username);
    if (entry && !entry.knownAddresses.includes(address)) {
      const recent = entry.failures.filter((t) => t > now - windowMs);
      if (recent.length >= perUsername) wait = Math.max(wait, recent.at(-1)! + this.delay(recent.length - perUsername) - now);
    }
    return Math.max(wait, 0);
  }

  fail(keys: readonly string[], now = Date.now()) {
    const [username, address] = pair(keys);
    const { perAddress, perUsername, windowMs, maxDelayMs, baseDelayMs } = this.limits;
    // Older failures than these no longer change a decision.
    const fromAddress = [...this.recentFromAddress(address, now), { at: now, username }].slice(-perAddress);
    touch(this.addresses, address, fromAddress, this.limits.maxEntries);

    const entry = this.usernames.get(username) ?? { failures: [], knownAddresses: [] };
    const doublings = Math.ceil(Math.log2(maxDelayMs / baseDelayMs)) + 1;
    entry.failures = [...entry.failures.filter((t) => t > now - windowMs), now].slice(-(perUsername + doublings));
    touch(this.usernames, username, entry, this.limits.maxEntries);
  }

  /**
   * Forgives this address its failures for this username only (one's own account must not reset the
   * count of guesses at others), and remembers the address as one the user logs in from.
   */
  succeed(keys: readonly string[]) {
    const [username, address] = pair(keys);
    const fromAddress = this.addresses.get(address)?.filter((f) => f.username !== username) ?? [];
    if (fromAddress.length > 0) this.addresses.set(address, fromAddress);
    else this.addresses.delete(address);

    const entry = this.usernames.get(username) ?? { failures: [], knownAddresses: [] };
    entry.knownAddresses = [address, ...entry.knownAddresses.filter((a) => a !== address)].slice(0, KNOWN_ADDRESSES_PER_USERNAME);
    touch(this.usernames, username, entry, this.limits.maxEntries);
  }

  /** Addresses and usernames remembered, for checking the memory bound. */
  get size() {
    return { addresses: this.addresses.size, usernames: this.usernames.size };
  }

  private recentFromAddress(address: string, now: number) {
    return (this.addresses.get(address) ?? []).filter((f) => f.at > now - this.limits.windowMs);
  }

  private delay(overCeiling: number) {
    return Math.min(this.limits.maxDelayMs, this.limits.baseDelayMs * 2 ** overCeiling);
  }
}

function pair(keys: readonly string[]): [string, string] {
  const [username, address] = keys;
  if (keys.length !== 2 || username === undefined || address === undefined) throw new Error('LoginThrottle expects [username, address]');
  return [username, address];
}

/** Sets the value as the most recent and, past the cap, forgets the least recently set. */
function touch<V>(map: Map<string, V>, key: string, value: V, max: number) {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value!);
}

/**
 * The client address as the throttle counts it: an IPv4-mapped address as plain IPv4, and an IPv6
 * address as its /64, since one host is commonly handed a whole /64 to rotate through.
 */
export function throttleAddress(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('%')[0]!.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  // An embedded IPv4 tail (`64:ff9b::1.2.3.4`) stands for two groups.
  const tailLength = tailGroups.length + (tailGroups.at(-1)?.includes('.') ? 1 : 0);
  const groups = [...headGroups, ...Array<string>(Math.max(8 - headGroups.length - tailLength, 0)).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
