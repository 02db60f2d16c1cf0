/**
 * The icon cache: channel logos from playlists (tvg-logo) and guides (<icon src>) fetched in
 * the background, stored under DATA_DIR/icons/<id> and served from our own URL, so players
 * load them from the manager instead of from hosts that vanish, block or are slow.
 */
import { ulid } from "ulid";
import { createIcons, deleteIcon, findIconBySource, listIcons, updateIcon } from "../db/icons.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { downloadIcon, type DownloadResult, formatLimit } from "./_download.ts";
import { HostBreaker } from "./_host_breaker.ts";
import { WorkQueue } from "./_work_queue.ts";
import { extensionFor, imageTypeOf, mediaType } from "./_image_type.ts";
import {
  type Icon,
  type IconFilter,
  type IconPage,
  type IconStatus,
  MAX_ICON_BYTES,
} from "./types.ts";

/** Longer source URLs are ignored: they are data smuggled into a URL, not a logo address. */
const MAX_URL_LENGTH = 8192;
/** A failed icon is tried again when it is registered again after this long. */
const RETRY_FAILED_AFTER_MS = 24 * 3600_000;
const ID_FILE = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** Settings of the cache (from the configuration). */
export interface IconCacheOptions {
  dataDir: string;
  /** Sent to icon hosts (USER_AGENT_STRING). */
  userAgent: string;
  /** Seconds a download may take (ICON_TIMEOUT). */
  iconTimeout: number;
  /**
   * Internal hosts logos may be on: ALLOWED_PRIVATE_HOSTS and the hosts of the admin-typed
   * source URLs, read at each download (common/net/outbound.ts). None unless told.
   */
  allowedHosts?: () => Promise<readonly string[]>;
  /** Downloads at a time; 4 unless told. */
  concurrency?: number;
  log?: Logger;
}

/** Counts of icons per status. */
export type IconCounts = Record<IconStatus, number> & { total: number };

/** The source URL when it is an http(s) URL we may fetch, else null (data:, file:, pipe:...). */
export function iconSourceUrl(raw: string): string | null {
  const url = raw.trim();
  if (url.length > MAX_URL_LENGTH || !/^https?:\/\/./i.test(url)) return null;
  try {
    return new URL(url).hostname ? url : null;
  } catch {
    return null;
  }
}

const quiet: Logger = { debug() {}, info() {}, warning() {}, error() {} };

/** One cache per manager process; KV holds the records, memory a mirror for O(1) lookups. */
export class IconCache {
  readonly dir: string;
  #kv: Deno.Kv;
  #opts: IconCacheOptions;
  #log: Logger;
  #byId = new Map<string, Icon>();
  #bySource = new Map<string, Icon>();
  #queue: WorkQueue;
  /** Ids whose next fetch was asked for by the admin (it may replace an uploaded copy). */
  #forced = new Set<string>();
  /** Bumped by every admin change; a fetch that started before one is discarded. */
  #generation = new Map<string, number>();
  #locks = new Map<string, Promise<unknown>>();
  #breaker = new HostBreaker();
  #closing = new AbortController();
  /** Work started in the background (re-queueing failed icons); close() awaits it. */
  #background = new Set<Promise<void>>();

  constructor(kv: Deno.Kv, options: IconCacheOptions) {
    this.#kv = kv;
    this.#opts = options;
    this.#log = options.log ?? quiet;
    this.dir = `${options.dataDir}/icons`;
    this.#queue = new WorkQueue((id) => this.#fetch(id), {
      concurrency: options.concurrency ?? 4,
      onError: (id, err) =>
        this.#log.warning(`Icon ${id} was not stored: ${(err as Error).message}`),
    });
  }

  /** Loads the records, removes stray files and queues the fetches a restart interrupted. */
  async load(): Promise<void> {
    await Deno.mkdir(this.dir, { recursive: true });
    for (const icon of await listIcons(this.#kv)) {
      this.#remember(icon);
      if (icon.status === "pending") {
        if (icon.uploaded) this.#forced.add(icon.id);
        this.#queue.add(icon.id);
      }
    }
    for await (const e of Deno.readDir(this.dir)) {
      const stray = e.name.endsWith(".tmp") || (ID_FILE.test(e.name) && !this.#byId.has(e.name));
      if (e.isFile && stray) await removeIfThere(`${this.dir}/${e.name}`);
    }
  }

  /**
   * Creates pending icons for new http(s) URLs and queues their download; anything else is
   * ignored and never opened. Failed icons are retried when registered a day later. Never
   * rejects: a problem is logged. Resolves with the number of new icons.
   */
  async register(urls: Iterable<string>): Promise<number> {
    try {
      const now = new Date().toISOString();
      const fresh = new Map<string, Icon>();
      const retry = new Set<string>();
      const retryBefore = Date.now() - RETRY_FAILED_AFTER_MS;
      for (const raw of urls) {
        const url = typeof raw === "string" ? iconSourceUrl(raw) : null;
        if (!url || fresh.has(url)) continue;
        const known = this.#bySource.get(url);
        if (!known) fresh.set(url, newIcon(url, now));
        else if (
          known.status === "failed" && !known.uploaded &&
          Date.parse(known.attemptedAt ?? "") < retryBefore
        ) retry.add(known.id);
      }
      const created = await createIcons(this.#kv, [...fresh.values()]);
      for (const icon of created) {
        this.#remember(icon);
        this.#queue.add(icon.id);
        fresh.delete(icon.sourceUrl);
      }
      // Left over: stored meanwhile by someone else; mirror what KV has.
      for (const url of fresh.keys()) {
        const icon = await findIconBySource(this.#kv, url);
        if (icon) this.#remember(icon);
      }
      for (const id of retry) this.#queue.add(id);
      if (created.length || retry.size) {
        this.#log.info(`Icons: ${created.length} new, ${retry.size} failed ones retried`);
      }
      return created.length;
    } catch (err) {
      this.#log.warning(`Cannot register icons: ${(err as Error).message}`);
      return 0;
    }
  }

  /**
   * Our URL for an icon when a copy is stored (`${base}/manager/icons/<id>.png`), else the
   * source URL unchanged. Synchronous and O(1): the playlist renderer calls it per channel.
   */
  urlFor(sourceUrl: string, base: string): string {
    const icon = this.#bySource.get(sourceUrl) ?? this.#bySource.get(sourceUrl.trim());
    if (!icon?.etag || !icon.contentType) return sourceUrl;
    const root = base.endsWith("/") ? base.slice(0, -1) : base;
    return `${root}/manager/icons/${icon.id}${extensionFor(icon.contentType)}`;
  }

  /** The icon with this id, if any. */
  get(id: string): Icon | undefined {
    return this.#byId.get(id);
  }

  /** The icon of a source URL, if any. */
  find(sourceUrl: string): Icon | undefined {
    return this.#bySource.get(sourceUrl.trim());
  }

  /** The stored bytes of an icon with its record, or null when there is no copy. */
  async read(id: string): Promise<{ icon: Icon; bytes: Uint8Array } | null> {
    const icon = this.#byId.get(id);
    if (!icon?.etag) return null;
    try {
      return { icon, bytes: await Deno.readFile(this.#path(icon.id)) };
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return null;
      throw err;
    }
  }

  /** One page of icons matching the filter, oldest first. */
  list(filter: IconFilter, offset: number, limit: number): IconPage {
    const q = filter.q?.trim().toLowerCase() ?? "";
    const items: Icon[] = [];
    let total = 0;
    for (const icon of this.#byId.values()) {
      if (filter.status && icon.status !== filter.status) continue;
      if (q && !icon.sourceUrl.toLowerCase().includes(q)) continue;
      if (total >= offset && items.length < limit) items.push(icon);
      total++;
    }
    const nextOffset = offset + items.length < total ? offset + items.length : null;
    return { items, total, offset, nextOffset };
  }

  /** How many icons there are per status. */
  counts(): IconCounts {
    const out: IconCounts = { pending: 0, ok: 0, failed: 0, total: this.#byId.size };
    for (const icon of this.#byId.values()) out[icon.status]++;
    return out;
  }

  /** Fetches an icon again (the admin asked): on success it replaces even an uploaded copy. */
  refetch(id: string): Promise<Icon> {
    return this.#locked(id, async () => {
      this.#require(id);
      this.#bump(id);
      const icon = await updateIcon(this.#kv, id, () => ({ status: "pending", error: null }));
      this.#remember(icon);
      this.#forced.add(id);
      this.#queue.add(id);
      return icon;
    });
  }

  /**
   * Queues every failed icon again and answers how many at once; marking them pending goes
   * on in the background (thousands of KV writes should not hold up a page).
   */
  refetchFailed(): number {
    const failed = [...this.#byId.values()].filter((i) => i.status === "failed");
    const task = (async () => {
      for (const icon of failed) {
        if (this.#closing.signal.aborted) return;
        try {
          await this.refetch(icon.id);
        } catch (err) {
          // Deleted meanwhile, most likely; the others still go.
          this.#log.warning(`Icon ${icon.id} was not queued again: ${(err as Error).message}`);
        }
      }
    })().finally(() => this.#background.delete(task));
    this.#background.add(task);
    return failed.length;
  }

  /** Deletes an icon's record and copy; registering its URL again starts afresh. */
  delete(id: string): Promise<void> {
    return this.#locked(id, async () => {
      this.#require(id);
      this.#bump(id);
      const icon = await deleteIcon(this.#kv, id);
      this.#forget(icon);
      await removeIfThere(this.#path(id));
    });
  }

  /**
   * Replaces an icon's copy with uploaded bytes, checked like a download (size cap, image
   * type). Throws ValidationError for a file that is too large or not an image.
   */
  async upload(id: string, bytes: Uint8Array, contentType: string): Promise<Icon> {
    const bad = (message: string) => new ValidationError(message, { file: [message] });
    if (bytes.length === 0) throw bad("The file is empty");
    if (bytes.length > MAX_ICON_BYTES) {
      throw bad(`The file is larger than ${formatLimit(MAX_ICON_BYTES)}`);
    }
    const type = imageTypeOf(bytes, contentType);
    if (!type) {
      throw bad(`The file is ${mediaType(contentType) || "of unknown type"}, not an image`);
    }
    return await this.#locked(id, async () => {
      this.#require(id);
      this.#bump(id);
      this.#forced.delete(id);
      const etag = await this.#store(id, bytes);
      const now = new Date().toISOString();
      const icon = await updateIcon(this.#kv, id, () => ({
        status: "ok",
        contentType: type,
        size: bytes.length,
        etag,
        fetchedAt: now,
        attemptedAt: now,
        error: null,
        uploaded: true,
      }));
      this.#remember(icon);
      return icon;
    });
  }

  /** Resolves when no download is queued or running. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  /** Stops downloading: cancels running downloads, forgets the queue, awaits background work. */
  async close(): Promise<void> {
    this.#closing.abort();
    this.#queue.close();
    await Promise.allSettled([...this.#background]);
  }

  #path(id: string): string {
    return `${this.dir}/${id}`;
  }

  #require(id: string): void {
    if (!this.#byId.has(id)) throw new NotFoundError(`Icon ${id} was not found`);
  }

  #bump(id: string): void {
    this.#generation.set(id, (this.#generation.get(id) ?? 0) + 1);
  }

  #remember(icon: Icon): void {
    this.#byId.set(icon.id, icon);
    this.#bySource.set(icon.sourceUrl, icon);
  }

  #forget(icon: Icon): void {
    this.#byId.delete(icon.id);
    this.#bySource.delete(icon.sourceUrl);
    this.#generation.delete(icon.id);
    this.#forced.delete(icon.id);
  }

  /**
   * Catches the mirror up with KV after the "icons" topic moved (another process stored, replaced
   * or deleted a copy). Fetches in flight here are not disturbed.
   */
  async reload(): Promise<void> {
    const icons = await listIcons(this.#kv);
    const live = new Set(icons.map((i) => i.id));
    for (const icon of [...this.#byId.values()]) if (!live.has(icon.id)) this.#forget(icon);
    for (const icon of icons) this.#remember(icon);
  }

  /** Runs `fn` after every earlier locked change of the same icon. */
  async #locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.#locks.get(id) ?? Promise.resolve()).then(fn);
    // The next change waits for this one to settle; its outcome is the caller's.
    const settled = Promise.allSettled([run]);
    this.#locks.set(id, settled);
    try {
      return await run;
    } finally {
      if (this.#locks.get(id) === settled) this.#locks.delete(id);
    }
  }

  /** Writes the bytes under a temporary name, renames them into place, returns their SHA-256. */
  async #store(id: string, bytes: Uint8Array): Promise<string> {
    const tmp = `${this.dir}/${id}.${crypto.randomUUID()}.tmp`;
    await Deno.writeFile(tmp, bytes);
    try {
      await Deno.rename(tmp, this.#path(id));
    } catch (err) {
      await removeIfThere(tmp);
      throw err;
    }
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
    return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async #fetch(id: string): Promise<void> {
    const icon = this.#byId.get(id);
    const forced = this.#forced.delete(id);
    if (!icon || (icon.uploaded && !forced)) return;
    const generation = this.#generation.get(id) ?? 0;
    const host = new URL(icon.sourceUrl).host;
    const refused = this.#breaker.refusal(host);
    let result: DownloadResult;
    if (refused) {
      result = {
        ok: false,
        error: `Icon ${icon.sourceUrl} ${refused}`,
        reason: refused,
        network: false,
      };
    } else {
      result = await downloadIcon(icon.sourceUrl, {
        allowedHosts: await this.#opts.allowedHosts?.() ?? [],
        userAgent: this.#opts.userAgent,
        timeoutMs: this.#opts.iconTimeout * 1000,
        maxBytes: MAX_ICON_BYTES,
        signal: this.#closing.signal,
      });
      this.#breaker.record(host, !result.ok && result.network ? result.reason : null);
    }
    if (this.#closing.signal.aborted) return;
    await this.#locked(id, async () => {
      // An upload, delete or newer re-fetch since the start wins over this result.
      if ((this.#generation.get(id) ?? 0) !== generation || !this.#byId.has(id)) return;
      const now = new Date().toISOString();
      let stored: Icon;
      if (result.ok) {
        const etag = await this.#store(id, result.bytes);
        stored = await updateIcon(this.#kv, id, () => ({
          status: "ok",
          contentType: result.contentType,
          size: result.bytes.length,
          etag,
          fetchedAt: now,
          attemptedAt: now,
          error: null,
          uploaded: false,
        }));
      } else {
        this.#log.debug(result.error);
        // A copy from before stays in use; the error says why it was not refreshed.
        stored = await updateIcon(this.#kv, id, () => ({
          status: "failed",
          error: result.error,
          attemptedAt: now,
        }));
      }
      this.#remember(stored);
    });
  }
}

function newIcon(sourceUrl: string, now: string): Icon {
  return {
    id: ulid(),
    sourceUrl,
    status: "pending",
    contentType: null,
    size: null,
    etag: null,
    fetchedAt: null,
    attemptedAt: null,
    error: null,
    uploaded: false,
    createdAt: now,
  };
}

/** Removes a file; one that is not there is fine. */
async function removeIfThere(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}
