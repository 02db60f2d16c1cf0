/**
 * Rendered outputs (playlists, guides) cached in both encodings until anything they depend on
 * changes: render once per change, serve cached bytes with an ETag (If-None-Match: 304).
 */

import type { ChangeFeed } from "../../common/kv/change_feed.ts";
import { sameStamps } from "../../common/kv/change_feed.ts";
import type { Stamps, Topic } from "../../common/kv/revisions.ts";
import type { Logger } from "../../common/log.ts";

/**
 * A rendered body, in consecutive chunks served as they are: a guide's come straight from the
 * stored programme parts, and copying 40 MB into one buffer costs more than rendering it (fresh
 * pages fault in at ~14 µs each here). Its gzip encoding is made on first use and kept.
 */
export interface Rendered {
  etag: string;
  body: Uint8Array[];
  gzip(): Promise<Uint8Array[]>;
  /** whether gzip() was called: a background render of the next version prepares it too */
  gzipWanted(): boolean;
  contentType: string;
  builtAt: number;
}

/** Bytes in a chunked body. */
export function byteLength(chunks: Uint8Array[]): number {
  let n = 0;
  for (const c of chunks) n += c.length;
  return n;
}

async function gzip(chunks: Uint8Array[]): Promise<Uint8Array[]> {
  const stream = new Blob(chunks as BlobPart[]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return [new Uint8Array(await new Response(stream).arrayBuffer())];
}

/** Hashes bytes into a strong ETag. */
export async function etagOf(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return `"${Array.from(d.slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join("")}"`;
}

/** How a Rendered may be made cheaper than from its bytes alone. */
export interface RenderedOptions {
  /** a strong ETag that changes whenever the body does (default: a hash of the body) */
  etag?: string;
  /** makes the gzip encoding (default: CompressionStream over the body) */
  gzip?: () => Uint8Array[] | Promise<Uint8Array[]>;
}

/** Builds a Rendered from text or bytes. */
export async function rendered(
  content: string | Uint8Array | Uint8Array[],
  contentType: string,
  options: RenderedOptions = {},
): Promise<Rendered> {
  const body = typeof content === "string"
    ? [new TextEncoder().encode(content)]
    : content instanceof Uint8Array
    ? [content]
    : content;
  const make = options.gzip ?? (() => gzip(body));
  // Compressing a large output costs more than rendering it; most clients of a render ask for
  // one encoding only, so the other waits until someone wants it.
  let gz: Promise<Uint8Array[]> | null = null;
  return {
    etag: options.etag ?? await etagOf(body.length === 1 ? body[0] : joinChunks(body)),
    body,
    gzip: () => gz ??= Promise.resolve().then(make),
    gzipWanted: () => gz !== null,
    contentType,
    builtAt: Date.now(),
  };
}

/** A chunked body in one buffer. */
export function joinChunks(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(byteLength(chunks));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** How long an output counts as in use, so a change renders it again before anyone asks. */
const WARM_WINDOW_MS = 3_600_000;
/** How long after a change the warm-up starts (changes come in bursts: an import, a bulk edit). */
const WARM_DELAY_MS = 200;

/** How one kind of output is made from an id, from what it depends on. */
export interface OutputKind {
  /** the change feed topics whose change makes a rendered output stale */
  topics: Topic[];
  /**
   * renders the output of `id` from current data; null when there is none (deleted, disabled).
   * `previous` is the last render of it, stale: what it was made of may be worth re-using.
   */
  build(id: string, previous: Rendered | null): Promise<Rendered | null>;
  /** an output older than this is rendered again even without a change (a moving time window) */
  maxAgeMs?: number;
  /** how long after its last request a change renders it again in the background (1 hour) */
  warmForMs?: number;
}

interface Entry {
  rendered: Rendered;
  /** the topics' stamps the render started from */
  stamps: Stamps;
}

/**
 * Rendered outputs by kind and id, each valid while the change feed's stamps of its topics are
 * the ones it was rendered from. Renders are looked up by id and made from current data, never
 * from a closure captured before a change. Outputs asked for in the last hour (or their kind's
 * warmForMs) are rendered again in the background shortly after a change, in the encodings last
 * asked for, so devices polling them get cached bytes.
 */
export class OutputCache {
  #feed: ChangeFeed;
  #kinds: Record<string, OutputKind>;
  #log: Logger;
  #entries = new Map<string, Entry>();
  #building = new Map<string, Promise<Rendered | null>>();
  #recent = new Map<string, number>();
  #warmTimer: ReturnType<typeof setTimeout> | null = null;
  #warming: Promise<void> | null = null;
  #unsubscribe: () => void;
  #closed = false;

  constructor(feed: ChangeFeed, kinds: Record<string, OutputKind>, log: Logger) {
    this.#feed = feed;
    this.#kinds = kinds;
    this.#log = log;
    const topics = [...new Set(Object.values(kinds).flatMap((k) => k.topics))];
    this.#unsubscribe = feed.subscribe(topics, () => this.#scheduleWarm());
  }

  /**
   * The output of `kind` for `id`, rendered when missing or stale as of the change feed's last
   * read. The manager reads the feed before every request (manager/app.ts), so a change committed
   * before the request, by any process, is in the answer.
   */
  async get(kind: string, id: string): Promise<Rendered | null> {
    this.#recent.set(`${kind}:${id}`, Date.now());
    return await this.#fetch(kind, id);
  }

  #fresh(kind: string, id: string): Rendered | null {
    const k = this.#kinds[kind];
    const hit = this.#entries.get(`${kind}:${id}`);
    if (!hit || !sameStamps(hit.stamps, this.#feed.stamps, k.topics)) return null;
    if (k.maxAgeMs !== undefined && Date.now() - hit.rendered.builtAt >= k.maxAgeMs) return null;
    return hit.rendered;
  }

  async #fetch(kind: string, id: string): Promise<Rendered | null> {
    const key = `${kind}:${id}`;
    while (true) {
      const fresh = this.#fresh(kind, id);
      if (fresh) return fresh;
      const pending = this.#building.get(key);
      if (!pending) break;
      // A render that started before the latest change is not good enough: wait, then look again.
      await Promise.allSettled([pending]);
    }
    const stamps = { ...this.#feed.stamps };
    const previous = this.#entries.get(key)?.rendered ?? null;
    const p = this.#kinds[kind].build(id, previous).finally(() => this.#building.delete(key));
    this.#building.set(key, p);
    const out = await p;
    if (out) this.#entries.set(key, { rendered: out, stamps });
    else this.#entries.delete(key);
    return out;
  }

  #scheduleWarm(): void {
    if (this.#closed || this.#warmTimer !== null) return;
    this.#warmTimer = setTimeout(() => {
      this.#warmTimer = null;
      this.#warming = this.#warm().finally(() => this.#warming = null);
    }, WARM_DELAY_MS);
  }

  async #warm(): Promise<void> {
    const now = Date.now();
    for (const [key, usedAt] of this.#recent) {
      if (this.#closed) return;
      const at = key.indexOf(":");
      const kind = key.slice(0, at);
      const id = key.slice(at + 1);
      if (now - usedAt > (this.#kinds[kind].warmForMs ?? WARM_WINDOW_MS)) {
        this.#recent.delete(key);
        continue;
      }
      try {
        const before = this.#entries.get(key)?.rendered;
        const out = await this.#fetch(kind, id);
        if (out === null) this.#recent.delete(key);
        // Clients that asked for gzip (Kodi, TiviMate) get it from the cache too.
        else if (out !== before && before?.gzipWanted()) await out.gzip();
      } catch (err) {
        this.#log.warning(`Rendering ${key} in the background failed: ${(err as Error).message}`);
      }
    }
  }

  /** Stops warming and waits for a warm-up in progress (on shutdown). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe();
    if (this.#warmTimer !== null) clearTimeout(this.#warmTimer);
    this.#warmTimer = null;
    await this.#warming;
    await Promise.allSettled(this.#building.values());
  }
}

/**
 * A body that hands the cached bytes over as they are. `new Response(uint8Array)` copies the
 * array (Fetch: "a copy of the bytes"): for a 2.6 MB playlist that copy, its page faults and the
 * garbage it leaves cost twice what writing it to the socket does. A default (not "bytes")
 * stream enqueues the same array without copying or detaching it.
 */
function bodyOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) if (c.length) controller.enqueue(c);
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
  const chunks = accepts ? await r.gzip() : r.body;
  // A stream body would go out chunked; the length is known, so say it (RFC 9112 §6.3).
  headers["content-length"] = String(byteLength(chunks));
  if (accepts) headers["content-encoding"] = "gzip";
  return new Response(bodyOf(chunks), { headers });
}
