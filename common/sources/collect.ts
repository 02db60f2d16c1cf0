/**
 * Garbage collection of import sources: the last 20 runs of a source are kept, and every stored
 * generation that no source points at, no lease names and no reader still needs is deleted,
 * along with the runs and generations of sources that no longer exist.
 */
import { deletePrefix } from "../db/_store.ts";
import type { GenerationOf, SourceKind, SourceOf, SourceRef } from "./kinds.ts";
import type { LeaseValue } from "./lease.ts";

/** Runs kept per source, newest first. */
export const KEEP_RUNS = 20;

/** A generation marker's field that keeps a replaced generation for readers still using it. */
export interface GenerationMarker {
  /** Date.now() until which the generation may still be read */
  keepUntil?: number;
}

/**
 * The distinct key parts right after `prefix`, in key order, reading one entry per part: each
 * listing starts after every key of the part found before (`true` sorts after every other key
 * part type in Deno KV's key encoding).
 */
async function* distinctParts(kv: Deno.Kv, prefix: Deno.KvKey): AsyncGenerator<Deno.KvKeyPart> {
  let start: Deno.KvKey | null = null;
  while (true) {
    let found: Deno.KvKeyPart | undefined;
    const it = kv.list({ prefix, ...(start ? { start } : {}) }, { limit: 1, batchSize: 1 });
    for await (const e of it) found = e.key[prefix.length];
    if (found === undefined) return;
    yield found;
    start = [...prefix, found, true];
  }
}

/** Deletes every key of one generation of a source. */
export async function deleteGeneration(
  kv: Deno.Kv,
  { kind, sourceId, generation }: GenerationOf,
): Promise<void> {
  // Without an id the prefixes below would be every generation's.
  if (!generation) throw new Error(`No generation of ${kind.noun} ${sourceId} to delete`);
  for (const key of kind.generationKeys(sourceId, generation)) {
    await deletePrefix(kv, key);
    await kv.delete(key);
  }
}

/** Deletes a generation unless its source points at it (a run that switched and then died). */
export async function deleteUnlessCurrent(kv: Deno.Kv, of: GenerationOf): Promise<boolean> {
  const source = await kv.get<SourceRef>(of.kind.sourceKey(of.sourceId));
  if (source.value?.generation === of.generation) return false;
  await deleteGeneration(kv, of);
  return true;
}

/**
 * Deletes the generations of a source that nothing uses: not the one its source points at, not
 * the one its lease names (stale or not: only the reconciler's checked removal of a lease frees
 * its generation), not one whose marker keeps it for readers. Answers how many went.
 */
export async function collectGenerations(
  kv: Deno.Kv,
  { kind, sourceId, now = Date.now() }: SourceOf & { now?: number },
): Promise<number> {
  // Listed before the source and the lease are read: a run takes its lease before it writes a
  // key of its generation and switches with that lease held, so what is found here is either
  // named by the lease or the source read below, or garbage.
  const found = new Set<string>();
  for (const root of kind.generationRoots()) {
    for await (const part of distinctParts(kv, [...root, sourceId])) found.add(String(part));
  }
  if (!found.size) return 0;
  const [source, lease] = await kv.getMany<[SourceRef, LeaseValue]>([
    kind.sourceKey(sourceId),
    kind.leaseKey(sourceId),
  ]);
  let deleted = 0;
  for (const generation of found) {
    if (generation === source.value?.generation || generation === lease.value?.generation) {
      continue;
    }
    if (kind.markerKey) {
      const marker = await kv.get<GenerationMarker>(kind.markerKey(sourceId, generation));
      if ((marker.value?.keepUntil ?? 0) > now) continue;
    }
    await deleteGeneration(kv, { kind, sourceId, generation });
    deleted++;
  }
  return deleted;
}

/** Deletes all but the newest KEEP_RUNS runs of a source (never `except`); answers how many. */
export async function pruneRuns(
  kv: Deno.Kv,
  { kind, sourceId, except = null }: SourceOf & { except?: string | null },
): Promise<number> {
  const old: Deno.KvKey[] = [];
  let seen = 0;
  // Run ids are ULIDs: newest first in reverse order.
  const it = kv.list({ prefix: kind.runsPrefix(sourceId) }, { reverse: true, batchSize: 100 });
  for await (const e of it) {
    if (++seen > KEEP_RUNS && e.key.at(-1) !== except) old.push(e.key);
  }
  for (let i = 0; i < old.length; i += 500) {
    const op = kv.atomic();
    for (const key of old.slice(i, i + 500)) op.delete(key);
    await op.commit();
  }
  return old.length;
}

/**
 * Deletes the runs and generations left of sources that no longer exist (a deletion cut short,
 * an import that went on writing after its source was deleted). Answers the ids collected.
 */
export async function collectOrphans(kv: Deno.Kv, kind: SourceKind): Promise<string[]> {
  const roots = [...kind.generationRoots(), kind.runsPrefix()];
  const found = new Map<string, Deno.KvKey[]>();
  for (const root of roots) {
    for await (const part of distinctParts(kv, root)) {
      const id = String(part);
      found.set(id, [...found.get(id) ?? [], [...root, part]]);
    }
  }
  // Sources are read after the scan: data of a source created meanwhile was not found by it.
  const orphans: string[] = [];
  for (const [id, prefixes] of found) {
    if ((await kv.get(kind.sourceKey(id))).versionstamp !== null) continue;
    for (const prefix of prefixes) await deletePrefix(kv, prefix);
    orphans.push(id);
  }
  return orphans;
}
