/** Refreshes each enabled guide on its own schedule (refreshMinutes after its last run). */
import { lastEpgRun, listEpgs } from "../common/db/epgs.ts";
import type { ManagerDeps } from "./deps.ts";

/** Starts every guide import that is due; returns the ids started. */
export async function runDueEpgImports(deps: ManagerDeps, now = Date.now()): Promise<string[]> {
  const started: string[] = [];
  for (const epg of await listEpgs(deps.kv)) {
    if (!epg.enabled || epg.refreshMinutes <= 0) continue;
    const last = await lastEpgRun(deps.kv, epg.id);
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
    } catch {
      // Another import holds the lock: the next tick looks again.
    }
  }
  return started;
}
