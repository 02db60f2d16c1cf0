/**
 * IP addresses as bytes: parsing (IPv4 dotted quads, IPv6 with `::`, zones and embedded IPv4),
 * CIDR ranges, and the special-purpose ranges (RFC 6890) a provider-chosen URL must not reach.
 */

/** An IP address: 4 bytes (IPv4) or 16 bytes (IPv6). */
export type IpBytes = Uint8Array;

/** An address range: a network address and its prefix length. */
export interface Cidr {
  bytes: IpBytes;
  bits: number;
}

/** Parses an IPv4 or IPv6 address (brackets and an IPv6 zone are allowed); null if it is none. */
export function parseIp(text: string): IpBytes | null {
  let s = text.trim();
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  const zone = s.indexOf("%");
  if (zone !== -1) s = s.slice(0, zone);
  return s.includes(":") ? parseIpv6(s) : parseIpv4(s);
}

function parseIpv4(s: string): IpBytes | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    // Only plain decimal: "010" or "0x7f" are not addresses here (URL parsing normalises those).
    if (!/^(0|[1-9]\d{0,2})$/.test(parts[i])) return null;
    const n = Number(parts[i]);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

function parseIpv6(s: string): IpBytes | null {
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === "") return [];
    const out: number[] = [];
    const items = part.split(":");
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i === items.length - 1 && item.includes(".")) {
        const v4 = parseIpv4(item);
        if (!v4) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(item)) return null;
        out.push(parseInt(item, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return null;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return null;
  const all = [...head, ...new Array(halves.length === 2 ? fill : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** Writes an address back as text (IPv6 in full, lower case, without `::` compression). */
export function formatIp(ip: IpBytes): string {
  if (ip.length === 4) return ip.join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip[i] << 8) | ip[i + 1]).toString(16));
  return groups.join(":");
}

/** Parses `10.0.0.0/8`, `fd00::/8` or a single address (a /32 or /128); null if it is none. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf("/");
  const bytes = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (!bytes) return null;
  const max = bytes.length * 8;
  if (slash === -1) return { bytes, bits: max };
  const bitsText = text.slice(slash + 1).trim();
  if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > max) return null;
  return { bytes, bits: Number(bitsText) };
}

/** True when the range holds the address (an IPv4-mapped IPv6 address counts as its IPv4). */
export function cidrContains(range: Cidr, ip: IpBytes): boolean {
  const a = unmapped(ip);
  if (a.length !== range.bytes.length) return false;
  let bits = range.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((a[i] & mask) !== (range.bytes[i] & mask)) return false;
  }
  return true;
}

/** `::ffff:a.b.c.d` as its IPv4 address; any other address unchanged. */
export function unmapped(ip: IpBytes): IpBytes {
  if (ip.length !== 16) return ip;
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return ip;
  if (ip[10] !== 0xff || ip[11] !== 0xff) return ip;
  return ip.slice(12);
}

const RANGES: [string, string][] = [
  ["0.0.0.0/8", "an unspecified (this-host) address"],
  ["10.0.0.0/8", "a private address"],
  ["100.64.0.0/10", "a shared (carrier-grade NAT) address"],
  ["127.0.0.0/8", "a loopback address"],
  ["169.254.0.0/16", "a link-local address (cloud metadata lives here)"],
  ["172.16.0.0/12", "a private address"],
  ["192.0.0.0/24", "a protocol-assignment address"],
  ["192.168.0.0/16", "a private address"],
  ["198.18.0.0/15", "a benchmarking address"],
  ["224.0.0.0/4", "a multicast address"],
  ["240.0.0.0/4", "a reserved address"],
  ["::/128", "an unspecified (this-host) address"],
  ["::1/128", "a loopback address"],
  ["fc00::/7", "a unique-local (private) address"],
  ["fe80::/10", "a link-local address"],
  ["fec0::/10", "a site-local address"],
  ["ff00::/8", "a multicast address"],
];
const SPECIAL = RANGES.map(([cidr, what]) => ({ range: parseCidr(cidr)!, what }));
const NAT64 = parseCidr("64:ff9b::/96")!;
const SIX_TO_FOUR = parseCidr("2002::/16")!;
const IPV4_COMPATIBLE = parseCidr("::/96")!;

/**
 * What kind of internal address this is ("a loopback address", "a private address", ...), or
 * null for a public one. IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4,
 * IPv4-compatible) are judged by that address.
 */
export function internalRange(ip: IpBytes): string | null {
  let a = unmapped(ip);
  if (a.length === 16) {
    if (cidrContains(NAT64, a) || (cidrContains(IPV4_COMPATIBLE, a) && !isZeroOrOne(a))) {
      a = a.slice(12);
    } else if (cidrContains(SIX_TO_FOUR, a)) a = a.slice(2, 6);
  }
  for (const s of SPECIAL) if (cidrContains(s.range, a)) return s.what;
  return null;
}

function isZeroOrOne(a: IpBytes): boolean {
  for (let i = 0; i < 15; i++) if (a[i] !== 0) return false;
  return a[15] <= 1;
}
