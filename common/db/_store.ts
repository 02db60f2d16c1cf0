/** Small helpers shared by the repositories: atomic create, checked update, batched writes. */
import { ConflictError, NotFoundError } from "../errors.ts";
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
    expectVersion?: string;
    /** topics bumped in the same commit, or a function of the old and new value */
    topics?: Topic[] | ((current: T, next: T) => Topic[]);
  } = {},
): Promise<T> {
  const entry = await kv.get<T>(key);
  if (entry.versionstamp === null) throw new NotFoundError(`${what} was not found`);
  if (options.expectVersion && options.expectVersion !== entry.versionstamp) {
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
  let n = 0;
  let op = kv.atomic();
  let inBatch = 0;
  for await (const e of kv.list({ prefix }, { batchSize: 1000 })) {
    op.delete(e.key);
    if (++inBatch === 1000) {
      await op.commit();
      n += inBatch;
      op = kv.atomic();
      inBatch = 0;
    }
  }
  if (inBatch) {
    await op.commit();
    n += inBatch;
  }
  return n;
}

/** KV refuses an atomic commit whose keys add up to more than 81,920 encoded bytes. */
const MAX_BATCH_KEY_BYTES = 80_000;
/** Printable ASCII: one byte a character, no NUL to escape. */
const PLAIN_ASCII = /^[ -~]*$/;
const DONE = Promise.resolve();

/**
 * Encoded size of a key (FoundationDB tuple layer, which Deno KV uses): a string or byte part
 * is a type byte, its bytes (NUL escaped to two) and a terminator; a number takes 9 bytes.
 */
function keySize(key: Deno.KvKey): number {
  let n = 0;
  for (const part of key) {
    if (typeof part === "string") {
      n += 2;
      if (PLAIN_ASCII.test(part)) {
        n += part.length;
        continue;
      }
      for (let i = 0; i < part.length; i++) {
        const c = part.charCodeAt(i);
        // A surrogate pair counts 3 + 3, over its 4 UTF-8 bytes: an upper bound is enough.
        n += c === 0 ? 2 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
      }
    } else if (part instanceof Uint8Array) n += part.length * 2 + 2;
    else n += 10;
  }
  return n;
}

/** Writes many key/value pairs in atomic batches that stay under KV's commit limits. */
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
  /** Queues one set; `size` is a rough byte size of the value. */
  set(key: Deno.KvKey, value: unknown, size: number): Promise<void> {
    const keyBytes = keySize(key);
    if (
      this.#count >= 1000 || this.#bytes + size > 700_000 ||
      this.#keyBytes + keyBytes > MAX_BATCH_KEY_BYTES
    ) return this.#flush().then(() => this.#add(key, value, size, keyBytes));
    this.#add(key, value, size, keyBytes);
    // Not an async function: most calls only queue, and 100,000 async frames cost time.
    return DONE;
  }
  #add(key: Deno.KvKey, value: unknown, size: number, keyBytes: number): void {
    this.#op.set(key, value);
    this.#count++;
    this.#bytes += size + keyBytes;
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
