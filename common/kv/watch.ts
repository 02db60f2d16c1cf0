/**
 * watchKeys(): learns of changes to a few KV keys, whichever process made them. A local KV file
 * notifies `kv.watch()` only of its own process's writes, so there the keys' versionstamps are
 * also polled (getMany in tens) for other processes' writes, while `kv.watch()` still delivers
 * this process's own at once; a KV Connect server (DENO_KV_URL) or Deno Deploy carries watch
 * across processes and hosts, so there `kv.watch()` alone drives it. Both paths share `check()`,
 * which reads the keys now: a request that must see its own writes calls it first.
 */

/** How often a local KV file is polled. */
export const POLL_INTERVAL_MS = 150;

const crossProcessWatch = new WeakSet<Deno.Kv>();

/** Marks a KV handle whose `watch()` sees every process's writes (KV Connect, Deno Deploy). */
export function markWatchCrossesProcesses(kv: Deno.Kv): void {
  crossProcessWatch.add(kv);
}

/** Whether `kv.watch()` on this handle sees other processes' writes. */
export function watchCrossesProcesses(kv: Deno.Kv): boolean {
  return crossProcessWatch.has(kv);
}

/** Options of watchKeys(). */
export interface WatchOptions {
  /**
   * Called with the keys' entries (in key order) whenever a versionstamp differs from the last
   * read that was handled, the first read included. Calls never overlap; a call that throws is
   * made again on the next read.
   */
  onChange: (entries: Deno.KvEntryMaybe<unknown>[]) => void | Promise<void>;
  /** Stops the watch. */
  signal?: AbortSignal;
  /** Poll interval on a local KV file (default POLL_INTERVAL_MS). */
  intervalMs?: number;
  /** Forces a path (tests cover both on one machine); default: by the KV handle. */
  mode?: "poll" | "watch";
  /** Where failures of the background path are reported. */
  onError?: (err: Error) => void;
}

/** A running watch. */
export interface KeyWatch {
  /** Reads the keys now and awaits onChange when they changed; concurrent calls coalesce. */
  check(): Promise<void>;
  /** Settles when the watch has stopped (after its signal aborted). */
  readonly done: Promise<void>;
}

async function readAll(kv: Deno.Kv, keys: Deno.KvKey[]): Promise<Deno.KvEntryMaybe<unknown>[]> {
  const parts: Promise<Deno.KvEntryMaybe<unknown>[]>[] = [];
  for (let i = 0; i < keys.length; i += 10) parts.push(kv.getMany(keys.slice(i, i + 10)));
  return (await Promise.all(parts)).flat();
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Watches `keys`; see WatchOptions. The first read starts at once. */
export function watchKeys(kv: Deno.Kv, keys: Deno.KvKey[], options: WatchOptions): KeyWatch {
  const signal = options.signal;
  const onError = options.onError ?? ((err) => console.error("watchKeys:", err));
  let seen: (string | null)[] | null = null;
  let current: Promise<void> | null = null;
  let queued: Promise<void> | null = null;

  async function round(): Promise<void> {
    const entries = await readAll(kv, keys);
    const stamps = entries.map((e) => e.versionstamp);
    if (seen && stamps.every((s, i) => s === seen![i])) return;
    await options.onChange(entries);
    seen = stamps;
  }

  function check(): Promise<void> {
    if (!current) {
      current = round().finally(() => current = null);
      return current;
    }
    // A round in flight may have read before the caller's write: run one more after it.
    // (Its failure belongs to its own callers: this round runs either way.)
    const again = () => {
      queued = null;
      return check();
    };
    queued ??= current.then(again, again);
    return queued;
  }

  const mode = options.mode ?? (watchCrossesProcesses(kv) ? "watch" : "poll");
  const interval = options.intervalMs ?? POLL_INTERVAL_MS;

  async function poll(): Promise<void> {
    while (!signal?.aborted) {
      try {
        await check();
      } catch (err) {
        onError(err as Error);
      }
      await sleep(interval, signal);
    }
  }

  async function watch(): Promise<void> {
    const readers: ReadableStreamDefaultReader<unknown>[] = [];
    for (let i = 0; i < keys.length; i += 10) {
      readers.push(kv.watch(keys.slice(i, i + 10)).getReader());
    }
    const stop = () => readers.forEach((r) => r.cancel().catch(onError));
    signal?.addEventListener("abort", stop, { once: true });
    if (signal?.aborted) stop();
    await Promise.all(readers.map(async (reader) => {
      while (true) {
        const r = await reader.read();
        if (r.done) return;
        // An emission says something changed; the read in check() says what, for all keys.
        try {
          await check();
        } catch (err) {
          onError(err as Error);
        }
      }
    }));
  }

  // Polling adds what watch() cannot see on a local file: other processes' writes.
  const done = Promise.all(mode === "poll" ? [poll(), watch()] : [watch()]).then(() => {})
    .catch(onError);
  return { check, done };
}
