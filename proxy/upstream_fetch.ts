/**
 * The proxy's requests upstream: through the outbound rule (common/net/outbound.ts: redirects
 * followed by hand, at most 5, every hop's addresses checked, internal ones reached only on the
 * upstream playlist's own host or ALLOWED_PRIVATE_HOSTS), STREAM_TIMEOUT bounding connect and
 * first byte, failures turned into the statuses a client should see (502 with the upstream's
 * status, 504 for a timeout).
 */
import { UpstreamError } from "../common/errors.ts";
import { type ClientPool, fetchOutbound } from "../common/net/outbound.ts";
import { cancelQuietly } from "./shared_upstream.ts";

/** The upstream did not answer in time. */
export class UpstreamTimeoutError extends UpstreamError {
  override name = "UpstreamTimeoutError";
}

/** An upstream answer whose body is ready to read, with its first chunk already read. */
export interface OpenedUpstream {
  response: Response;
  /** the body's reader, positioned after `first` */
  reader: ReadableStreamDefaultReader<Uint8Array>;
  /** the first chunk (null: the body was empty) */
  first: Uint8Array | null;
}

/** Options of an upstream request. */
export interface UpstreamFetchOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  /** aborts the request (a client that left, a shutdown) */
  signal?: AbortSignal;
  /** hosts whose internal addresses may be reached (the playlist's own host, ALLOWED_PRIVATE_HOSTS) */
  allowedHosts: readonly string[];
  /** the proxy's HTTP clients */
  clients?: ClientPool;
}

/**
 * Requests `url` and reads the first chunk of the body, both within the timeout. Throws
 * UpstreamError for a 4xx/5xx answer or a bad redirect, UpstreamTimeoutError for a timeout.
 */
export async function openUpstream(
  url: string,
  opts: UpstreamFetchOptions,
): Promise<OpenedUpstream> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout.signal]) : timeout.signal;
  try {
    const res = await fetchOutbound(url, {
      headers: opts.headers,
      signal,
      allowedHosts: opts.allowedHosts,
      clients: opts.clients,
    });
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new UpstreamError(`upstream answered ${res.status} ${res.statusText}`.trim());
    }
    const reader = res.body.getReader();
    let first: Uint8Array | null = null;
    try {
      const r = await reader.read();
      first = r.done ? null : r.value;
    } catch (err) {
      await cancelQuietly(reader);
      throw err;
    }
    return { response: res, reader, first };
  } catch (err) {
    if (timeout.signal.aborted && !(err instanceof UpstreamError)) {
      throw new UpstreamTimeoutError(`upstream did not answer within ${opts.timeoutMs / 1000} s`);
    }
    if (opts.signal?.aborted) throw err;
    if (err instanceof UpstreamError) throw err;
    throw new UpstreamError(`cannot reach upstream: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The hosts whose internal addresses a channel's requests may reach: its upstream playlist's own
 * host (a LAN box serves its playlist and streams from one address) and ALLOWED_PRIVATE_HOSTS.
 */
export function allowedHostsFor(
  upstreamUrl: string,
  allowedPrivateHosts: readonly string[],
): string[] {
  const own = /^https?:\/\//i.test(upstreamUrl) ? [new URL(upstreamUrl).hostname] : [];
  return [...own, ...allowedPrivateHosts];
}
