/**
 * Opens an import source, an http(s) URL or a file inside DATA_DIR, as a byte stream with a
 * deadline, a size cap on what is parsed (unpacked bytes: a small gzip bomb cannot pass it),
 * truncation detection, gzip detection and a byte count for progress.
 */
import { ulid } from "ulid";
import { UpstreamError } from "../errors.ts";
import { KV_FILE_NAME } from "../db/open_kv.ts";
import { userAgentFor } from "../db/user_agents.ts";
import { fetchOutbound } from "../net/outbound.ts";

/** Where to read from and the limits that apply. */
export interface SourceOptions {
  url?: string;
  path?: string;
  dataDir: string;
  userAgent: string;
  timeoutMs: number;
  /** Cap of the bytes handed to the parser, counted after gunzip. */
  maxBytes: number;
  /** The variable that sets the cap, named in its error (MAX_PLAYLIST_MB, MAX_EPG_MB). */
  capName: string;
  /**
   * ALLOWED_PRIVATE_HOSTS: where redirects may lead besides public addresses and the URL's own
   * host (see common/net/outbound.ts).
   */
  allowedPrivateHosts: readonly string[];
  /** Called as bytes arrive (compressed bytes when the transfer is compressed). */
  onBytes?: (received: number, total: number | null) => void;
  /** Stops the download (or file read) with the signal's reason, e.g. when a run is stopped. */
  signal?: AbortSignal;
}

/** An opened source. */
export interface OpenedSource {
  body: ReadableStream<Uint8Array>;
  totalBytes: number | null;
  /** Clears the deadline timer and stops the download if it is still going; call when done. */
  close(): void;
}

/**
 * Resolves a local path and makes sure it lies inside DATA_DIR (symlinks resolved). Every path
 * that leads outside gets the same answer whether or not anything exists there, and DATA_DIR's
 * own KV files and hidden files are never imported.
 */
export async function resolveInsideDataDir(dataDir: string, path: string): Promise<string> {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) && !/^[a-z]:[\\/]/i.test(path)) {
    throw new UpstreamError(`"${path}" is not a local path; only files inside DATA_DIR are read`);
  }
  const root = await Deno.realPath(dataDir);
  const outside = new UpstreamError(
    `File "${path}" lies outside DATA_DIR (${root}) and is never read`,
  );
  // Lexically first: a path that leaves DATA_DIR is refused before the disk is asked anything.
  const joined = normalizePath(path.startsWith("/") ? path : `${root}/${path}`);
  if (!within(root, joined)) throw outside;
  let real: string;
  try {
    real = await Deno.realPath(joined);
  } catch {
    // Missing: say so only when the missing file would lie inside. A dangling link, or a path
    // through a link that leaves DATA_DIR, says nothing about what exists out there.
    if (await isLink(joined) || !within(root, await realAncestor(joined))) throw outside;
    throw new UpstreamError(`File "${path}" does not exist inside DATA_DIR`);
  }
  if (!within(root, real)) throw outside;
  const parts = real.slice(root.length).split("/").filter(Boolean);
  if (parts.some((p) => p.startsWith(".")) || parts[0]?.startsWith(KV_FILE_NAME)) {
    throw new UpstreamError(
      `File "${path}" is one of DATA_DIR's own files (the KV store or a hidden file) and is never imported`,
    );
  }
  const info = await Deno.stat(real);
  if (!info.isFile) throw new UpstreamError(`"${path}" is not a file`);
  return real;
}

function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith("/") ? root : root + "/");
}

/** Resolves `.` and `..` segments and repeated slashes of an absolute path, without the disk. */
function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return "/" + out.join("/");
}

/** The real path of the nearest ancestor of `path` that exists. */
async function realAncestor(path: string): Promise<string> {
  for (
    let dir = path.slice(0, path.lastIndexOf("/")) || "/";;
    dir = dir.slice(0, dir.lastIndexOf("/")) || "/"
  ) {
    try {
      return await Deno.realPath(dir);
    } catch {
      if (dir === "/") return "/";
    }
  }
}

async function isLink(path: string): Promise<boolean> {
  try {
    return (await Deno.lstat(path)).isSymlink;
  } catch {
    return false;
  }
}

/** Opens a source; errors are UpstreamErrors with a message fit for the admin. */
export async function openSource(opts: SourceOptions): Promise<OpenedSource> {
  const ac = new AbortController();
  const seconds = Math.round(opts.timeoutMs / 1000);
  const timer = setTimeout(
    () => ac.abort(new UpstreamError(`download timed out after ${seconds} s`)),
    opts.timeoutMs,
  );
  const stop = () => ac.abort(opts.signal?.reason);
  opts.signal?.addEventListener("abort", stop, { once: true });
  const close = () => {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", stop);
    // A reader that stopped early (a cap, a bad file) leaves the body unread: cancel it.
    if (!ac.signal.aborted) ac.abort(new UpstreamError("the import stopped reading"));
  };
  try {
    opts.signal?.throwIfAborted();
    let raw: ReadableStream<Uint8Array>;
    let total: number | null = null;
    let expectLength: number | null = null;
    if (opts.url) {
      if (!/^https?:\/\//i.test(opts.url)) {
        throw new UpstreamError(`"${opts.url}" is not an http(s) URL`);
      }
      let res: Response;
      try {
        // The admin typed this URL: its own host may be a LAN address. Where it redirects is
        // the provider's choice and is checked hop by hop.
        res = await fetchOutbound(opts.url, {
          allowedHosts: [new URL(opts.url).hostname, ...opts.allowedPrivateHosts],
          headers: { "user-agent": opts.userAgent, accept: "*/*" },
          signal: ac.signal,
        });
      } catch (err) {
        if (ac.signal.aborted) throw ac.signal.reason;
        if (err instanceof UpstreamError) throw err;
        throw new UpstreamError(
          `cannot reach ${new URL(opts.url).host}: ${(err as Error).message}`,
        );
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new UpstreamError(`upstream answered ${res.status} ${res.statusText}`.trim());
      }
      if (!res.body) throw new UpstreamError("upstream answered without a body");
      const len = res.headers.get("content-length");
      if (len && /^\d+$/.test(len)) {
        total = Number(len);
        // fetch decompresses transfer encodings; only an identity body must match its length.
        if (!res.headers.get("content-encoding")) expectLength = total;
      }
      if (total !== null && total > opts.maxBytes) {
        await res.body.cancel();
        throw new UpstreamError(
          `file is ${mb(total)} MB, over the cap of ${mb(opts.maxBytes)} MB (${opts.capName})`,
        );
      }
      raw = res.body;
    } else if (opts.path) {
      const real = await resolveInsideDataDir(opts.dataDir, opts.path);
      const file = await Deno.open(real, { read: true });
      total = (await file.stat()).size;
      expectLength = total;
      if (total > opts.maxBytes) {
        file.close();
        throw new UpstreamError(
          `file is ${mb(total)} MB, over the cap of ${mb(opts.maxBytes)} MB (${opts.capName})`,
        );
      }
      raw = file.readable;
    } else {
      throw new UpstreamError("no URL or path is set");
    }
    return { body: countAndGunzip(raw, opts, ac, expectLength, total), totalBytes: total, close };
  } catch (err) {
    close();
    throw err;
  }
}

function mb(bytes: number): string {
  return (bytes / 1048576).toFixed(bytes < 10 * 1048576 ? 1 : 0);
}

function countAndGunzip(
  raw: ReadableStream<Uint8Array>,
  opts: SourceOptions,
  ac: AbortController,
  expectLength: number | null,
  total: number | null,
): ReadableStream<Uint8Array> {
  let received = 0;
  let lastReport = 0;
  const counted = raw.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, ctl) {
        if (ac.signal.aborted) throw ac.signal.reason;
        received += chunk.byteLength;
        const now = Date.now();
        if (opts.onBytes && now - lastReport > 200) {
          lastReport = now;
          opts.onBytes(received, total);
        }
        ctl.enqueue(chunk);
      },
      flush() {
        if (ac.signal.aborted) throw ac.signal.reason;
        if (expectLength !== null && received < expectLength) {
          throw new UpstreamError(
            `download was truncated: received ${received} of ${expectLength} bytes`,
          );
        }
        opts.onBytes?.(received, total);
      },
    }),
    { signal: ac.signal },
  );
  // Sniff the gzip magic number (RFC 1952: 1f 8b) on the first chunk.
  const reader = counted.getReader();
  let inner: ReadableStreamDefaultReader<Uint8Array> | null = null;
  let gzipped = false;
  // The cap counts what the parser gets: unpacked bytes (fetch has already undone a
  // Content-Encoding; a .gz file is unpacked here).
  let unpacked = 0;
  const cap = mb(opts.maxBytes);
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      try {
        if (!inner) {
          const first = await reader.read();
          if (first.done) return ctl.close();
          const head = first.value;
          const rest = new ReadableStream<Uint8Array>({
            start(c) {
              c.enqueue(head);
            },
            async pull(c) {
              const r = await reader.read();
              if (r.done) c.close();
              else c.enqueue(r.value);
            },
            cancel(reason) {
              return reader.cancel(reason);
            },
          });
          const gz = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
          gzipped = gz;
          inner = (gz
            ? rest.pipeThrough(
              new DecompressionStream("gzip") as TransformStream<
                Uint8Array,
                Uint8Array
              >,
            )
            : rest).getReader();
        }
        const r = await inner.read();
        if (r.done) return ctl.close();
        unpacked += r.value.byteLength;
        if (unpacked > opts.maxBytes) {
          const error = new UpstreamError(
            gzipped
              ? `the file unpacks to more than the cap of ${cap} MB (${opts.capName} counts unpacked bytes)`
              : `download passed the cap of ${cap} MB (${opts.capName})`,
          );
          ac.abort(error);
          await inner.cancel(error);
          throw error;
        }
        ctl.enqueue(r.value);
      } catch (err) {
        const e = ac.signal.aborted ? ac.signal.reason : err;
        ctl.error(e instanceof UpstreamError ? e : new UpstreamError(describe(e)));
      }
    },
    cancel(reason) {
      return (inner ?? reader).cancel(reason);
    },
  });
}

function describe(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/decompress|gzip|corrupt/i.test(msg)) return `the gzip data is damaged: ${msg}`;
  return `download failed: ${msg}`;
}

/** What an import needs to open the source of its run. */
export interface RunSourceOptions {
  /** DATA_DIR, USER_AGENT_STRING (sent when a source names no user agent), ALLOWED_PRIVATE_HOSTS */
  settings: Pick<SourceOptions, "dataDir" | "userAgent" | "allowedPrivateHosts">;
  /** The deadline and the cap of this kind of source, and the variable that sets the cap. */
  timeoutSeconds: number;
  maxMb: number;
  capName: string;
}

/**
 * Opens the source of an import run: its URL or DATA_DIR file, with its user agent, stopped
 * with the run, counting the bytes into the run as they arrive.
 */
export async function openRunSource(
  kv: Deno.Kv,
  source: { url: string; path: string; userAgentId: string | null },
  lease: { signal: AbortSignal; run: { bytes: number; totalBytes: number | null } },
  opts: RunSourceOptions,
): Promise<OpenedSource> {
  const { dataDir, userAgent, allowedPrivateHosts } = opts.settings;
  return await openSource({
    url: source.url || undefined,
    path: source.path || undefined,
    dataDir,
    allowedPrivateHosts,
    timeoutMs: opts.timeoutSeconds * 1000,
    maxBytes: opts.maxMb * 1048576,
    capName: opts.capName,
    userAgent: await userAgentFor(kv, source.userAgentId, userAgent),
    signal: lease.signal,
    onBytes: (received, total) => {
      lease.run.bytes = received;
      lease.run.totalBytes = total;
    },
  });
}

/** A new run record of an import, running, with nothing counted yet. */
export function newRunRecord<C>(trigger: "manual" | "schedule" | "api", counts: C) {
  return {
    id: ulid(),
    trigger,
    status: "running" as const,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    durationMs: null,
    bytes: 0,
    totalBytes: null,
    counts,
    error: null,
    warnings: [] as string[],
  };
}
