/** Channel and group operations shared by the pages and the API. */
import { bulkPatchChannels, patchChannels } from "../../common/db/channels.ts";
import { findGroupById, listGroups, patchGroup } from "../../common/db/groups.ts";
import { NotFoundError } from "../../common/errors.ts";
import type { Channel, ChannelPatch, Group } from "../../common/schemas.ts";
import type { ManagerDeps } from "../deps.ts";
import { type ChannelListFilter, matchingChannels } from "./channel_search.ts";

/** A group with its channel counts. */
export type GroupView = Group & { channelCount: number; enabledCount: number };

/** Groups (of one playlist or all) with counts from the channel index. */
export async function groupViews(deps: ManagerDeps, playlistId?: string): Promise<GroupView[]> {
  const counts = deps.index.groupCounts();
  return (await listGroups(deps.kv, playlistId)).map((g) => ({
    ...g,
    channelCount: counts.get(g.id)?.total ?? 0,
    enabledCount: counts.get(g.id)?.enabled ?? 0,
  }));
}

/** Enables or disables a group found by id. */
export async function setGroupEnabled(
  deps: ManagerDeps,
  groupId: string,
  enabled: boolean,
): Promise<Group> {
  const g = await findGroupById(deps.kv, groupId);
  const out = await patchGroup(deps.kv, g.playlistId, g.id, { enabled });
  return out;
}

/** The group list as text, one name per line, like the seed's "Get group list". */
export async function groupListText(deps: ManagerDeps, playlistId?: string): Promise<string> {
  const names = new Set((await listGroups(deps.kv, playlistId)).map((g) => g.name));
  return [...names].sort((a, b) => a.localeCompare(b)).join("\n") + (names.size ? "\n" : "");
}

/** Patches one channel and updates the index. */
export async function patchChannel(
  deps: ManagerDeps,
  id: string,
  patch: ChannelPatch,
): Promise<Channel> {
  const c = deps.index.get(id);
  if (!c) throw new NotFoundError(`Channel ${id} was not found`);
  const [updated] = await patchChannels(deps.kv, c.playlistId, [id], patch, [c]);
  return updated;
}

/** Enables or disables every channel matching a filter; returns how many changed. */
export async function bulkSetEnabled(
  deps: ManagerDeps,
  filter: ChannelListFilter,
  enabled: boolean,
): Promise<number> {
  const byPlaylist = new Map<string, Channel[]>();
  for (const c of await matchingChannels(deps, filter)) {
    if (c.enabled === enabled) continue;
    const list = byPlaylist.get(c.playlistId) ?? [];
    list.push(c);
    byPlaylist.set(c.playlistId, list);
  }
  let n = 0;
  for (const [pid, list] of byPlaylist) {
    const updated = await bulkPatchChannels(deps.kv, pid, list, { enabled });
    n += updated.length;
  }
  return n;
}
