/** Overrides: per channel name, group, number, tvg-id, logo and guide mapping; per group a name. */
import { channelOverrideKey, groupOverrideKey } from "../../common/db/keys.ts";
import { findGroupById } from "../../common/db/groups.ts";
import { setChannelOverrides, setGroupOverride } from "../../common/db/overrides.ts";
import { NotFoundError } from "../../common/errors.ts";
import type { ChannelOverride, GroupOverride } from "../../common/schemas.ts";
import type { ManagerDeps } from "../deps.ts";

/** A channel's override (empty when none). */
export async function getChannelOverride(deps: ManagerDeps, id: string): Promise<ChannelOverride> {
  if (!deps.index.get(id)) throw new NotFoundError(`Channel ${id} was not found`);
  return (await deps.kv.get<ChannelOverride>(channelOverrideKey(id))).value ?? {};
}

/** Replaces a channel's override (fields left empty go back to the imported values). */
export async function putChannelOverride(
  deps: ManagerDeps,
  id: string,
  override: ChannelOverride,
): Promise<ChannelOverride> {
  if (!deps.index.get(id)) throw new NotFoundError(`Channel ${id} was not found`);
  await setChannelOverrides(deps.kv, [[id, override]]);
  deps.changed();
  return await getChannelOverride(deps, id);
}

/** A group's override (empty when none). */
export async function getGroupOverride(deps: ManagerDeps, groupId: string): Promise<GroupOverride> {
  await findGroupById(deps.kv, groupId);
  return (await deps.kv.get<GroupOverride>(groupOverrideKey(groupId))).value ?? {};
}

/** Renames a group for all its channels (an empty name restores the upstream name). */
export async function renameGroup(
  deps: ManagerDeps,
  groupId: string,
  name: string,
): Promise<GroupOverride> {
  await findGroupById(deps.kv, groupId);
  await setGroupOverride(deps.kv, groupId, { name });
  deps.changed();
  return await getGroupOverride(deps, groupId);
}

/** Numbers a group's channels in playlist order from `start`; returns how many were numbered. */
export async function renumberGroup(
  deps: ManagerDeps,
  groupId: string,
  start: number,
): Promise<number> {
  const g = await findGroupById(deps.kv, groupId);
  const channels = deps.index.channelsOf(g.playlistId).filter((c) => c.groupId === groupId);
  const keys = channels.map((c) => channelOverrideKey(c.id));
  const current = new Map<string, ChannelOverride>();
  for (let i = 0; i < keys.length; i += 10) {
    for (const e of await deps.kv.getMany<ChannelOverride[]>(keys.slice(i, i + 10))) {
      if (e.value) current.set(String(e.key[1]), e.value);
    }
  }
  await setChannelOverrides(
    deps.kv,
    channels.map((c, i) => [c.id, { ...current.get(c.id), number: start + i }]),
  );
  deps.changed();
  return channels.length;
}
