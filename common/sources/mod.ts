/** One run lifecycle for playlist and guide imports: fenced lease, reconciliation, pruning. */
export { GUIDES, PLAYLISTS, SOURCE_KINDS } from "./kinds.ts";
export type { GenerationOf, SourceKind, SourceOf, SourceRef } from "./kinds.ts";
export {
  DIED,
  HEARTBEAT_MS,
  InterruptedError,
  isStale,
  LOST_LEASE,
  RunLease,
  SHUT_DOWN,
  STALE_MS,
} from "./lease.ts";
export type { HeldLease, LeaseValue, RunRecord } from "./lease.ts";
export { startRun, stopRuns } from "./run.ts";
export type { RunSpec, RunWork, StartedRun } from "./run.ts";
export { interruptedRecord, interruptRun, reconcileSource, reconcileSources } from "./reconcile.ts";
export type { InterruptOptions, ReconcileOptions, ReconcileReport } from "./reconcile.ts";
export {
  collectGenerations,
  collectOrphans,
  deleteGeneration,
  deleteUnlessCurrent,
  KEEP_RUNS,
  pruneRuns,
} from "./collect.ts";
export type { GenerationMarker } from "./collect.ts";
