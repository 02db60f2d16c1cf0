/** Downloads one icon with a deadline, a size cap and an image check; never throws. */
import { fetchOutbound, RefusedTargetError } from "../net/outbound.ts";
import { imageTypeOf, mediaType } from "./_image_type.ts";

/** How to download. */
export interface DownloadOptions {
  userAgent: string;
  timeoutMs: number;
  maxBytes: number;
  /** Internal hosts a logo may be on (see common/net/outbound.ts); public ones always may. */
  allowedHosts: readonly string[];
  /** Aborts the download (the cache is closing). */
  signal?: AbortSignal;
}

/**
 * What a download gave: the bytes and their type, or a reason in words. `network` failures
 * (no answer, timeout) count against the host; an HTTP or content failure does not.
 */
export type DownloadResult =
  | { ok: true; bytes: Uint8Array; contentType: string }
  | { ok: false; error: string; reason: string; network: boolean };

/** "15 s", "1 s", "0.5 s". */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** "1 MiB", "512 KiB". */
export function formatLimit(bytes: number): string {
  return bytes % 1048576 === 0 ? `${bytes / 1048576} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/** Fetches `url` as an image; the error names the URL: `Icon https://… answered 404`. */
export async function downloadIcon(url: string, opts: DownloadOptions): Promise<DownloadResult> {
  const fail = (what: string, network = false): DownloadResult => ({
    ok: false,
    error: `Icon ${url} ${what}`,
    reason: what,
    network,
  });
  const ac = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, opts.timeoutMs);
  const cancel = () => ac.abort();
  opts.signal?.addEventListener("abort", cancel);
  try {
    // A logo's URL, and where it redirects, are the provider's choice: checked hop by hop.
    const res = await fetchOutbound(url, {
      allowedHosts: opts.allowedHosts,
      headers: { "user-agent": opts.userAgent, accept: "image/*,*/*;q=0.5" },
      signal: ac.signal,
    });
    if (!res.ok) {
      await res.body?.cancel();
      return fail(`answered ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`);
    }
    const tooLarge = fail(`is larger than ${formatLimit(opts.maxBytes)}`);
    const length = Number(res.headers.get("content-length") ?? "NaN");
    if (length > opts.maxBytes) {
      await res.body?.cancel();
      return tooLarge;
    }
    const bytes = await readCapped(res.body, opts.maxBytes);
    if (!bytes) return tooLarge;
    if (bytes.length === 0) return fail("answered with an empty body");
    const sent = res.headers.get("content-type");
    const type = imageTypeOf(bytes, sent ?? "");
    if (!type) {
      const said = mediaType(sent);
      if (!said) return fail("is not an image");
      // A server that says image/* but sends markup is usually answering with an error page.
      return fail(
        said.startsWith("image/")
          ? `is not an image (sent as ${said})`
          : `is ${said}, not an image`,
      );
    }
    return { ok: true, bytes, contentType: type };
  } catch (err) {
    if (err instanceof RefusedTargetError) return fail(`was not fetched: ${err.message}`);
    if (timedOut) return fail(`timed out after ${formatSeconds(opts.timeoutMs)}`, true);
    if (opts.signal?.aborted) return fail("was not fetched: the icon cache is closing");
    return fail(`cannot be reached: ${(err as Error).message}`, true);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", cancel);
  }
}

/** Reads a body up to `max` bytes; null (and the body cancelled) when it is longer. */
async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  max: number,
): Promise<Uint8Array | null> {
  if (!body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
