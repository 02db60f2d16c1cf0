/**
 * Rendered outputs (playlists, guides) cached in both encodings until anything they depend on
 * changes: render once per change, serve cached bytes with an ETag (If-None-Match: 304).
 */

/** A rendered body; its gzip encoding is made on first use and kept. */
export interface Rendered {
  etag: string;
  body: Uint8Array;
  gzip(): Promise<Uint8Array>;
  contentType: string;
  revision: number;
  builtAt: number;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Hashes bytes into a strong ETag. */
export async function etagOf(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return `"${Array.from(d.slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join("")}"`;
}

/** Builds a Rendered from text or bytes. */
export async function rendered(
  content: string | Uint8Array,
  contentType: string,
  revision: number,
): Promise<Rendered> {
  const body = typeof content === "string" ? new TextEncoder().encode(content) : content;
  // Compressing a large guide costs more than rendering it; most clients of a render ask for
  // one encoding only, so the other waits until someone wants it.
  let gz: Promise<Uint8Array> | null = null;
  return {
    etag: await etagOf(body),
    body,
    gzip: () => gz ??= gzip(body),
    contentType,
    revision,
    builtAt: Date.now(),
  };
}

/** How long an output counts as in use, so a change renders it again before anyone asks. */
const WARM_WINDOW_MS = 3_600_000;
/** How long after a change the warm-up starts (changes come in bursts). */
const WARM_DELAY_MS = 1_000;

/**
 * A cache of rendered outputs keyed by name, invalidated by a revision counter. Outputs asked
 * for in the last hour are rendered again shortly after a change, so devices polling them get
 * cached bytes rather than waiting for a render.
 */
export class OutputCache {
  #revision = 1;
  #entries = new Map<string, Rendered>();
  #building = new Map<string, Promise<Rendered>>();
  #recent = new Map<
    string,
    { build: (revision: number) => Promise<Rendered>; maxAgeMs: number; usedAt: number }
  >();
  #warmTimer: ReturnType<typeof setTimeout> | null = null;

  /** The current revision. */
  get revision(): number {
    return this.#revision;
  }

  /** Marks every cached output stale (something they depend on changed). */
  bump(): void {
    this.#revision++;
    this.#entries.clear();
    if (this.#warmTimer !== null) clearTimeout(this.#warmTimer);
    const timer = setTimeout(() => this.#warm(), WARM_DELAY_MS);
    // The warm-up never keeps a process alive on its own.
    Deno.unrefTimer(Number(timer));
    this.#warmTimer = timer;
  }

  /** Stops the pending warm-up (on shutdown). */
  close(): void {
    if (this.#warmTimer !== null) clearTimeout(this.#warmTimer);
    this.#warmTimer = null;
    this.#recent.clear();
  }

  #warm(): void {
    this.#warmTimer = null;
    const now = Date.now();
    for (const [key, r] of this.#recent) {
      if (now - r.usedAt > WARM_WINDOW_MS) {
        this.#recent.delete(key);
        continue;
      }
      this.#fetch(key, r.build, r.maxAgeMs).catch(() => {});
    }
  }

  /** Returns the cached output, building it once when missing, stale or older than maxAgeMs. */
  get(
    key: string,
    build: (revision: number) => Promise<Rendered>,
    maxAgeMs = Infinity,
  ): Promise<Rendered> {
    this.#recent.set(key, { build, maxAgeMs, usedAt: Date.now() });
    return this.#fetch(key, build, maxAgeMs);
  }

  async #fetch(
    key: string,
    build: (revision: number) => Promise<Rendered>,
    maxAgeMs: number,
  ): Promise<Rendered> {
    const hit = this.#entries.get(key);
    if (hit && hit.revision === this.#revision && Date.now() - hit.builtAt < maxAgeMs) return hit;
    const pending = this.#building.get(key);
    if (pending) return await pending;
    const rev = this.#revision;
    const p = build(rev).finally(() => this.#building.delete(key));
    this.#building.set(key, p);
    const out = await p;
    if (out.revision === this.#revision) this.#entries.set(key, out);
    return out;
  }
}

/**
 * A body that hands the cached bytes over as they are. `new Response(uint8Array)` copies the
 * array (Fetch: "a copy of the bytes"): for a 2.6 MB playlist that copy, its page faults and the
 * garbage it leaves cost twice what writing it to the socket does. A default (not "bytes")
 * stream enqueues the same array without copying or detaching it.
 */
function bodyOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (bytes.length) controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** Answers with a cached output: 304 on a matching If-None-Match, gzip when accepted. */
export async function serveRendered(
  req: Request,
  r: Rendered,
  extra: Record<string, string> = {},
  opts: { compress?: boolean } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": r.contentType,
    etag: r.etag,
    vary: "Accept-Encoding",
    "cache-control": "private, no-cache",
    ...extra,
  };
  const inm = req.headers.get("if-none-match");
  if (inm && inm.split(",").some((t) => t.trim().replace(/^W\//, "") === r.etag)) {
    return new Response(null, { status: 304, headers });
  }
  // compress: false serves `body` as it is (a .gz file is gzip data, not a gzip encoding).
  const accepts = opts.compress !== false &&
    /\bgzip\b/i.test(req.headers.get("accept-encoding") ?? "");
  const bytes = accepts ? await r.gzip() : r.body;
  // A stream body would go out chunked; the length is known, so say it (RFC 9112 §6.3).
  headers["content-length"] = String(bytes.length);
  if (accepts) headers["content-encoding"] = "gzip";
  return new Response(bodyOf(bytes), { headers });
}
