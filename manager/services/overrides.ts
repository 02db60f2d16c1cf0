/** Overrides: per channel name, group, number, tvg-id, logo and guide mapping; per group a name. */
import { findGroupById } from "../../common/db/groups.ts";
import {
  readChannelOverrides,
  readGroupOverride,
  setChannelOverrides,
  setGroupOverride,
  type VersionedOverride,
} from "../../common/db/overrides.ts";
import { ConflictError, NotFoundError } from "../../common/errors.ts";
import type { ChannelOverride, GroupOverride } from "../../common/schemas.ts";
import type { ManagerDeps } from "../deps.ts";

/** A channel's override (empty when none) with the version an edit must name to replace it. */
export async function getChannelOverride(
  deps: ManagerDeps,
  id: string,
): Promise<VersionedOverride<ChannelOverride>> {
  if (!deps.index.get(id)) throw new NotFoundError(`Channel ${id} was not found`);
  return (await readChannelOverrides(deps.kv, [id])).get(id)!;
}

/**
 * Replaces a channel's override (fields left empty go back to the imported values). With
 * `expectVersion` (the version the editor read), a change made meanwhile raises ConflictError.
 */
export async function putChannelOverride(
  deps: ManagerDeps,
  id: string,
  override: ChannelOverride,
  expectVersion?: string | null,
): Promise<VersionedOverride<ChannelOverride>> {
  const current = await getChannelOverride(deps, id);
  if (expectVersion !== undefined && expectVersion !== current.version) {
    throw new ConflictError(
      "The channel's overrides were changed by someone else meanwhile; reload and try again",
    );
  }
  await setChannelOverrides(deps.kv, [[id, override, current.version]]);
  return await getChannelOverride(deps, id);
}

/** A group's override (empty when none) with its version. */
export async function getGroupOverride(
  deps: ManagerDeps,
  groupId: string,
): Promise<VersionedOverride<GroupOverride>> {
  await findGroupById(deps.kv, groupId);
  return await readGroupOverride(deps.kv, groupId);
}

/** Renames a group for all its channels (an empty name restores the upstream name). */
export async function renameGroup(
  deps: ManagerDeps,
  groupId: string,
  name: string,
  expectVersion?: string | null,
): Promise<VersionedOverride<GroupOverride>> {
  const current = await getGroupOverride(deps, groupId);
  if (expectVersion !== undefined && expectVersion !== current.version) {
    throw new ConflictError(
      "The group was renamed by someone else meanwhile; reload and try again",
    );
  }
  await setGroupOverride(deps.kv, groupId, { ...current.value, name }, current.version);
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
  const current = await readChannelOverrides(deps.kv, channels.map((c) => c.id));
  await setChannelOverrides(
    deps.kv,
    channels.map((c, i) => {
      const o = current.get(c.id)!;
      return [c.id, { ...o.value, number: start + i }, o.version];
    }),
  );
  return channels.length;
}
