/** Upstream guides (XMLTV EPGs): where programmes come from (an http(s) URL or a DATA_DIR file). */
import { ulid } from "ulid";
import { NotFoundError } from "../errors.ts";
import type { Epg, EpgImportRun, EpgInput } from "../xmltv/schemas.ts";
import { createWithIndexes, deletePrefix, listValues, updateChecked } from "./_store.ts";
import {
  epgChannelsPrefix,
  epgGenerationsPrefix,
  epgImportLockKey,
  epgImportRunsPrefix,
  epgKey,
  epgProgrammesPrefix,
  epgsByNameKey,
  epgsPrefix,
} from "./keys.ts";

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
  return createWithIndexes(kv, epgKey(epg.id), epg, [nameIndex(epg.name)], epg.id);
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
  }), { id });
}

/** Deletes a guide with every stored generation of its channels and programmes and its runs. */
export async function deleteEpg(kv: Deno.Kv, id: string): Promise<void> {
  const epg = await getEpg(kv, id);
  await kv.atomic().delete(epgKey(id)).delete(epgsByNameKey(epg.name))
    .delete(epgImportLockKey(id)).commit();
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
