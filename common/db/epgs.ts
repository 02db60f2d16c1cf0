/** Upstream guides (XMLTV EPGs): where programmes come from (an http(s) URL or a DATA_DIR file). */
import { ulid } from "ulid";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { ChannelOverride } from "../schemas.ts";
import type { Epg, EpgImportRun, EpgInput } from "../xmltv/schemas.ts";
import { createWithIndexes, deletePrefix, listValues, updateChecked } from "./_store.ts";
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
import { bump } from "../kv/revisions.ts";

const nameIndex = (name: string) => ({ key: epgsByNameKey(name), label: `Guide name "${name}"` });

/** Lists all upstream guides by name. */
export async function listEpgs(kv: Deno.Kv): Promise<Epg[]> {
  const all = await listValues<Epg>(kv, epgsPrefix());
  return all.sort((a, b) => a.name.localeCompare(b.name));
}

/** Reads one upstream guide or throws NotFoundError. */
export async function getEpg(kv: Deno.Kv, id: string): Promise<Epg> {
  const e = await kv.get<Epg>(epgKey(id));
  if (!e.value) throw new NotFoundError(`Guide ${id} was not found`);
  return e.value;
}

/** Finds a guide by its name (any case), or null. */
export async function findEpgByName(kv: Deno.Kv, name: string): Promise<Epg | null> {
  const idx = await kv.get<string>(epgsByNameKey(name));
  if (!idx.value) return null;
  return (await kv.get<Epg>(epgKey(idx.value))).value;
}

/** Creates an upstream guide; names are unique. */
export function createEpg(kv: Deno.Kv, input: EpgInput): Promise<Epg> {
  const now = new Date().toISOString();
  const epg: Epg = {
    id: ulid(),
    ...input,
    userAgentId: input.userAgentId || null,
    createdAt: now,
    updatedAt: now,
    generation: null,
    lastImportedAt: null,
  };
  return createWithIndexes(kv, epgKey(epg.id), epg, [nameIndex(epg.name)], epg.id, ["guides"]);
}

/** Replaces the admin-editable fields of an upstream guide (checked against concurrent edits). */
export function updateEpg(kv: Deno.Kv, id: string, input: EpgInput): Promise<Epg> {
  return updateChecked<Epg>(kv, epgKey(id), `Guide ${id}`, (cur) => ({
    value: {
      ...cur,
      ...input,
      userAgentId: input.userAgentId || null,
      updatedAt: new Date().toISOString(),
    },
    oldIndexes: [nameIndex(cur.name)],
    newIndexes: [nameIndex(input.name)],
  }), { id, topics: ["guides"] });
}

/** Deletes a guide with every stored generation of its channels and programmes and its runs. */
export async function deleteEpg(kv: Deno.Kv, id: string): Promise<void> {
  const entry = await kv.get<Epg>(epgKey(id));
  if (!entry.value) throw new NotFoundError(`Guide ${id} was not found`);
  const res = await bump(kv.atomic(), "guides", "overrides").check(entry).delete(epgKey(id))
    .delete(epgsByNameKey(entry.value.name)).delete(epgImportLockKey(id)).commit();
  if (!res.ok) throw new ConflictError(`Guide "${entry.value.name}" was changed meanwhile`);
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
