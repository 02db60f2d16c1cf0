/**
 * One process's view of the change feed: a single watchKeys() over every topic's revision key,
 * fanned out to the caches and outputs that subscribe to topics. `sync()` reads the keys now and
 * returns once every affected subscriber has caught up, so a request answered after it sees
 * every commit made before it, by this process or any other.
 */
import { type Stamps, type Topic, topicKey, TOPICS } from "./revisions.ts";
import { type KeyWatch, watchKeys, type WatchOptions } from "./watch.ts";

/** Called when one of a subscriber's topics changed, with the stamps now current. */
export type ChangeHandler = (stamps: Stamps, changed: Topic[]) => void | Promise<void>;

interface Subscriber {
  topics: Topic[];
  handler: ChangeHandler;
  seen: Stamps;
}

const NONE: Stamps = Object.fromEntries(TOPICS.map((t) => [t, null])) as Stamps;

/** The change feed of one process. */
export class ChangeFeed {
  #kv: Deno.Kv;
  #stamps: Stamps = { ...NONE };
  #subs = new Set<Subscriber>();
  #abort = new AbortController();
  #watch: KeyWatch | null = null;
  #options: Pick<WatchOptions, "intervalMs" | "mode" | "onError">;

  constructor(kv: Deno.Kv, options: Pick<WatchOptions, "intervalMs" | "mode" | "onError"> = {}) {
    this.#kv = kv;
    this.#options = options;
  }

  /** Starts watching; resolves after the first read, so `stamps` is current. */
  async start(): Promise<this> {
    if (this.#watch) return this;
    this.#watch = watchKeys(this.#kv, TOPICS.map(topicKey), {
      ...this.#options,
      signal: this.#abort.signal,
      onChange: (entries) => this.#dispatch(entries),
    });
    await this.#watch.check();
    return this;
  }

  /** The stamps of the last read. */
  get stamps(): Readonly<Stamps> {
    return this.#stamps;
  }

  /** Reads the revision keys now and waits until every affected subscriber has run. */
  async sync(): Promise<Readonly<Stamps>> {
    if (!this.#watch) throw new Error("The change feed was not started");
    await this.#watch.check();
    return this.#stamps;
  }

  /**
   * Like sync() for the caches of `topics` alone: reads only their keys, and runs a whole sync
   * only when one of them moved past what was published (a stream request checks membership
   * without waiting for session traffic).
   */
  async syncTopics(topics: readonly Topic[]): Promise<Readonly<Stamps>> {
    if (!this.#watch) throw new Error("The change feed was not started");
    const entries = await this.#kv.getMany(topics.map(topicKey));
    if (entries.every((e, i) => e.versionstamp === this.#stamps[topics[i]])) return this.#stamps;
    return await this.sync();
  }

  /**
   * Calls `handler` whenever one of `topics` changes after now. Answers a function that
   * unsubscribes.
   */
  subscribe(topics: Topic[], handler: ChangeHandler): () => void {
    const sub: Subscriber = { topics, handler, seen: { ...this.#stamps } };
    this.#subs.add(sub);
    return () => this.#subs.delete(sub);
  }

  /** Stops watching and waits for the watch to end. */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.#watch?.done;
  }

  async #dispatch(entries: Deno.KvEntryMaybe<unknown>[]): Promise<void> {
    const stamps = { ...NONE };
    TOPICS.forEach((t, i) => stamps[t] = entries[i].versionstamp);
    const failures: Error[] = [];
    // Subscribers catch up one after another, in the order they subscribed: a cache built on
    // another (playlist members on the channel index) sees it caught up already. One that fails
    // is called again on the next read.
    for (const sub of [...this.#subs]) {
      const changed = sub.topics.filter((t) => sub.seen[t] !== stamps[t]);
      if (!changed.length) continue;
      try {
        await sub.handler(stamps, changed);
        sub.seen = stamps;
      } catch (err) {
        failures.push(err as Error);
      }
    }
    if (failures.length) throw failures[0];
    // Published once every subscriber caught up: a cache stamped with these stamps (an output
    // rendered meanwhile) must never hold data from before them.
    this.#stamps = stamps;
  }
}

/** Whether the stamps of `topics` are equal in `a` and `b`. */
export function sameStamps(a: Readonly<Stamps>, b: Readonly<Stamps>, topics: readonly Topic[]) {
  return topics.every((t) => a[t] === b[t]);
}
