import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>;

// scrypt with N=2^15, r=8: 32 MiB of memory per hash, ~50 ms here. Parameters travel with the hash.
const N = 2 ** 15;
const r = 8;
const p = 1;
const KEY_LENGTH = 32;

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, { N, r, p, maxmem: 128 * N * r * 2 });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, rr, pp, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(rr),
    p: Number(pp),
    maxmem: 128 * Number(n) * Number(rr) * 2,
  });
  return crypto.timingSafeEqual(expected, actual);
}

/** A hash to verify against when the user does not exist, so timing does not reveal usernames. */
export const dummyHashPromise = hashPassword(crypto.randomBytes(16).toString('hex'));

// crypto.hash: the one-shot digest (Node ≥ 20.12), cheaper than a Hash object on every request.
export const sha256 = (text: string) => crypto.hash('sha256', text);
export const randomToken = (prefix: string) => `${prefix}${crypto.randomBytes(32).toString('base64url')}`;
