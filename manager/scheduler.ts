/**
 * Refreshes each enabled playlist and guide on its own schedule (refreshMinutes after the last
 * run). Every tick first reconciles import runs with what is alive (common/sources), so a run
 * whose manager died is marked failed as interrupted and its source is scheduled again.
 */
import { type ReconcileReport, reconcileSources } from "../common/sources/mod.ts";
import { endSessionsOfDeadProxies } from "../common/streams/sessions.ts";
import { proxyAlive } from "../common/streams/slots.ts";
import type { ManagerDeps } from "./deps.ts";
import { GUIDE_SOURCE, PLAYLIST_SOURCE, runDue } from "./services/sources.ts";

/** Starts every playlist import that is due; returns the ids started. */
export function runDueImports(deps: ManagerDeps, now = Date.now()): Promise<string[]> {
  return runDue(deps, PLAYLIST_SOURCE, now);
}

/** Starts every guide import that is due; returns the ids started. */
export function runDueEpgImports(deps: ManagerDeps, now = Date.now()): Promise<string[]> {
  return runDue(deps, GUIDE_SOURCE, now);
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
