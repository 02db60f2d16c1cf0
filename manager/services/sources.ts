/**
 * Import sources, upstream playlists and guides alike, as the pages, the API and the scheduler
 * see them: a source with its last run, checks of its input, and the start of a run.
 */
import type { Repository } from "../../common/db/_repository.ts";
import { epgs } from "../../common/db/epgs.ts";
import { userAgentKey } from "../../common/db/keys.ts";
import { upstreamPlaylists } from "../../common/db/upstream_playlists.ts";
import { ConflictError, ValidationError } from "../../common/errors.ts";
import { resolveInsideDataDir } from "../../common/import/source.ts";
import type { ImportRun, UpstreamPlaylist, UpstreamPlaylistInput } from "../../common/schemas.ts";
import { GUIDES, PLAYLISTS, type SourceKind } from "../../common/sources/mod.ts";
import type { Epg, EpgImportRun, EpgInput } from "../../common/xmltv/schemas.ts";
import type { ManagerDeps } from "../deps.ts";

/** What every source's input and record have. */
export interface SourceFields {
  name: string;
  url: string;
  path: string;
  userAgentId: string | null;
  refreshMinutes: number;
  enabled: boolean;
}

/** One kind of source: its records, its runs and how a run of it starts. */
export interface Source<S extends SourceFields & { id: string }, I, R, X = unknown> {
  kind: SourceKind;
  repo: Repository<S, I>;
  start(deps: ManagerDeps, id: string, trigger: ImportRun["trigger"]): Promise<{ run: R }>;
  /** What a view adds besides the last run (a playlist's channel count). */
  extra?(deps: ManagerDeps, source: S): X;
}

/** A source with its last run, as pages and the API show it. */
export type SourceView<S, R, X = unknown> = S & { lastImport: R | null } & X;

/** Upstream playlists as sources. */
export const PLAYLIST_SOURCE: Source<
  UpstreamPlaylist,
  UpstreamPlaylistInput,
  ImportRun,
  { channelCount: number }
> = {
  kind: PLAYLISTS,
  repo: upstreamPlaylists,
  start: (deps, id, trigger) => deps.startImport(id, trigger),
  extra: (deps, p) => ({ channelCount: deps.index.count(p.id) }),
};

/** Upstream guides as sources. */
export const GUIDE_SOURCE: Source<Epg, EpgInput, EpgImportRun> = {
  kind: GUIDES,
  repo: epgs,
  start: (deps, id, trigger) => deps.startEpgImport(id, trigger),
};

/** The newest run of a source (a playlist's by default), or null. */
export async function lastRun<R = ImportRun>(
  kv: Deno.Kv,
  id: string,
  kind: SourceKind = PLAYLISTS,
): Promise<R | null> {
  for await (const e of kv.list<R>({ prefix: kind.runsPrefix(id) }, { reverse: true, limit: 1 })) {
    return e.value;
  }
  return null;
}

/** A source with its last run. */
export async function viewOf<S extends SourceFields & { id: string }, I, R, X>(
  deps: ManagerDeps,
  source: Source<S, I, R, X>,
  s: S,
): Promise<SourceView<S, R, X>> {
  const lastImport = await lastRun<R>(deps.kv, s.id, source.kind);
  return { ...s, lastImport, ...source.extra?.(deps, s) as X };
}

/** Every source of a kind with its last run, by name. */
export async function sourceViews<S extends SourceFields & { id: string }, I, R, X>(
  deps: ManagerDeps,
  source: Source<S, I, R, X>,
): Promise<SourceView<S, R, X>[]> {
  return await Promise.all((await source.repo.list(deps.kv)).map((s) => viewOf(deps, source, s)));
}

/** Refuses an unknown user agent and a path outside DATA_DIR (ValidationError, 422). */
export async function checkSourceInput(
  deps: ManagerDeps,
  input: Partial<Pick<SourceFields, "userAgentId" | "path">>,
): Promise<void> {
  if (input.userAgentId) {
    const ua = await deps.kv.get(userAgentKey(input.userAgentId));
    if (!ua.value) {
      throw new ValidationError("The user agent does not exist", {
        userAgentId: ["Unknown user agent"],
      });
    }
  }
  if (input.path) {
    await Deno.mkdir(deps.config.dataDir, { recursive: true });
    try {
      await resolveInsideDataDir(deps.config.dataDir, input.path);
    } catch (err) {
      throw new ValidationError((err as Error).message, { path: [(err as Error).message] });
    }
  }
}

/** Starts every import of a kind that is due; returns the ids started. */
export async function runDue<S extends SourceFields & { id: string }, I, R, X>(
  deps: ManagerDeps,
  source: Source<S, I, R, X>,
  now = Date.now(),
): Promise<string[]> {
  const started: string[] = [];
  for (const s of await source.repo.list(deps.kv)) {
    if (!s.enabled || s.refreshMinutes <= 0) continue;
    const last = await lastRun<ImportRun | EpgImportRun>(deps.kv, s.id, source.kind);
    // A run still "running" is alive: each tick's reconciliation has ended the dead ones.
    if (last?.status === "running") continue;
    const lastStart = last ? Date.parse(last.startedAt) : 0;
    // A failed run is retried after a fifth of the interval (at least a minute), not at once.
    const wait = last?.status === "failed"
      ? Math.max(60_000, (s.refreshMinutes * 60_000) / 5)
      : s.refreshMinutes * 60_000;
    if (now - lastStart < wait) continue;
    try {
      await source.start(deps, s.id, "schedule");
      started.push(s.id);
    } catch (err) {
      // Another import holds the lease: the next tick looks again.
      if (!(err instanceof ConflictError)) {
        deps.log.warning(
          `Cannot start the scheduled import of ${source.kind.noun} ${s.id}: ${
            (err as Error).message
          }`,
        );
      }
    }
  }
  return started;
}
