/** Upstream playlists: where channels come from (an http(s) URL or a file inside DATA_DIR). */
import { ulid } from "ulid";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { UpstreamPlaylist, UpstreamPlaylistInput } from "../schemas.ts";
import { keySize, MAX_KEY_BYTES } from "../kv/size.ts";
import { createWithIndexes, deletePrefix, listValues, updateChecked } from "./_store.ts";
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
import { bump } from "../kv/revisions.ts";
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
  return createWithIndexes(kv, upstreamPlaylistKey(p.id), p, [nameIndex(p.name)], p.id, [
    "channels",
  ]);
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
  }), { id, topics: ["channels"] });
}

/**
 * Deletes a playlist with everything that belongs to it: groups, channels of every generation,
 * the admin's overrides and guide mappings of those channels and groups, runs and the edit log.
 * The playlist disappears (and the change is announced) in the first commit; the rest is
 * unreachable from then on and collected after it.
 */
export async function deleteUpstreamPlaylist(kv: Deno.Kv, id: string): Promise<void> {
  const entry = await kv.get<UpstreamPlaylist>(upstreamPlaylistKey(id));
  if (!entry.value) throw new NotFoundError(`Upstream playlist ${id} was not found`);
  const res = await bump(kv.atomic(), "channels", "overrides").check(entry)
    .delete(upstreamPlaylistKey(id)).delete(upstreamPlaylistsByNameKey(entry.value.name))
    .delete(importLockKey(id)).delete(channelEditsKey(id)).commit();
  if (!res.ok) throw new ConflictError(`Playlist "${entry.value.name}" was changed meanwhile`);
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
