/**
 * The proxy's requests upstream: redirects followed by hand (a bounded number, each hop checked
 * by the outbound rule), STREAM_TIMEOUT bounding connect and first byte, failures turned into
 * the statuses a client should see (502 with the upstream's status, 504 for a timeout).
 */
import { UpstreamError } from "../common/errors.ts";
import { cancelQuietly } from "./shared_upstream.ts";

/** A redirect chain longer than this is refused. */
const MAX_REDIRECTS = 5;

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
  /** the URL that answered (after redirects) */
  url: string;
}

/** Options of an upstream request. */
export interface UpstreamFetchOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  /** aborts the request (a client that left, a shutdown) */
  signal?: AbortSignal;
  /** throws when a URL may not be requested (the outbound rule), checked for every hop */
  checkTarget?: (url: URL) => void | Promise<void>;
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
  let current = new URL(url);
  try {
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      if (current.protocol !== "http:" && current.protocol !== "https:") {
        throw new UpstreamError(`refusing to follow a ${current.protocol} URL`);
      }
      await opts.checkTarget?.(current);
      const res = await fetch(current, { headers: opts.headers, redirect: "manual", signal });
      if (res.status >= 300 && res.status < 400 && res.headers.has("location")) {
        await res.body?.cancel();
        current = new URL(res.headers.get("location")!, current);
        continue;
      }
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
      return { response: res, reader, first, url: current.href };
    }
    throw new UpstreamError(`more than ${MAX_REDIRECTS} redirects`);
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
