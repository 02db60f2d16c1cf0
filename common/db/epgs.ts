/** Upstream guides (XMLTV EPGs): where programmes come from (an http(s) URL or a DATA_DIR file). */
import type { ChannelOverride } from "../schemas.ts";
import type { Epg, EpgImportRun, EpgInput } from "../xmltv/schemas.ts";
import { defineRepository } from "./_repository.ts";
import { editedSource, newSource } from "./_sources.ts";
import { deletePrefix } from "./_store.ts";
import {
  channelOverridesPrefix,
  epgChannelsPrefix,
  epgGenerationsPrefix,
  epgImportLockKey,
  epgImportRunsPrefix,
  epgKey,
  epgProgrammesPrefix,
  epgsByNameKey,
  epgsPrefix,
} from "./keys.ts";

/** The guide repository. */
export const epgs = defineRepository<Epg, EpgInput>({
  what: "Guide",
  key: epgKey,
  prefix: epgsPrefix,
  byName: epgsByNameKey,
  nameLabel: "Guide name",
  topics: ["guides"],
  build: newSource,
  apply: editedSource,
  deleteAlso: (epg) => ({ keys: [epgImportLockKey(epg.id)], topics: ["overrides"] }),
  afterDelete: (kv, epg) => deleteLeftovers(kv, epg.id),
});

/** Lists all upstream guides by name. */
export const listEpgs = epgs.list;
/** Reads one upstream guide or throws NotFoundError. */
export const getEpg = epgs.get;
/** Finds a guide by its name (any case), or null. */
export const findEpgByName = epgs.findByName;
/** Creates an upstream guide; names are unique. */
export const createEpg = epgs.create;
/** Replaces the admin-editable fields of an upstream guide (checked against concurrent edits). */
export const updateEpg = epgs.update;
/** Deletes a guide with every stored generation of its channels and programmes and its runs. */
export const deleteEpg = epgs.remove;

/** What belongs to a deleted guide: mappings to it, its generations and runs. */
async function deleteLeftovers(kv: Deno.Kv, id: string): Promise<void> {
  // Manual mappings to this guide's channels point nowhere now.
  for await (const o of kv.list<ChannelOverride>({ prefix: channelOverridesPrefix() })) {
    if (o.value.epg?.epgId !== id) continue;
    const { epg: _gone, ...rest } = o.value;
    const op = kv.atomic().check(o);
    if (Object.keys(rest).length) op.set(o.key, rest);
    else op.delete(o.key);
    await op.commit();
  }
  await deletePrefix(kv, epgProgrammesPrefix(id));
  await deletePrefix(kv, epgChannelsPrefix(id));
  await deletePrefix(kv, epgGenerationsPrefix(id));
  await deletePrefix(kv, epgImportRunsPrefix(id));
}

/** The newest import run of a guide, or null. */
export async function lastEpgRun(kv: Deno.Kv, epgId: string): Promise<EpgImportRun | null> {
  const it = kv.list<EpgImportRun>({ prefix: epgImportRunsPrefix(epgId) }, {
    reverse: true,
    limit: 1,
  });
  for await (const e of it) return e.value;
  return null;
}
