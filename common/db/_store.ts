/** Small helpers shared by the repositories: atomic create, checked update, batched writes. */
import { ConflictError, LimitReachedError, NotFoundError } from "../errors.ts";
import {
  keySize,
  MAX_COMMIT_BYTES,
  MAX_COMMIT_KEY_BYTES,
  MAX_KEY_BYTES,
  MAX_MUTATIONS,
  MAX_VALUE_BYTES,
  maxValueSize,
  valueSize,
} from "../kv/size.ts";
import { bump, type Topic } from "../kv/revisions.ts";

/** A unique index entry: its key and a readable name for the conflict message. */
export interface UniqueIndex {
  key: Deno.KvKey;
  label: string;
}

/** Creates `value` at `key` with its unique indexes, failing with ConflictError if any exists. */
export async function createWithIndexes<T>(
  kv: Deno.Kv,
  key: Deno.KvKey,
  value: T,
  indexes: UniqueIndex[],
  id: string,
  topics: Topic[] = [],
): Promise<T> {
  const op = bump(kv.atomic(), ...topics).check({ key, versionstamp: null }).set(key, value);
  for (const idx of indexes) op.check({ key: idx.key, versionstamp: null }).set(idx.key, id);
  const res = await op.commit();
  if (!res.ok) {
    const taken = await Promise.all(indexes.map((i) => kv.get(i.key)));
    const hit = indexes.find((_, n) => taken[n].versionstamp !== null);
    throw new ConflictError(hit ? `${hit.label} is already taken` : "The record already exists");
  }
  return value;
}

/**
 * Reads the value at `key`, lets `change` produce the new value and commits it with a check on
 * the read versionstamp; moves unique indexes whose key changed. A concurrent edit raises
 * ConflictError, never a silent overwrite.
 */
export async function updateChecked<T>(
  kv: Deno.Kv,
  key: Deno.KvKey,
  what: string,
  change: (current: T) => { value: T; oldIndexes?: UniqueIndex[]; newIndexes?: UniqueIndex[] },
  options: {
    id?: string;
    /** the version the caller read; null: it read none (any stored version conflicts) */
    expectVersion?: string | null;
    /** topics bumped in the same commit, or a function of the old and new value */
    topics?: Topic[] | ((current: T, next: T) => Topic[]);
  } = {},
): Promise<T> {
  const entry = await kv.get<T>(key);
  if (entry.versionstamp === null) throw new NotFoundError(`${what} was not found`);
  if (options.expectVersion !== undefined && options.expectVersion !== entry.versionstamp) {
    throw new ConflictError(`${what} was changed by someone else; reload and try again`);
  }
  const { value, oldIndexes = [], newIndexes = [] } = change(entry.value);
  const topics = typeof options.topics === "function"
    ? options.topics(entry.value, value)
    : options.topics ?? [];
  const op = bump(kv.atomic(), ...topics).check(entry).set(key, value);
  const oldKeys = new Set(oldIndexes.map((i) => JSON.stringify(i.key)));
  const newKeys = new Set(newIndexes.map((i) => JSON.stringify(i.key)));
  for (const idx of oldIndexes) {
    if (!newKeys.has(JSON.stringify(idx.key))) op.delete(idx.key);
  }
  for (const idx of newIndexes) {
    if (!oldKeys.has(JSON.stringify(idx.key))) {
      op.check({ key: idx.key, versionstamp: null }).set(idx.key, options.id ?? "");
    }
  }
  const res = await op.commit();
  if (!res.ok) {
    for (const idx of newIndexes) {
      if (oldKeys.has(JSON.stringify(idx.key))) continue;
      const got = await kv.get(idx.key);
      if (got.versionstamp !== null) throw new ConflictError(`${idx.label} is already taken`);
    }
    throw new ConflictError(`${what} was changed by someone else; reload and try again`);
  }
  return value;
}

/** Lists every value under a prefix. */
export async function listValues<T>(kv: Deno.Kv, prefix: Deno.KvKey): Promise<T[]> {
  const out: T[] = [];
  for await (const e of kv.list<T>({ prefix }, { batchSize: 1000 })) out.push(e.value);
  return out;
}

/** Deletes every key under a prefix in atomic batches. */
export async function deletePrefix(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  const writer = new BatchWriter(kv);
  let n = 0;
  for await (const e of kv.list({ prefix }, { batchSize: 1000 })) {
    await writer.delete(e.key);
    n++;
  }
  await writer.close();
  return n;
}

const DONE = Promise.resolve();

/**
 * Writes many sets and deletes in atomic batches that keep Deno KV's commit limits, measuring
 * each key and value (common/kv/size.ts): at most 1,000 mutations, 80 KiB of keys set and
 * 800 KiB of keys and values a commit. A value over 64 KiB or a key over 2 KiB is refused with
 * an error that names it.
 */
export class BatchWriter {
  #kv: Deno.Kv;
  #op: Deno.AtomicOperation;
  #count = 0;
  #bytes = 0;
  #keyBytes = 0;
  #pending: Promise<void>[] = [];
  #error: Error | null = null;
  constructor(kv: Deno.Kv) {
    this.#kv = kv;
    this.#op = kv.atomic();
  }
  /** Queues one set; `what` names the value in an error (`channels 0 to 99 of "Sports"`). */
  set(key: Deno.KvKey, value: unknown, what?: string): Promise<void> {
    const keyBytes = keySize(key);
    let valueBytes = maxValueSize(value);
    // The bound is twice the bytes of ASCII text: measure before refusing.
    if (valueBytes > MAX_VALUE_BYTES) valueBytes = valueSize(value);
    if (keyBytes > MAX_KEY_BYTES || valueBytes > MAX_VALUE_BYTES) {
      const error = tooLarge(
        `store ${what ?? `the value at ${keyText(key)}`}`,
        keyBytes,
        valueBytes,
      );
      return Promise.reject(error);
    }
    // KV counts a key set twice: once as a mutation, once with its value.
    return this.#queue(2 * keyBytes + valueBytes, keyBytes, () => this.#op.set(key, value));
  }
  /** Queues one delete. */
  delete(key: Deno.KvKey): Promise<void> {
    const keyBytes = keySize(key);
    if (keyBytes > MAX_KEY_BYTES) {
      return Promise.reject(tooLarge(`delete ${keyText(key)}`, keyBytes, 0));
    }
    return this.#queue(keyBytes, 0, () => this.#op.delete(key));
  }
  #queue(bytes: number, keyBytes: number, add: () => void): Promise<void> {
    if (
      this.#count >= MAX_MUTATIONS || this.#bytes + bytes > MAX_COMMIT_BYTES ||
      this.#keyBytes + keyBytes > MAX_COMMIT_KEY_BYTES
    ) {
      return this.#flush().then(() => this.#add(bytes, keyBytes, add));
    }
    this.#add(bytes, keyBytes, add);
    // Not an async function: most calls only queue, and 100,000 async frames cost time.
    return DONE;
  }
  #add(bytes: number, keyBytes: number, add: () => void): void {
    add();
    this.#count++;
    this.#bytes += bytes;
    this.#keyBytes += keyBytes;
  }
  async #flush(): Promise<void> {
    if (this.#count === 0) return;
    const op = this.#op;
    this.#op = this.#kv.atomic();
    this.#count = 0;
    this.#bytes = 0;
    this.#keyBytes = 0;
    // Keep at most two commits in flight: overlap parsing with writing, bound memory.
    this.#pending.push(
      op.commit().then(
        (r) => {
          if (!r.ok) this.#error ??= new Error("A batch write was refused by the store");
        },
        (err) => {
          this.#error ??= err instanceof Error ? err : new Error(String(err));
        },
      ),
    );
    if (this.#pending.length >= 2) await this.#pending.shift();
    if (this.#error) throw this.#error;
  }
  /** Commits what is queued and waits for every commit. */
  async close(): Promise<void> {
    await this.#flush();
    await Promise.all(this.#pending);
    this.#pending = [];
    if (this.#error) throw this.#error;
  }
}

/** The error for a key or value over KV's limit; `what` is "store <the thing>" or "delete ...". */
function tooLarge(what: string, keyBytes: number, valueBytes: number): LimitReachedError {
  const [part, bytes, max] = keyBytes > MAX_KEY_BYTES
    ? ["key", keyBytes, MAX_KEY_BYTES]
    : ["value", valueBytes, MAX_VALUE_BYTES];
  return new LimitReachedError(
    `Cannot ${what}: its ${part} takes ${bytes.toLocaleString("en")} bytes, ` +
      `over Deno KV's limit of ${max.toLocaleString("en")}`,
  );
}

/** A key for a message: its parts, long ones cut. */
function keyText(key: Deno.KvKey): string {
  const parts = key.map((p) => typeof p === "string" && p.length > 60 ? `${p.slice(0, 60)}…` : p);
  return `[${parts.map((p) => typeof p === "string" ? JSON.stringify(p) : String(p)).join(", ")}]`;
}
