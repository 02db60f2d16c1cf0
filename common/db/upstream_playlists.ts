/** Upstream playlists: where channels come from (an http(s) URL or a file inside DATA_DIR). */
import { ulid } from "ulid";
import { NotFoundError } from "../errors.ts";
import type { UpstreamPlaylist, UpstreamPlaylistInput } from "../schemas.ts";
import { keySize, MAX_KEY_BYTES } from "../kv/size.ts";
import { createWithIndexes, deletePrefix, listValues, updateChecked } from "./_store.ts";
import {
  channelEditsKey,
  channelsOfPlaylistPrefix,
  groupsByNameKey,
  groupsPrefix,
  importLockKey,
  importRunsPrefix,
  upstreamPlaylistKey,
  upstreamPlaylistsByNameKey,
  upstreamPlaylistsPrefix,
} from "./keys.ts";
import type { Group } from "../schemas.ts";

const nameIndex = (name: string) => ({
  key: upstreamPlaylistsByNameKey(name),
  label: `Playlist name "${name}"`,
});

/** Lists all upstream playlists by name. */
export async function listUpstreamPlaylists(kv: Deno.Kv): Promise<UpstreamPlaylist[]> {
  const all = await listValues<UpstreamPlaylist>(kv, upstreamPlaylistsPrefix());
  return all.sort((a, b) => a.name.localeCompare(b.name));
}

/** Reads one upstream playlist or throws NotFoundError. */
export async function getUpstreamPlaylist(kv: Deno.Kv, id: string): Promise<UpstreamPlaylist> {
  const e = await kv.get<UpstreamPlaylist>(upstreamPlaylistKey(id));
  if (!e.value) throw new NotFoundError(`Upstream playlist ${id} was not found`);
  return e.value;
}

/** Creates an upstream playlist; names are unique. */
export function createUpstreamPlaylist(
  kv: Deno.Kv,
  input: UpstreamPlaylistInput,
): Promise<UpstreamPlaylist> {
  const now = new Date().toISOString();
  const p: UpstreamPlaylist = {
    id: ulid(),
    ...input,
    userAgentId: input.userAgentId || null,
    createdAt: now,
    updatedAt: now,
    generation: null,
    headerAttrs: {},
    lastRunId: null,
    lastImportedAt: null,
  };
  return createWithIndexes(kv, upstreamPlaylistKey(p.id), p, [nameIndex(p.name)], p.id);
}

/** Replaces the admin-editable fields of an upstream playlist. */
export function updateUpstreamPlaylist(
  kv: Deno.Kv,
  id: string,
  input: UpstreamPlaylistInput,
): Promise<UpstreamPlaylist> {
  return updateChecked<UpstreamPlaylist>(kv, upstreamPlaylistKey(id), `Playlist ${id}`, (cur) => ({
    value: {
      ...cur,
      ...input,
      userAgentId: input.userAgentId || null,
      updatedAt: new Date().toISOString(),
    },
    oldIndexes: [nameIndex(cur.name)],
    newIndexes: [nameIndex(input.name)],
  }), { id });
}

/** Deletes a playlist with its groups, channels and runs. */
export async function deleteUpstreamPlaylist(kv: Deno.Kv, id: string): Promise<void> {
  const p = await getUpstreamPlaylist(kv, id);
  await kv.atomic().delete(upstreamPlaylistKey(id)).delete(upstreamPlaylistsByNameKey(p.name))
    .delete(importLockKey(id)).delete(channelEditsKey(id)).commit();
  const groups = await listValues<Group>(kv, groupsPrefix(id));
  for (const g of groups) {
    const key = groupsByNameKey(id, g.name);
    // A name too long for a key never had an index entry (see the playlist import).
    if (keySize(key) <= MAX_KEY_BYTES) await kv.delete(key);
  }
  await deletePrefix(kv, groupsPrefix(id));
  await deletePrefix(kv, channelsOfPlaylistPrefix(id));
  await deletePrefix(kv, importRunsPrefix(id));
}
