/** Upstream playlists: where channels come from (an http(s) URL or a file inside DATA_DIR). */
import type { UpstreamPlaylist, UpstreamPlaylistInput } from "../schemas.ts";
import { keySize, MAX_KEY_BYTES } from "../kv/size.ts";
import { defineRepository } from "./_repository.ts";
import { editedSource, newSource } from "./_sources.ts";
import { deletePrefix, listValues } from "./_store.ts";
import {
  channelEditLogPrefix,
  channelEditsKey,
  channelOverrideKey,
  channelsOfPlaylistPrefix,
  groupOverrideKey,
  groupsByNameKey,
  groupsPrefix,
  importLockKey,
  importRunsPrefix,
  upstreamPlaylistKey,
  upstreamPlaylistsByNameKey,
  upstreamPlaylistsPrefix,
} from "./keys.ts";
import type { Group } from "../schemas.ts";

/** The upstream playlist repository. */
export const upstreamPlaylists = defineRepository<UpstreamPlaylist, UpstreamPlaylistInput>({
  what: "Upstream playlist",
  key: upstreamPlaylistKey,
  prefix: upstreamPlaylistsPrefix,
  byName: upstreamPlaylistsByNameKey,
  nameLabel: "Playlist name",
  topics: ["channels"],
  build: (input, base) => ({ ...newSource(input, base), headerAttrs: {}, lastRunId: null }),
  apply: editedSource,
  deleteAlso: (p) => ({
    keys: [importLockKey(p.id), channelEditsKey(p.id)],
    topics: ["overrides"],
  }),
  afterDelete: (kv, p) => deleteLeftovers(kv, p.id),
});

/** Lists all upstream playlists by name. */
export const listUpstreamPlaylists = upstreamPlaylists.list;
/** Reads one upstream playlist or throws NotFoundError. */
export const getUpstreamPlaylist = upstreamPlaylists.get;
/** Creates an upstream playlist; names are unique. It is not imported (see the services). */
export const createUpstreamPlaylist = upstreamPlaylists.create;
/** Replaces the admin-editable fields of an upstream playlist. */
export const updateUpstreamPlaylist = upstreamPlaylists.update;
/** What belongs to a deleted playlist, unreachable once it is gone. */
async function deleteLeftovers(kv: Deno.Kv, id: string): Promise<void> {
  const groups = await listValues<Group>(kv, groupsPrefix(id));
  const channelIds = new Set<string>();
  for await (
    const e of kv.list<[string][]>({ prefix: channelsOfPlaylistPrefix(id) }, { batchSize: 500 })
  ) for (const t of e.value) channelIds.add(t[0]);
  const keys: Deno.KvKey[] = [
    // A name too long for a key never had an index entry (see the playlist import).
    ...groups.map((g) => groupsByNameKey(id, g.name)).filter((k) => keySize(k) <= MAX_KEY_BYTES),
    ...groups.map((g) => groupOverrideKey(g.id)),
    ...[...channelIds].map(channelOverrideKey),
  ];
  for (let i = 0; i < keys.length; i += 500) {
    const op = kv.atomic();
    for (const k of keys.slice(i, i + 500)) op.delete(k);
    await op.commit();
  }
  await deletePrefix(kv, groupsPrefix(id));
  await deletePrefix(kv, channelsOfPlaylistPrefix(id));
  await deletePrefix(kv, channelEditLogPrefix(id));
  await deletePrefix(kv, importRunsPrefix(id));
}
