/** Playlist operations shared by the pages and the API. */
import { ValidationError } from "../../common/errors.ts";
import { importRunsPrefix, userAgentKey } from "../../common/db/keys.ts";
import {
  createUpstreamPlaylist,
  deleteUpstreamPlaylist,
  getUpstreamPlaylist,
  listUpstreamPlaylists,
  updateUpstreamPlaylist,
} from "../../common/db/upstream_playlists.ts";
import { resolveInsideDataDir } from "../../common/import/source.ts";
import type { ImportRun, UpstreamPlaylist, UpstreamPlaylistInput } from "../../common/schemas.ts";
import type { ManagerDeps } from "../deps.ts";

/** A playlist with its last import and channel count, as pages and the API show it. */
export type PlaylistView = UpstreamPlaylist & {
  lastImport: ImportRun | null;
  channelCount: number;
};

/** The newest import run of a playlist. */
export async function lastRun(kv: Deno.Kv, playlistId: string): Promise<ImportRun | null> {
  for await (
    const e of kv.list<ImportRun>({ prefix: importRunsPrefix(playlistId) }, {
      reverse: true,
      limit: 1,
    })
  ) return e.value;
  return null;
}

/** One playlist with its last import. */
export async function playlistView(deps: ManagerDeps, id: string): Promise<PlaylistView> {
  const p = await getUpstreamPlaylist(deps.kv, id);
  return { ...p, lastImport: await lastRun(deps.kv, id), channelCount: deps.index.count(id) };
}

/** All playlists with their last imports. */
export async function playlistViews(deps: ManagerDeps): Promise<PlaylistView[]> {
  const list = await listUpstreamPlaylists(deps.kv);
  return await Promise.all(list.map(async (p) => ({
    ...p,
    lastImport: await lastRun(deps.kv, p.id),
    channelCount: deps.index.count(p.id),
  })));
}

async function checkInput(deps: ManagerDeps, input: UpstreamPlaylistInput): Promise<void> {
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

/** Creates (id null) or updates a playlist after checking references and paths. */
export async function savePlaylist(
  deps: ManagerDeps,
  id: string | null,
  input: UpstreamPlaylistInput,
): Promise<UpstreamPlaylist> {
  await checkInput(deps, input);
  const saved = id
    ? await updateUpstreamPlaylist(deps.kv, id, input)
    : await createUpstreamPlaylist(deps.kv, input);
  return saved;
}

/** Deletes a playlist and drops its channels from the index. */
export async function removePlaylist(deps: ManagerDeps, id: string): Promise<void> {
  await deleteUpstreamPlaylist(deps.kv, id);
}
