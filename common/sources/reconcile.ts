/**
 * Reconciliation of import runs with what is alive: a run whose lease heartbeat is older than
 * 15 s, or whose record says "running" while it holds no lease, died with its manager. Its
 * record is marked failed as interrupted, its lease removed (a checked commit: a successor's
 * lease is never touched) and its partial generation deleted; then runs are pruned and unused
 * generations collected. The manager applies it at start-up and on every scheduler tick, for
 * both kinds of source, so it holds with any number of managers on one KV.
 */
import { listValues } from "../db/_store.ts";
import { collectGenerations, collectOrphans, deleteUnlessCurrent, pruneRuns } from "./collect.ts";
import { SOURCE_KINDS, type SourceKind, type SourceRef } from "./kinds.ts";
import { DIED, isStale, type LeaseValue, type RunRecord, STALE_MS } from "./lease.ts";

/** Options of a reconciliation. */
export interface ReconcileOptions {
  /** A heartbeat this old (ms) is a dead run's; 15 s unless a test says otherwise. */
  staleMs?: number;
  /** The time to judge by (Date.now() by default). */
  now?: number;
}

/** What a reconciliation did. */
export interface ReconcileReport {
  /** runs marked failed as interrupted, as `kind/sourceId/runId` */
  interrupted: string[];
  prunedRuns: number;
  deletedGenerations: number;
  /** ids of deleted sources whose leftovers were collected */
  orphans: string[];
}

/** Which run to interrupt: its source, and the time to judge by. */
export interface InterruptOptions {
  kind: SourceKind;
  source: SourceRef;
  now?: number;
}

/** The record of a run that died, marked failed as interrupted. */
export function interruptedRecord<R extends RunRecord>(
  run: R,
  { kind, source, now = Date.now() }: InterruptOptions,
): R {
  return {
    ...run,
    status: "failed",
    finishedAt: new Date(now).toISOString(),
    durationMs: Math.max(0, now - Date.parse(run.startedAt)),
    error: `Cannot import ${kind.noun} "${source.name}": ${DIED}`,
  };
}

/**
 * Ends the run holding the (stale) lease `lease`: marks its record interrupted and removes the
 * lease in one commit checked against the lease as read, then deletes the run's generation unless
 * its source points at it. Answers false when the lease changed meanwhile (its run beat again,
 * or someone else got there first).
 */
export async function interruptRun(
  kv: Deno.Kv,
  lease: Deno.KvEntry<LeaseValue>,
  options: InterruptOptions,
): Promise<boolean> {
  const { kind, source } = options;
  const runEntry = await kv.get<RunRecord>(kind.runKey(source.id, lease.value.runId));
  const op = kv.atomic().check(lease).delete(lease.key);
  if (runEntry.value?.status === "running") {
    op.check(runEntry).set(runEntry.key, interruptedRecord(runEntry.value, options));
  }
  if (!(await op.commit()).ok) return false;
  // With the lease gone nothing can switch to this generation any more. (A lease written before
  // leases named their generation has none: the collector finds that generation all the same.)
  if (lease.value.generation) {
    const generation = lease.value.generation;
    await deleteUnlessCurrent(kv, { kind, sourceId: source.id, generation });
  }
  return true;
}

/** Reconciles one source: dead runs, its runs beyond the last 20, its unused generations. */
export async function reconcileSource(
  kv: Deno.Kv,
  source: SourceRef,
  options: ReconcileOptions & { kind: SourceKind },
): Promise<ReconcileReport> {
  const { kind } = options;
  const now = options.now ?? Date.now();
  const report: ReconcileReport = {
    interrupted: [],
    prunedRuns: 0,
    deletedGenerations: 0,
    orphans: [],
  };
  const name = (runId: string) => `${kind.noun}/${source.id}/${runId}`;
  // Records before the lease: a run whose record is seen took its lease in the same commit, so
  // the lease read after shows it unless the run has ended (which the checked commit notices).
  const running = (await listValues<RunRecord>(kv, kind.runsPrefix(source.id)))
    .filter((r) => r.status === "running");
  const lease = await kv.get<LeaseValue>(kind.leaseKey(source.id));
  let live: string | null = lease.value?.runId ?? null;
  if (lease.value && isStale(lease.value, options.staleMs ?? STALE_MS, now)) {
    if (await interruptRun(kv, lease as Deno.KvEntry<LeaseValue>, { kind, source, now })) {
      report.interrupted.push(name(lease.value.runId));
    } else {
      // The lease changed under us: leave the records to the next pass.
      live = null;
      running.length = 0;
    }
  }
  for (const run of running) {
    if (run.id === live || run.id === lease.value?.runId) continue;
    const entry = await kv.get<RunRecord>(kind.runKey(source.id, run.id));
    if (entry.value?.status !== "running") continue;
    const res = await kv.atomic().check(entry)
      .set(entry.key, interruptedRecord(entry.value, { kind, source, now })).commit();
    if (res.ok) report.interrupted.push(name(run.id));
  }
  const of = { kind, sourceId: source.id };
  report.prunedRuns = await pruneRuns(kv, { ...of, except: live });
  report.deletedGenerations = await collectGenerations(kv, { ...of, now });
  return report;
}

/** Reconciles every source of both kinds and collects what deleted sources left behind. */
export async function reconcileSources(
  kv: Deno.Kv,
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const total: ReconcileReport = {
    interrupted: [],
    prunedRuns: 0,
    deletedGenerations: 0,
    orphans: [],
  };
  for (const kind of SOURCE_KINDS) {
    for (const source of await listValues<SourceRef>(kv, kind.sourcesPrefix())) {
      const r = await reconcileSource(kv, source, { ...options, kind });
      total.interrupted.push(...r.interrupted);
      total.prunedRuns += r.prunedRuns;
      total.deletedGenerations += r.deletedGenerations;
    }
    total.orphans.push(...(await collectOrphans(kv, kind)).map((id) => `${kind.noun}/${id}`));
  }
  return total;
}
