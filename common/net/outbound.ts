/**
 * The one rule for requests whose target a provider chooses (logos, guide icons, the redirects
 * of playlist and guide downloads, stream URLs and their redirects): they reach loopback,
 * link-local (cloud metadata), private and other special ranges, or this machine's own
 * addresses, only on a host the admin named: the host of the source URL they typed, or one in
 * ALLOWED_PRIVATE_HOSTS. Every address a host name resolves to is checked, again after each
 * redirect hop; a plain-http request then connects to the very address that was checked, so a
 * name cannot resolve to a public address for the check and a private one for the connection.
 */
import { lookup } from "node:dns/promises";
import { UpstreamError } from "../errors.ts";
import {
  type Cidr,
  cidrContains,
  formatIp,
  internalRange,
  type IpBytes,
  parseCidr,
  parseIp,
} from "./ip.ts";

/** What a provider-chosen target may reach besides public addresses. */
export interface OutboundRules {
  /**
   * Host names (`.example.lan` matches its subdomains), IP addresses or CIDR ranges: the host of
   * the admin-typed source URL and ALLOWED_PRIVATE_HOSTS. A name also opens the addresses it
   * resolves to (a box whose playlist names its streams by address).
   */
  allowedHosts: readonly string[];
}

/** A provider-chosen URL pointed somewhere it may not go. */
export class RefusedTargetError extends UpstreamError {
  override name = "RefusedTargetError";
}

/** Options of `fetchOutbound`. */
export interface OutboundOptions {
  /** See OutboundRules; empty: public addresses only. */
  allowedHosts?: readonly string[];
  signal?: AbortSignal;
  headers?: HeadersInit;
  /** GET unless told. */
  method?: string;
  /** Redirects followed at most (each one checked); 5 unless told. */
  maxRedirects?: number;
  /** HTTP clients kept per checked address (the proxy's); without it each request makes one. */
  clients?: ClientPool;
}

/**
 * HTTP clients pinned to checked addresses, kept for reuse (a client costs a few tenths of a
 * millisecond to make, which a stream's first byte waits for). The most recently used `max` are
 * kept; closing one only stops its new connections, answers in flight stay readable.
 */
export class ClientPool {
  #clients = new Map<string, Deno.HttpClient>();
  #max: number;

  constructor(max = 64) {
    this.#max = max;
  }

  /** The client that connects to `address`:`port` (`literal`: the URL names that address). */
  get(address: string, port: number, literal: boolean): Deno.HttpClient {
    const key = `${address} ${port}`;
    let client = this.#clients.get(key);
    if (client) this.#clients.delete(key);
    else client = pinnedClient(address, port, literal);
    this.#clients.set(key, client);
    for (const [k, old] of this.#clients) {
      if (this.#clients.size <= this.#max) break;
      this.#clients.delete(k);
      old.close();
    }
    return client;
  }

  /** Closes every client (the owner stops). */
  close(): void {
    for (const c of this.#clients.values()) c.close();
    this.#clients.clear();
  }
}

/**
 * A client that reaches `address`. A URL whose host is a name is pinned to the checked address
 * through a proxy transport, which sends the request line in absolute form (RFC 9112 §3.2.2; some
 * small servers answer that with 404). A URL naming the address itself needs no pin: a plain
 * client connects there and sends the usual origin form.
 */
function pinnedClient(address: string, port: number, literal: boolean): Deno.HttpClient {
  if (literal) return Deno.createHttpClient({});
  return Deno.createHttpClient({
    proxy: { transport: "tcp", hostname: address, port },
  });
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface ParsedRules {
  ranges: Cidr[];
  names: string[];
  suffixes: string[];
}

function parseRules(rules: OutboundRules): ParsedRules {
  const out: ParsedRules = { ranges: [], names: [], suffixes: [] };
  for (const raw of rules.allowedHosts) {
    const entry = raw.trim().toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
    if (!entry) continue;
    const range = parseCidr(entry);
    if (range) out.ranges.push(range);
    else if (entry.startsWith(".")) out.suffixes.push(entry);
    else out.names.push(entry);
  }
  return out;
}

/** This machine's own addresses (its listeners answer on every one of them). */
function ownAddresses(): IpBytes[] {
  try {
    return Deno.networkInterfaces().map((i) => parseIp(i.address)).filter((a): a is IpBytes =>
      a !== null
    );
  } catch {
    // Without --allow-sys the special ranges still hold; loopback covers the usual listeners.
    return [];
  }
}

function sameIp(a: IpBytes, b: IpBytes): boolean {
  return cidrContains({ bytes: b, bits: b.length * 8 }, a);
}

/** The addresses a host resolves to, as the system resolver (the one fetch uses) sees them. */
async function resolve(host: string): Promise<IpBytes[]> {
  const literal = parseIp(host);
  if (literal) return [literal];
  let found: { address: string }[];
  try {
    found = await lookup(host, { all: true, verbatim: true });
  } catch (err) {
    throw new UpstreamError(`cannot reach ${host}: ${(err as Error).message}`);
  }
  const out = found.map((f) => parseIp(f.address)).filter((a): a is IpBytes => a !== null);
  if (!out.length) throw new UpstreamError(`cannot reach ${host}: it has no address`);
  return out;
}

/** Why an address is not public: its range, or that it is this machine's. */
function internalWhy(ip: IpBytes, own: IpBytes[]): string | null {
  return internalRange(ip) ??
    (own.some((o) => sameIp(ip, o)) ? "an address of this machine" : null);
}

/**
 * Checks a provider-chosen URL: http(s) only, and every address its host resolves to public or
 * allowed by the rules. Answers the checked addresses (as text, IPv6 in brackets); throws
 * RefusedTargetError naming the address and its range.
 */
export async function checkTarget(url: string | URL, rules: OutboundRules): Promise<string[]> {
  const u = typeof url === "string" ? new URL(url) : url;
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new RefusedTargetError(
      `Refused to fetch ${u.protocol}// URLs: only http and https are fetched`,
    );
  }
  const host = u.hostname.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  const parsed = parseRules(rules);
  const addresses = await resolve(host);
  const named = parsed.names.includes(host) || parsed.suffixes.some((s) => host.endsWith(s));
  if (!named) {
    const own = ownAddresses();
    let allowedByName: IpBytes[] | null = null;
    for (const ip of addresses) {
      const why = internalWhy(ip, own);
      if (!why || parsed.ranges.some((r) => cidrContains(r, ip))) continue;
      // A name the admin allowed also opens the addresses it stands for.
      allowedByName ??= await addressesOf(parsed.names);
      if (allowedByName.some((a) => sameIp(ip, a))) continue;
      throw new RefusedTargetError(
        `Refused to fetch from ${u.host}: ${formatIpText(ip)} is ${why}, reached only on the ` +
          "source's own host or one in ALLOWED_PRIVATE_HOSTS",
      );
    }
  }
  return addresses.map(formatIpText);
}

async function addressesOf(names: string[]): Promise<IpBytes[]> {
  const out: IpBytes[] = [];
  for (const name of names) {
    try {
      out.push(...await resolve(name));
    } catch {
      // A name that does not resolve opens nothing.
    }
  }
  return out;
}

function formatIpText(ip: IpBytes): string {
  if (ip.length === 4) return formatIp(ip);
  // Shortest is not needed: the bracketed full form is a valid URL host.
  return `[${formatIp(ip)}]`;
}

/**
 * `fetch` for a provider-chosen URL: the target is checked before connecting (a plain-http
 * request connects to the checked address), redirects are followed by hand and each hop is
 * checked the same way. A refused hop throws RefusedTargetError; other failures are fetch's.
 * The answer is the last hop's; its `url` is that hop's URL.
 */
export async function fetchOutbound(
  url: string | URL,
  opts: OutboundOptions = {},
): Promise<Response> {
  const rules = { allowedHosts: opts.allowedHosts ?? [] };
  const max = opts.maxRedirects ?? 5;
  let current = typeof url === "string" ? new URL(url) : url;
  let method = opts.method ?? "GET";
  for (let hop = 0;; hop++) {
    const addresses = await checkTarget(current, rules);
    const res = await fetchPinned(current, {
      address: addresses[0],
      clients: opts.clients,
      init: { method, headers: opts.headers, signal: opts.signal, redirect: "manual" },
    });
    const location = res.headers.get("location");
    if (!REDIRECTS.has(res.status) || location === null) return res;
    await res.body?.cancel();
    if (hop >= max) throw new UpstreamError(`more than ${max} redirects from ${new URL(url).host}`);
    try {
      current = new URL(location, current);
    } catch {
      throw new UpstreamError(`redirected to "${location.slice(0, 200)}", which is not a URL`);
    }
    // RFC 9110 §15.4.4: after a 303 the request becomes a GET.
    if (res.status === 303) method = "GET";
  }
}

/** Fetches over plain http from the checked address itself; https goes by name (TLS needs it). */
async function fetchPinned(
  url: URL,
  opts: { address: string; init: RequestInit; clients?: ClientPool },
): Promise<Response> {
  const { address, init } = opts;
  if (url.protocol !== "http:") return await fetch(url, init);
  const port = Number(url.port || 80);
  const literal = parseIp(url.hostname.replace(/^\[|\]$/g, "")) !== null;
  if (opts.clients) {
    return await fetch(url, { ...init, client: opts.clients.get(address, port, literal) });
  }
  const client = pinnedClient(address, port, literal);
  try {
    return await fetch(url, { ...init, client });
  } finally {
    // The answer's body stays readable: closing the client only stops new connections.
    client.close();
  }
}
