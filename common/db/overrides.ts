/** Admin overrides of channels and groups, kept apart from imported data so refreshes keep them. */
import type { ChannelOverride, GroupOverride } from "../schemas.ts";
import { BatchWriter } from "./_store.ts";
import {
  channelOverrideKey,
  channelOverridesPrefix,
  groupOverrideKey,
  groupOverridesPrefix,
} from "./keys.ts";

/** Removes empty fields; an override with no fields is no override. */
function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined && v !== "" && v !== null) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** Every channel override, by channel id. */
export async function loadChannelOverrides(kv: Deno.Kv): Promise<Map<string, ChannelOverride>> {
  const out = new Map<string, ChannelOverride>();
  for await (const e of kv.list<ChannelOverride>({ prefix: channelOverridesPrefix() })) {
    out.set(String(e.key[1]), e.value);
  }
  return out;
}

/** Every group override, by group id. */
export async function loadGroupOverrides(kv: Deno.Kv): Promise<Map<string, GroupOverride>> {
  const out = new Map<string, GroupOverride>();
  for await (const e of kv.list<GroupOverride>({ prefix: groupOverridesPrefix() })) {
    out.set(String(e.key[1]), e.value);
  }
  return out;
}

/** Sets (or with no fields, clears) many channel overrides, in atomic commits within KV's limits. */
export async function setChannelOverrides(
  kv: Deno.Kv,
  overrides: [channelId: string, override: ChannelOverride][],
): Promise<void> {
  const writer = new BatchWriter(kv);
  for (const [id, o] of overrides) {
    const c = compact(o);
    if (Object.keys(c).length) {
      await writer.set(channelOverrideKey(id), c, `the override of channel ${id}`);
    } else await writer.delete(channelOverrideKey(id));
  }
  await writer.close();
}

/** Sets (or with no fields, clears) a group override. */
export async function setGroupOverride(
  kv: Deno.Kv,
  groupId: string,
  override: GroupOverride,
): Promise<void> {
  const c = compact(override);
  if (Object.keys(c).length) await kv.set(groupOverrideKey(groupId), c);
  else await kv.delete(groupOverrideKey(groupId));
}
