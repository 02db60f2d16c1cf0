/** Refreshes each enabled guide on its own schedule (refreshMinutes after its last run). */
import { lastEpgRun, listEpgs } from "../common/db/epgs.ts";
import { ConflictError } from "../common/errors.ts";
import type { ManagerDeps } from "./deps.ts";

/** Starts every guide import that is due; returns the ids started. */
export async function runDueEpgImports(deps: ManagerDeps, now = Date.now()): Promise<string[]> {
  const started: string[] = [];
  for (const epg of await listEpgs(deps.kv)) {
    if (!epg.enabled || epg.refreshMinutes <= 0) continue;
    const last = await lastEpgRun(deps.kv, epg.id);
    // A run still "running" is alive: each tick's reconciliation has ended the dead ones.
    if (last?.status === "running") continue;
    const lastStart = last ? Date.parse(last.startedAt) : 0;
    // A failed run is retried after a fifth of the interval (at least a minute), not at once.
    const wait = last?.status === "failed"
      ? Math.max(60_000, (epg.refreshMinutes * 60_000) / 5)
      : epg.refreshMinutes * 60_000;
    if (now - lastStart < wait) continue;
    try {
      await deps.startEpgImport(epg.id, "schedule");
      started.push(epg.id);
    } catch (err) {
      // Another import holds the lease: the next tick looks again.
      if (!(err instanceof ConflictError)) {
        deps.log.warning(
          `Cannot start the scheduled import of guide ${epg.id}: ${(err as Error).message}`,
        );
      }
    }
  }
  return started;
}
