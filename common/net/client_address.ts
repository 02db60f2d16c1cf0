/**
 * The client's address and scheme as a reverse proxy reports them: `Forwarded` (RFC 7239) or
 * `X-Forwarded-For` / `X-Forwarded-Proto`, believed only when the connection comes from one of
 * TRUSTED_PROXIES. Without them, or from anyone else, the connecting address is the client.
 */
import { type Cidr, cidrContains, formatIp, parseCidr, parseIp, unmapped } from "./ip.ts";

/** The client as seen through trusted proxies. */
export interface ClientInfo {
  /** The client's address (normalised), the key failed logins are counted under. */
  address: string;
  /** True when the client spoke https to us or to the first trusted proxy. */
  https: boolean;
}

/** Parses TRUSTED_PROXIES entries (addresses or CIDRs); entries that are neither are dropped. */
export function parseTrustedProxies(list: readonly string[]): Cidr[] {
  return list.map((t) => parseCidr(t)).filter((c): c is Cidr => c !== null);
}

function trusted(ranges: Cidr[], address: string): boolean {
  const ip = parseIp(address);
  return ip !== null && ranges.some((r) => cidrContains(r, ip));
}

/** An address as a stable key: IPv4-mapped IPv6 as IPv4, IPv6 in one spelling. */
export function normaliseAddress(address: string): string {
  const ip = parseIp(address);
  return ip ? formatIp(unmapped(ip)) : address.trim().slice(0, 100) || "unknown";
}

interface Hop {
  address: string;
  proto: string | null;
}

/** `for=` and `proto=` of each element of a `Forwarded` header (RFC 7239 §4). */
function forwardedHops(header: string): Hop[] {
  const hops: Hop[] = [];
  for (const element of header.split(",")) {
    let address = "";
    let proto: string | null = null;
    for (const pair of element.split(";")) {
      const eq = pair.indexOf("=");
      if (eq === -1) continue;
      const key = pair.slice(0, eq).trim().toLowerCase();
      let value = pair.slice(eq + 1).trim();
      if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (key === "for") address = stripPort(value);
      else if (key === "proto") proto = value.toLowerCase();
    }
    hops.push({ address, proto });
  }
  return hops;
}

/** `[2001:db8::1]:4711` → `2001:db8::1`, `192.0.2.1:80` → `192.0.2.1`. */
function stripPort(value: string): string {
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    return end === -1 ? value : value.slice(1, end);
  }
  const colon = value.indexOf(":");
  return colon !== -1 && value.indexOf(":", colon + 1) === -1 ? value.slice(0, colon) : value;
}

/**
 * Who the client is. The forwarded chain is read from the right: each hop that is itself a
 * trusted proxy is skipped, and the first one that is not is the client (the left part of the
 * chain is whatever the client chose to send, so it is never believed).
 */
export function clientInfo(
  remote: string,
  headers: Headers,
  opts: { trustedProxies: Cidr[]; directHttps: boolean },
): ClientInfo {
  const direct = { address: normaliseAddress(remote), https: opts.directHttps };
  if (!opts.trustedProxies.length || !trusted(opts.trustedProxies, remote)) return direct;
  const forwarded = headers.get("forwarded");
  let hops: Hop[];
  if (forwarded) {
    hops = forwardedHops(forwarded);
  } else {
    const xff = headers.get("x-forwarded-for");
    if (!xff) {
      return { address: direct.address, https: opts.directHttps || forwardedProto(headers) };
    }
    const proto = forwardedProto(headers) ? "https" : null;
    hops = xff.split(",").map((a) => ({ address: stripPort(a.trim()), proto }));
  }
  let chosen: Hop | null = null;
  for (let i = hops.length - 1; i >= 0; i--) {
    chosen = hops[i];
    if (!trusted(opts.trustedProxies, hops[i].address)) break;
  }
  if (!chosen || !chosen.address) return direct;
  return {
    address: normaliseAddress(chosen.address),
    https: opts.directHttps || chosen.proto === "https",
  };
}

/** X-Forwarded-Proto as the client-facing proxy set it (its first value). */
function forwardedProto(headers: Headers): boolean {
  return headers.get("x-forwarded-proto")?.split(",")[0].trim().toLowerCase() === "https";
}
