/**
 * A run's fenced lease on its source. The lease value names the run, the generation it writes
 * and a heartbeat the run renews every few seconds. Every commit of the run that writes its run
 * record, the switch to its generation or the lease itself checks the lease's versionstamp that
 * the run itself last wrote: once anyone else has written or removed the lease (a manager that
 * found the heartbeat stale, a successor, the source's deletion), every later commit of the run
 * is refused and the run stops as interrupted. Liveness is judged from the heartbeat in the
 * value, never from `expireIn` (expired keys stay readable for up to a minute).
 */
import type { SourceKind } from "./kinds.ts";

/** A lease whose heartbeat is this old (or older) belongs to a run that died. */
export const STALE_MS = 15_000;
/** How often a run renews its heartbeat when nothing else has written its lease. */
export const HEARTBEAT_MS = 3_000;
/** Progress saves come at most this often unless forced. */
const SAVE_EVERY_MS = 300;

/** Why a run that lost its lease stopped (the run's own view). */
export const LOST_LEASE = "the import was interrupted: another manager took over its lease";
/** Why a run whose heartbeat went stale was ended by the reconciler. */
export const DIED = "the import was interrupted: its run stopped sending heartbeats";
/** Why a run stopped when its manager shut down. */
export const SHUT_DOWN = "the import was interrupted: the manager is shutting down";

/** The value of a lease. */
export interface LeaseValue {
  runId: string;
  /** the generation the run writes (deleted when the run is declared dead) */
  generation: string;
  /** Date.now() of the run's last write of the lease */
  heartbeat: number;
}

/** The fields of a run record (playlist or guide) the lifecycle reads and writes. */
export interface RunRecord {
  id: string;
  status: "running" | "ok" | "failed";
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
  warnings: string[];
}

/** A run lost its lease or was stopped: it must not write anything but its own generation. */
export class InterruptedError extends Error {
  override name = "InterruptedError";
}

/** Whether a lease's heartbeat is too old for its run to be alive. */
export function isStale(lease: LeaseValue, staleMs = STALE_MS, now = Date.now()): boolean {
  return now - lease.heartbeat >= staleMs;
}

/** How a held lease was taken (see `startRun()` in run.ts). */
export interface HeldLease<R extends RunRecord> {
  kind: SourceKind;
  sourceId: string;
  run: R;
  generation: string;
  /** versionstamp of the commit that took the lease */
  versionstamp: string;
  heartbeatMs?: number;
}

/**
 * A held lease: saves the run as it goes, commits its switch, renews its heartbeat on a timer
 * of its own and ends the run. Commits go one at a time, so each checks the versionstamp the
 * previous one wrote.
 */
export class RunLease<R extends RunRecord> {
  /** The run record, written by every commit of the lease. */
  readonly run: R;
  /** The generation this run writes. */
  readonly generation: string;
  readonly #kv: Deno.Kv;
  readonly #key: Deno.KvKey;
  readonly #runKey: Deno.KvKey;
  readonly #heartbeatMs: number;
  readonly #ac = new AbortController();
  readonly #t0 = performance.now();
  #versionstamp: string;
  #queue: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastWrite = Date.now();
  #lastSave = 0;
  #lost = false;

  constructor(kv: Deno.Kv, held: HeldLease<R>) {
    this.#kv = kv;
    this.run = held.run;
    this.generation = held.generation;
    this.#key = held.kind.leaseKey(held.sourceId);
    this.#runKey = held.kind.runKey(held.sourceId, held.run.id);
    this.#versionstamp = held.versionstamp;
    this.#heartbeatMs = held.heartbeatMs ?? HEARTBEAT_MS;
    this.#timer = setInterval(() => this.#beat(), this.#heartbeatMs);
  }

  /** Aborted when the run must stop (lease lost, heartbeat failed, shutdown): pass it on. */
  get signal(): AbortSignal {
    return this.#ac.signal;
  }

  /** True once another writer took or removed the lease. */
  get lost(): boolean {
    return this.#lost;
  }

  /** Saves the run record and renews the heartbeat, at most every 300 ms unless forced. */
  async save(force = false): Promise<void> {
    this.signal.throwIfAborted();
    const now = Date.now();
    if (!force && now - this.#lastSave < SAVE_EVERY_MS) return;
    this.#lastSave = now;
    await this.#serial(async () => {
      if (!await this.#commit(this.#kv.atomic().set(this.#runKey, this.run))) {
        throw this.#loseLease();
      }
    });
  }

  /**
   * Adds the lease check, the run record and a renewed heartbeat to `op` and commits it.
   * Answers false when one of `op`'s own checks failed; throws InterruptedError when the lease
   * is no longer this run's.
   */
  async commit(op: Deno.AtomicOperation): Promise<boolean> {
    this.signal.throwIfAborted();
    return await this.#serial(async () => {
      if (await this.#commit(op.set(this.#runKey, this.run))) return true;
      if (!await this.#held()) throw this.#loseLease();
      return false;
    });
  }

  /** Throws InterruptedError unless the lease is still this run's (one read, no write). */
  async ensureHeld(): Promise<void> {
    this.signal.throwIfAborted();
    await this.#serial(async () => {
      if (!await this.#held()) throw this.#loseLease();
    });
  }

  /** Stops the run at its next step with `reason` (the lease stays held until `finish()`). */
  abort(reason: Error): void {
    if (!this.#ac.signal.aborted) this.#ac.abort(reason);
  }

  /**
   * Ends the run: stops the heartbeat, sets finishedAt and durationMs, then writes the run record
   * and removes the lease in one checked commit. Throws InterruptedError when the lease was lost
   * (the run record then stays as whoever took the lease wrote it).
   */
  finish(): Promise<void> {
    this.stop();
    this.run.finishedAt = new Date().toISOString();
    this.run.durationMs = Math.round(performance.now() - this.#t0);
    return this.#serial(async () => {
      if (this.#lost) throw new InterruptedError(LOST_LEASE);
      const res = await this.#kv.atomic()
        .check({ key: this.#key, versionstamp: this.#versionstamp })
        .set(this.#runKey, this.run).delete(this.#key).commit();
      if (!res.ok) throw this.#loseLease();
    });
  }

  /** Clears the heartbeat timer (idempotent; `finish()` calls it). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Runs `fn` after every commit queued before it; the caller sees its result or error. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(fn);
    // The queue only orders commits; each error reaches the caller through `result`.
    this.#queue = result.then(() => undefined, () => undefined);
    return result;
  }

  /** Commits `op` with the lease check and a renewed heartbeat; false when a check failed. */
  async #commit(op: Deno.AtomicOperation): Promise<boolean> {
    const now = Date.now();
    const value: LeaseValue = { runId: this.run.id, generation: this.generation, heartbeat: now };
    const res = await op.check({ key: this.#key, versionstamp: this.#versionstamp })
      .set(this.#key, value).commit();
    if (!res.ok) return false;
    this.#versionstamp = res.versionstamp;
    this.#lastWrite = now;
    return true;
  }

  async #held(): Promise<boolean> {
    return (await this.#kv.get(this.#key)).versionstamp === this.#versionstamp;
  }

  #loseLease(): InterruptedError {
    const err = new InterruptedError(LOST_LEASE);
    this.#lost = true;
    this.stop();
    this.abort(err);
    return err;
  }

  /** Renews the heartbeat unless a commit did lately; a failure stops the run with its error. */
  #beat(): void {
    if (Date.now() - this.#lastWrite < this.#heartbeatMs / 2) return;
    this.#serial(async () => {
      if (this.#timer === undefined) return;
      if (!await this.#commit(this.#kv.atomic())) throw this.#loseLease();
    }).catch((err: Error) => this.abort(err));
  }
}
