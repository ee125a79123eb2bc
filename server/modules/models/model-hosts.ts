import dns from 'node:dns';
import net from 'node:net';
import { config } from '#server/config.ts';
import { hostNotAllowed } from './models.errors.ts';

/**
 * Which addresses a project's model base URL may point at, on a shared deployment where a
 * researcher must not make the server fetch from anywhere it can reach (cloud metadata, admin
 * pages on the internal network: server-side request forgery). `ORDINAL_MODEL_HOSTS` lists host
 * names (`models.internal`, or `*.models.internal` for its subdomains), addresses (`10.1.2.3`,
 * `::1`) and CIDR ranges (`10.0.0.0/8`). Unset, any address is allowed (a single-team install).
 *
 * A host named in the list is trusted as named. Any other host name is allowed only if every
 * address it resolves to lies in the listed ranges, checked on every connection (model-client.ts
 * resolves through `lookupWithinPolicy`), so a name that later resolves elsewhere is still refused.
 */
interface HostPolicy {
  names: Set<string>;
  suffixes: string[];
  ranges: net.BlockList;
  hasRanges: boolean;
}

function policy(): HostPolicy | null {
  const entries = config().ORDINAL_MODEL_HOSTS;
  if (entries.length === 0) return null;
  const result: HostPolicy = { names: new Set(), suffixes: [], ranges: new net.BlockList(), hasRanges: false };
  for (const entry of entries.map((e) => e.toLowerCase().replace(/^\[(.*)\]$/, '$1'))) {
    const [address, prefix] = entry.split('/');
    const family = net.isIP(address!);
    if (family) {
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) result.ranges.addAddress(address!, type);
      else result.ranges.addSubnet(address!, Number(prefix), type);
      result.hasRanges = true;
    } else if (entry.startsWith('*.')) result.suffixes.push(entry.slice(1));
    else result.names.add(entry);
  }
  return result;
}

const inRanges = (p: HostPolicy, address: string) => {
  const family = net.isIP(address);
  return family !== 0 && p.ranges.check(address, family === 4 ? 'ipv4' : 'ipv6');
};

const hostOf = (baseUrl: string) => new URL(baseUrl).hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');

const namedIn = (p: HostPolicy, host: string) => p.names.has(host) || p.suffixes.some((suffix) => host.endsWith(suffix));

/** Why `baseUrl` may not be used, in words for the researcher who entered it; null when it may. */
export function modelHostRefusal(baseUrl: string): string | null {
  const p = policy();
  if (!p) return null;
  const host = hostOf(baseUrl);
  if (namedIn(p, host)) return null;
  if (net.isIP(host))
    return inRanges(p, host) ? null : `${host} is not among the addresses this server may send model requests to (ORDINAL_MODEL_HOSTS); ask its operator`;
  // A name not listed may still resolve into an allowed range: that is checked when connecting.
  return p.hasRanges ? null : `${host} is not among the hosts this server may send model requests to (ORDINAL_MODEL_HOSTS); ask its operator`;
}

/** Refuses to save a base URL outside ORDINAL_MODEL_HOSTS, as the field's error. */
export function assertModelHostAllowed(baseUrl: string, field: string) {
  const refusal = modelHostRefusal(baseUrl);
  if (refusal !== null) throw hostNotAllowed(field, refusal);
}

/**
 * `dns.lookup` for the model client's connections: a host not named in the policy must resolve
 * only to addresses in its ranges, or the connection fails before a byte is sent.
 */
export const lookupWithinPolicy: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    const p = policy();
    if (error || !p || namedIn(p, hostname.toLowerCase())) return finish(error, addresses);
    const outside = addresses.find((a) => !inRanges(p, a.address));
    if (outside)
      return finish(
        Object.assign(
          new Error(`${hostname} resolves to ${outside.address}, outside the addresses this server may send model requests to (ORDINAL_MODEL_HOSTS)`),
          { code: 'EMODELHOST' },
        ),
        [],
      );
    finish(null, addresses);
  });
  function finish(error: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) {
    if (error) return callback(error, '', 0);
    if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  }
};
