/**
 * One factory for the repositories of named admin records (user agents, playlists, guides,
 * proxies, downstream playlists): list by name, get, create with a unique name, checked update
 * and delete, all over the key functions of keys.ts and the helpers of _store.ts.
 */
import { ulid } from "ulid";
import { ConflictError, NotFoundError } from "../errors.ts";
import { bump, type Topic } from "../kv/revisions.ts";
import { createWithIndexes, listValues, type UniqueIndex, updateChecked } from "./_store.ts";

/** What every record of a repository has. */
export interface NamedRecord {
  id: string;
  name: string;
}

/** A record with the versionstamp it was read at (an API's ETag). */
export interface Versioned<T> {
  value: T;
  version: string;
}

/** How one kind of record is stored. */
export interface RepositorySpec<T extends NamedRecord, I> {
  /** How messages name a record: `${what} ${id} was not found`. */
  what: string;
  key(id: string): Deno.KvKey;
  prefix(): Deno.KvKey;
  /** The unique index of the name (lower case), holding the id. */
  byName(name: string): Deno.KvKey;
  /** How a taken name is named in the conflict message: `Playlist name "Sports"`. */
  nameLabel: string;
  /** Topics bumped in the same commit as every change. */
  topics?: Topic[];
  /** The new record made from an input (`id` and the times are given). */
  build(input: I, base: { id: string; now: string }): T;
  /** The record after an edit (the current one and the time are given). */
  apply(current: T, input: I, now: string): T;
  /** Refuses to delete a record still in use (throws ConflictError). */
  inUse?(kv: Deno.Kv, record: T): Promise<void>;
  /** Keys deleted in the commit that deletes the record, and topics it bumps besides. */
  deleteAlso?(record: T): { keys?: Deno.KvKey[]; topics?: Topic[] };
  /** What goes after the record is gone (data reachable only from it). */
  afterDelete?(kv: Deno.Kv, record: T): Promise<void>;
}

/** The operations of a repository; every one takes `kv` first. */
export interface Repository<T extends NamedRecord, I> {
  list(kv: Deno.Kv): Promise<T[]>;
  get(kv: Deno.Kv, id: string): Promise<T>;
  getVersioned(kv: Deno.Kv, id: string): Promise<Versioned<T>>;
  findByName(kv: Deno.Kv, name: string): Promise<T | null>;
  create(kv: Deno.Kv, input: I): Promise<T>;
  /** Replaces the editable fields; `expectVersion` refuses an edit of another version. */
  update(kv: Deno.Kv, id: string, input: I, opts?: { expectVersion?: string | null }): Promise<T>;
  remove(kv: Deno.Kv, id: string): Promise<void>;
}

/** Makes the repository of one kind of named record. */
export function defineRepository<T extends NamedRecord, I>(
  spec: RepositorySpec<T, I>,
): Repository<T, I> {
  const nameIndex = (name: string): UniqueIndex => ({
    key: spec.byName(name),
    label: `${spec.nameLabel} "${name}"`,
  });
  const topics = spec.topics ?? [];
  const getVersioned = async (kv: Deno.Kv, id: string): Promise<Versioned<T>> => {
    const e = await kv.get<T>(spec.key(id));
    if (e.versionstamp === null) throw new NotFoundError(`${spec.what} ${id} was not found`);
    return { value: e.value, version: e.versionstamp };
  };
  return {
    async list(kv) {
      return (await listValues<T>(kv, spec.prefix())).sort((a, b) => a.name.localeCompare(b.name));
    },
    async get(kv, id) {
      return (await getVersioned(kv, id)).value;
    },
    getVersioned,
    async findByName(kv, name) {
      const idx = await kv.get<string>(spec.byName(name));
      return idx.value ? (await kv.get<T>(spec.key(idx.value))).value : null;
    },
    create(kv, input) {
      const value = spec.build(input, { id: ulid(), now: new Date().toISOString() });
      return createWithIndexes(kv, spec.key(value.id), value, [nameIndex(value.name)], value.id, [
        ...topics,
      ]);
    },
    update(kv, id, input, opts = {}) {
      return updateChecked<T>(kv, spec.key(id), `${spec.what} ${id}`, (cur) => {
        const value = spec.apply(cur, input, new Date().toISOString());
        return { value, oldIndexes: [nameIndex(cur.name)], newIndexes: [nameIndex(value.name)] };
      }, { id, topics, expectVersion: opts.expectVersion });
    },
    async remove(kv, id) {
      const entry = await kv.get<T>(spec.key(id));
      if (entry.value === null) throw new NotFoundError(`${spec.what} ${id} was not found`);
      await spec.inUse?.(kv, entry.value);
      const also = spec.deleteAlso?.(entry.value) ?? {};
      const op = bump(kv.atomic(), ...topics, ...also.topics ?? []).check(entry)
        .delete(entry.key).delete(spec.byName(entry.value.name));
      for (const k of also.keys ?? []) op.delete(k);
      const res = await op.commit();
      if (!res.ok) {
        throw new ConflictError(`${spec.what} "${entry.value.name}" was changed meanwhile`);
      }
      await spec.afterDelete?.(kv, entry.value);
    },
  };
}
