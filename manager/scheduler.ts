/** Refreshes each enabled playlist on its own schedule (refreshMinutes after the last run). */
import { listUpstreamPlaylists } from "../common/db/upstream_playlists.ts";
import type { ManagerDeps } from "./deps.ts";
import { runDueEpgImports } from "./epg_scheduler.ts";
import { lastRun } from "./services/playlists.ts";

/** Starts every playlist import that is due; returns the ids started. */
export async function runDueImports(deps: ManagerDeps, now = Date.now()): Promise<string[]> {
  const started: string[] = [];
  for (const p of await listUpstreamPlaylists(deps.kv)) {
    if (!p.enabled || p.refreshMinutes <= 0) continue;
    const last = await lastRun(deps.kv, p.id);
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
    } catch {
      // Another import holds the lock: the next tick looks again.
    }
  }
  return started;
}

/** Checks for due imports every `everyMs`; returns a function that stops it. */
export function startScheduler(deps: ManagerDeps, everyMs = 30_000): () => void {
  let running = false;
  const id = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await runDueImports(deps);
      await runDueEpgImports(deps);
    } catch (err) {
      console.error("Scheduler:", err);
    } finally {
      running = false;
    }
  }, everyMs);
  return () => clearInterval(id);
}
