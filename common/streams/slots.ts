/**
 * Connection slots: an upstream playlist's maxConnections, held in KV so that every proxy shares
 * one limit. A slot is one key per held connection, numbered below the limit; taking one checks
 * every slot key of the playlist in the same commit, so the count holds under any concurrency.
 * A slot names the proxy that holds it: a proxy whose heartbeat stopped loses its slots.
 */
import {
  connectionSlotKey,
  connectionSlotsPrefix,
  proxyHeartbeatKey,
  proxyHeartbeatsPrefix,
} from "../db/keys.ts";
import { LimitReachedError } from "../errors.ts";
import { assertChecksHold } from "../kv/revisions.ts";

/** Who holds a slot. */
export interface SlotHolder {
  proxy: string;
  /** the shared upstream connection (or session) using it */
  holderId: string;
  channelId: string;
  since: string;
}

/** A proxy's heartbeat. */
export interface ProxyHeartbeat {
  proxy: string;
  at: number;
}

/** A heartbeat older than this belongs to a proxy that died. */
export const HEARTBEAT_STALE_MS = 15_000;

/**
 * KV allows 100 checks per commit: limits up to this many are checked slot by slot (the rest is
 * left for the checks of what comes with the slot).
 */
const MAX_CHECKED = 90;

/** Writes a proxy's heartbeat. */
export async function beat(kv: Deno.Kv, proxy: string): Promise<void> {
  await kv.set(proxyHeartbeatKey(proxy), { proxy, at: Date.now() } satisfies ProxyHeartbeat);
}

/** Whether a proxy's heartbeat is recent. */
export async function proxyAlive(kv: Deno.Kv, proxy: string): Promise<boolean> {
  const hb = await kv.get<ProxyHeartbeat>(proxyHeartbeatKey(proxy));
  return !!hb.value && Date.now() - hb.value.at < HEARTBEAT_STALE_MS;
}

/** This process's slot takers in line, per KV handle and upstream playlist. */
const inLine = new WeakMap<Deno.Kv, Map<string, Promise<unknown>>>();

/**
 * What is committed together with a slot: the session that takes it (added to each attempt) and
 * the checks it was made under (a commit that fails on them throws StaleStampsError).
 */
export interface AlsoWrite {
  apply(op: Deno.AtomicOperation): void;
  checks: Deno.AtomicCheck[];
  /** Told once the writes are committed (with a slot or alone). */
  committed?(): void;
}

/** Adds `also` (its checks and writes) to an operation. */
function addAlso(op: Deno.AtomicOperation, also: AlsoWrite): Deno.AtomicOperation {
  op.check(...also.checks);
  also.apply(op);
  return op;
}

/**
 * Commits `also` on its own (no slot goes with it: no limit, or a connection open already).
 * Throws StaleStampsError when its checks no longer hold.
 */
export async function commitAlso(kv: Deno.Kv, also: AlsoWrite): Promise<void> {
  if ((await addAlso(kv.atomic(), also).commit()).ok) return also.committed?.();
  await assertChecksHold(kv, also.checks);
  throw new Error("The writes that come with a stream could not be committed");
}

/**
 * Takes a free slot of the upstream playlist, or throws LimitReachedError. A limit of 0 means no
 * limit: answers null and holds nothing. Slots of dead proxies are reclaimed on the way. `also`
 * is committed with the slot (or alone without a limit): once this resolves, it was written.
 */
export async function acquireSlot(
  kv: Deno.Kv,
  upstream: { id: string; name: string; maxConnections: number },
  holder: SlotHolder,
  also?: AlsoWrite,
): Promise<number | null> {
  if (upstream.maxConnections <= 0) {
    if (also) await commitAlso(kv, also);
    return null;
  }
  // A burst of requests in one process would all pick the same free slot and fail each other's
  // commits until the attempts ran out (25 of 50 refused under a limit of 60): they take their
  // turns here, and the commit's checks still guard against other processes.
  let lines = inLine.get(kv);
  if (!lines) inLine.set(kv, lines = new Map());
  const before = lines.get(upstream.id) ?? Promise.resolve();
  const take = () => takeSlot(kv, upstream, holder, also);
  const mine = before.then(take, take);
  // The line only orders the takers; each one's failure reaches its own caller through `mine`.
  const done = mine.then(() => {}, () => {});
  lines.set(upstream.id, done);
  done.then(() => {
    if (lines.get(upstream.id) === done) lines.delete(upstream.id);
  });
  return await mine;
}

async function takeSlot(
  kv: Deno.Kv,
  upstream: { id: string; name: string; maxConnections: number },
  holder: SlotHolder,
  also?: AlsoWrite,
): Promise<number | null> {
  const max = upstream.maxConnections;
  for (let attempt = 0; attempt < 20; attempt++) {
    const held = new Map<number, Deno.KvEntry<SlotHolder>>();
    for await (const e of kv.list<SlotHolder>({ prefix: connectionSlotsPrefix(upstream.id) })) {
      held.set(Number(e.key.at(-1)), e);
    }
    if (held.size >= max) {
      if (await reclaimDead(kv, [...held.values()])) continue;
      throw new LimitReachedError(
        `All ${max} connection${max === 1 ? "" : "s"} of playlist "${upstream.name}" are in use`,
      );
    }
    let slot = 0;
    while (held.has(slot)) slot++;
    const op = kv.atomic();
    if (max <= MAX_CHECKED) {
      // Every slot key as read: a slot taken or freed meanwhile fails the commit.
      for (let n = 0; n < max; n++) {
        op.check(held.get(n) ?? { key: connectionSlotKey(upstream.id, n), versionstamp: null });
      }
    } else op.check({ key: connectionSlotKey(upstream.id, slot), versionstamp: null });
    op.set(connectionSlotKey(upstream.id, slot), holder);
    if (also) addAlso(op, also);
    if ((await op.commit()).ok) {
      also?.committed?.();
      return slot;
    }
    if (also) await assertChecksHold(kv, also.checks);
  }
  throw new LimitReachedError(`The connections of playlist "${upstream.name}" kept changing`);
}

/** Frees a slot if `holderId` still holds it. */
export async function releaseSlot(
  kv: Deno.Kv,
  upstreamId: string,
  slot: number,
  holderId: string,
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const e = await kv.get<SlotHolder>(connectionSlotKey(upstreamId, slot));
    if (!e.value || e.value.holderId !== holderId) return;
    if ((await kv.atomic().check(e).delete(e.key).commit()).ok) return;
  }
}

/** Deletes the slots whose proxy's heartbeat is stale; answers whether any was freed. */
async function reclaimDead(kv: Deno.Kv, slots: Deno.KvEntry<SlotHolder>[]): Promise<boolean> {
  let freed = false;
  const alive = new Map<string, boolean>();
  for (const s of slots) {
    let ok = alive.get(s.value.proxy);
    if (ok === undefined) alive.set(s.value.proxy, ok = await proxyAlive(kv, s.value.proxy));
    if (ok) continue;
    if ((await kv.atomic().check(s).delete(s.key).commit()).ok) freed = true;
  }
  return freed;
}

/** Every held slot (for the overview and for tests). */
export async function listSlots(
  kv: Deno.Kv,
  upstreamId?: string,
): Promise<(SlotHolder & { upstreamId: string; slot: number })[]> {
  const out: (SlotHolder & { upstreamId: string; slot: number })[] = [];
  for await (const e of kv.list<SlotHolder>({ prefix: connectionSlotsPrefix(upstreamId) })) {
    out.push({ ...e.value, upstreamId: String(e.key[1]), slot: Number(e.key[2]) });
  }
  return out;
}

/** Every proxy's last heartbeat, by lower-cased name. */
export async function listHeartbeats(kv: Deno.Kv): Promise<Map<string, ProxyHeartbeat>> {
  const out = new Map<string, ProxyHeartbeat>();
  for await (const e of kv.list<ProxyHeartbeat>({ prefix: proxyHeartbeatsPrefix() })) {
    out.set(String(e.key[1]), e.value);
  }
  return out;
}
