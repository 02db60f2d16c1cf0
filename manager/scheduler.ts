/**
 * Refreshes each enabled playlist and guide on its own schedule (refreshMinutes after the last
 * run). Every tick first reconciles import runs with what is alive (common/sources), so a run
 * whose manager died is marked failed as interrupted and its source is scheduled again.
 */
import { listUpstreamPlaylists } from "../common/db/upstream_playlists.ts";
import { type ReconcileReport, reconcileSources } from "../common/sources/mod.ts";
import { ConflictError } from "../common/errors.ts";
import { endSessionsOfDeadProxies } from "../common/streams/sessions.ts";
import { proxyAlive } from "../common/streams/slots.ts";
import type { ManagerDeps } from "./deps.ts";
import { runDueEpgImports } from "./epg_scheduler.ts";
import { lastRun } from "./services/playlists.ts";

/** Starts every playlist import that is due; returns the ids started. */
export async function runDueImports(deps: ManagerDeps, now = Date.now()): Promise<string[]> {
  const started: string[] = [];
  for (const p of await listUpstreamPlaylists(deps.kv)) {
    if (!p.enabled || p.refreshMinutes <= 0) continue;
    const last = await lastRun(deps.kv, p.id);
    // A run still "running" is alive: each tick's reconciliation has ended the dead ones.
    if (last?.status === "running") continue;
    const lastStart = last ? Date.parse(last.startedAt) : 0;
    // A failed run is retried after a fifth of the interval (at least a minute), not at once.
    const wait = last?.status === "failed"
      ? Math.max(60_000, (p.refreshMinutes * 60_000) / 5)
      : p.refreshMinutes * 60_000;
    if (now - lastStart < wait) continue;
    try {
      await deps.startImport(p.id, "schedule");
      started.push(p.id);
    } catch (err) {
      // Another import holds the lease: the next tick looks again.
      if (!(err instanceof ConflictError)) {
        deps.log.warning(
          `Cannot start the scheduled import of playlist ${p.id}: ${(err as Error).message}`,
        );
      }
    }
  }
  return started;
}

/** Ends the runs of dead managers, prunes old runs and generations; logs what it ended. */
export async function reconcileImports(deps: ManagerDeps): Promise<ReconcileReport> {
  const report = await reconcileSources(deps.kv);
  for (const run of report.interrupted) {
    deps.log.warning(`Import run ${run} was interrupted (its manager stopped); marked failed`);
  }
  if (report.deletedGenerations || report.prunedRuns || report.orphans.length) {
    deps.log.debug(
      `Collected ${report.deletedGenerations} unused generations, ${report.prunedRuns} old runs` +
        ` and the leftovers of ${report.orphans.length} deleted sources`,
    );
  }
  return report;
}

async function tick(deps: ManagerDeps): Promise<void> {
  try {
    await reconcileImports(deps);
  } catch (err) {
    deps.log.error(`Scheduler: cannot reconcile import runs: ${(err as Error).message}`, err);
  }
  try {
    const ended = await endSessionsOfDeadProxies(deps.kv, (name) => proxyAlive(deps.kv, name));
    if (ended) deps.log.warning(`Ended ${ended} sessions of proxies that stopped responding`);
  } catch (err) {
    deps.log.error("Scheduler: cannot end the sessions of dead proxies", err);
  }
  try {
    await runDueImports(deps);
    await runDueEpgImports(deps);
  } catch (err) {
    deps.log.error(`Scheduler: ${(err as Error).message}`, err);
  }
}

/**
 * Reconciles runs and starts due imports every `everyMs` (5 s: a dead run is found within
 * 20 s of its last heartbeat); answers a function that stops it and waits for the tick in flight.
 */
export function startScheduler(deps: ManagerDeps, everyMs = 5_000): () => Promise<void> {
  let inFlight: Promise<void> | null = null;
  const id = setInterval(() => {
    if (inFlight) return;
    inFlight = tick(deps).finally(() => inFlight = null);
  }, everyMs);
  return async () => {
    clearInterval(id);
    await inFlight;
  };
}
