/**
 * One run lifecycle for playlist and guide imports: take the source's lease (ending a dead
 * holder's run first), let the work write a new generation and switch to it through the lease,
 * end the run with one checked commit, then prune the source's runs and collect its unused
 * generations (the failed run's own among them). Runs of this process can be stopped together
 * when the manager shuts down.
 */
import { ulid } from "ulid";
import { ConflictError } from "../errors.ts";
import { collectGenerations, pruneRuns } from "./collect.ts";
import type { SourceKind, SourceRef } from "./kinds.ts";
import {
  InterruptedError,
  isStale,
  type LeaseValue,
  LOST_LEASE,
  RunLease,
  type RunRecord,
  SHUT_DOWN,
} from "./lease.ts";
import { interruptRun } from "./reconcile.ts";

/** What a run is of, the new run record (status "running") and the work it does. */
export interface RunSpec<R extends RunRecord> {
  kind: SourceKind;
  source: SourceRef;
  run: R;
  work: RunWork<R>;
  /** A holder's heartbeat this old (ms) means it died (15 s by default). */
  staleMs?: number;
  /** How often the heartbeat is renewed (3 s by default). */
  heartbeatMs?: number;
}

/**
 * The work of a run: writes `lease.generation`, saves progress with `lease.save()` and switches
 * the source to the generation with `lease.commit()`; throws to fail the run.
 */
export type RunWork<R extends RunRecord> = (lease: RunLease<R>) => Promise<void>;

/** A started run: its record as taken, and its end (never rejects). */
export interface StartedRun<R extends RunRecord> {
  run: R;
  done: Promise<R>;
}

const liveRuns = new WeakMap<
  Deno.Kv,
  Set<{ lease: RunLease<RunRecord>; done: Promise<unknown> }>
>();

/**
 * Takes the lease of `spec.source` and stores the new run in one commit, then does `spec.work`
 * in the background. Throws ConflictError while a live run holds the lease.
 */
export async function startRun<R extends RunRecord>(
  kv: Deno.Kv,
  spec: RunSpec<R>,
): Promise<StartedRun<R>> {
  const lease = await acquire(kv, spec);
  const done = drive(kv, spec, lease);
  let runs = liveRuns.get(kv);
  if (!runs) liveRuns.set(kv, runs = new Set());
  const live = { lease, done };
  runs.add(live);
  void done.finally(() => runs.delete(live));
  return { run: spec.run, done };
}

/** Stops every run of this process on `kv` (as interrupted) and waits until each has ended. */
export async function stopRuns(kv: Deno.Kv): Promise<void> {
  const runs = [...liveRuns.get(kv) ?? []];
  for (const r of runs) r.lease.abort(new InterruptedError(SHUT_DOWN));
  await Promise.all(runs.map((r) => r.done));
}

async function acquire<R extends RunRecord>(kv: Deno.Kv, spec: RunSpec<R>): Promise<RunLease<R>> {
  const { kind, source, run } = spec;
  const key = kind.leaseKey(source.id);
  const busy = () =>
    new ConflictError(`An import of ${kind.noun} "${source.name}" is already running`);
  let lease = await kv.get<LeaseValue>(key);
  if (lease.value) {
    if (!isStale(lease.value, spec.staleMs)) throw busy();
    // Its holder died: end that run as interrupted (and collect its generation) first.
    await interruptRun(kv, lease as Deno.KvEntry<LeaseValue>, { kind, source });
    lease = await kv.get<LeaseValue>(key);
    if (lease.value) throw busy();
  }
  const generation = ulid();
  const value: LeaseValue = { runId: run.id, generation, heartbeat: Date.now() };
  const res = await kv.atomic().check(lease).set(key, value)
    .set(kind.runKey(source.id, run.id), run).commit();
  if (!res.ok) throw busy();
  return new RunLease(kv, {
    kind,
    sourceId: source.id,
    run,
    generation,
    versionstamp: res.versionstamp,
    heartbeatMs: spec.heartbeatMs,
  });
}

async function drive<R extends RunRecord>(
  kv: Deno.Kv,
  spec: RunSpec<R>,
  lease: RunLease<R>,
): Promise<R> {
  const { kind, source, run } = spec;
  const fail = (reason: string) => {
    run.status = "failed";
    run.error = `Cannot import ${kind.noun} "${source.name}": ${reason}`;
  };
  try {
    await spec.work(lease);
    run.status = "ok";
  } catch (err) {
    // A stopped run's work fails with whatever the abort broke; the reason is the abort's.
    const cause = lease.signal.aborted ? lease.signal.reason : err;
    fail(lease.lost ? LOST_LEASE : messageOf(cause));
  }
  try {
    await lease.finish();
  } catch (err) {
    // The record stays as the lease's new holder wrote it (or "running" for the reconciler).
    fail(err instanceof InterruptedError ? err.message : `cannot end the run: ${messageOf(err)}`);
  } finally {
    lease.stop();
  }
  // The new generation of a failed run is unused now and goes with any other unused one.
  try {
    await pruneRuns(kv, { kind, sourceId: source.id });
    await collectGenerations(kv, { kind, sourceId: source.id });
  } catch (err) {
    console.error(`Cannot collect old runs of ${kind.noun} "${source.name}": ${messageOf(err)}`);
  }
  return run;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
