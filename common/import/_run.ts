/**
 * What the playlist and guide importers share about a run: one run at a time per source (a
 * lease with a heartbeat), the run record saved as it progresses, and the user agent to send.
 */
import { ConflictError } from "../errors.ts";
import { userAgentKey } from "../db/keys.ts";
import type { UserAgent } from "../schemas.ts";

/** A lease whose heartbeat is older than this belongs to a run that died. */
const LOCK_STALE_MS = 120_000;

interface LockValue {
  runId: string;
  heartbeat: number;
}

/** The run record's fields the lease fills in when the run ends. */
interface RunTimes {
  id: string;
  finishedAt: string | null;
  durationMs: number | null;
}

/** A held lease: saves the run as it goes, and ends it. */
export interface RunLease {
  /** Saves the run and renews the heartbeat, at most every 300 ms unless forced. */
  save(force?: boolean): Promise<void>;
  /** Sets finishedAt and durationMs, saves the run and releases the lease. */
  finish(): Promise<void>;
}

/**
 * Takes the lease at `lockKey` and stores the new run at `runKey` in one commit; throws
 * ConflictError with `busy` while a live run holds the lease.
 */
export async function acquireRun<R extends RunTimes>(
  kv: Deno.Kv,
  keys: { lockKey: Deno.KvKey; runKey: Deno.KvKey },
  run: R,
  busy: string,
): Promise<RunLease> {
  const lock = await kv.get<LockValue>(keys.lockKey);
  if (lock.value && Date.now() - lock.value.heartbeat < LOCK_STALE_MS) {
    throw new ConflictError(busy);
  }
  const got = await kv.atomic().check(lock)
    .set(keys.lockKey, { runId: run.id, heartbeat: Date.now() })
    .set(keys.runKey, run).commit();
  if (!got.ok) throw new ConflictError(busy);
  const t0 = performance.now();
  let lastSaved = 0;
  return {
    async save(force = false) {
      const now = Date.now();
      if (!force && now - lastSaved < 300) return;
      lastSaved = now;
      await kv.atomic().set(keys.runKey, run)
        .set(keys.lockKey, { runId: run.id, heartbeat: now }).commit();
    },
    async finish() {
      run.finishedAt = new Date().toISOString();
      run.durationMs = Math.round(performance.now() - t0);
      await kv.atomic().set(keys.runKey, run).delete(keys.lockKey).commit();
    },
  };
}

/** The user agent string of `userAgentId`, or `fallback` (USER_AGENT_STRING) without one. */
export async function userAgentFor(
  kv: Deno.Kv,
  userAgentId: string | null,
  fallback: string,
): Promise<string> {
  if (!userAgentId) return fallback;
  return (await kv.get<UserAgent>(userAgentKey(userAgentId))).value?.userAgent ?? fallback;
}
