/** Groups of upstream playlists (the M3U group-title), each with its own enabled flag. */
import { NotFoundError } from "../errors.ts";
import type { Group, GroupPatch } from "../schemas.ts";
import { listValues, updateChecked } from "./_store.ts";
import { groupKey, groupsPrefix } from "./keys.ts";

/** Lists the groups of one playlist, or of all playlists, by name. */
export async function listGroups(kv: Deno.Kv, playlistId?: string): Promise<Group[]> {
  const all = await listValues<Group>(kv, groupsPrefix(playlistId));
  return all.sort((a, b) =>
    a.name.localeCompare(b.name) || a.playlistId.localeCompare(b.playlistId)
  );
}

/** Reads one group or throws NotFoundError. */
export async function getGroup(kv: Deno.Kv, playlistId: string, id: string): Promise<Group> {
  const e = await kv.get<Group>(groupKey(playlistId, id));
  if (!e.value) throw new NotFoundError(`Group ${id} was not found`);
  return e.value;
}

/** Changes a group's enabled flag. */
export function patchGroup(
  kv: Deno.Kv,
  playlistId: string,
  id: string,
  patch: GroupPatch,
): Promise<Group> {
  return updateChecked<Group>(kv, groupKey(playlistId, id), `Group ${id}`, (cur) => ({
    value: { ...cur, ...patch },
  }), { topics: ["channels"] });
}

/** Finds a group by id alone, whatever playlist it belongs to, or throws NotFoundError. */
export async function findGroupById(kv: Deno.Kv, id: string): Promise<Group> {
  const g = (await listGroups(kv)).find((x) => x.id === id);
  if (!g) throw new NotFoundError(`Group ${id} was not found`);
  return g;
}
