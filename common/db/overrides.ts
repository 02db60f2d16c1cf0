/** Admin overrides of channels and groups, kept apart from imported data so refreshes keep them. */
import { ConflictError } from "../errors.ts";
import { bump } from "../kv/revisions.ts";
import type { ChannelOverride, GroupOverride } from "../schemas.ts";
import { keySize, MAX_COMMIT_BYTES, maxValueSize } from "../kv/size.ts";
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

/** A channel override as read, with the versionstamp a write checks against. */
export interface VersionedOverride<T> {
  value: T;
  /** null: no override stored */
  version: string | null;
}

/** Reads channel overrides with their versionstamps (missing ones are empty). */
export async function readChannelOverrides(
  kv: Deno.Kv,
  channelIds: string[],
): Promise<Map<string, VersionedOverride<ChannelOverride>>> {
  const out = new Map<string, VersionedOverride<ChannelOverride>>();
  for (let i = 0; i < channelIds.length; i += 10) {
    const ids = channelIds.slice(i, i + 10);
    const got = await kv.getMany<ChannelOverride[]>(ids.map(channelOverrideKey));
    got.forEach((e, n) => out.set(ids[n], { value: e.value ?? {}, version: e.versionstamp }));
  }
  return out;
}

/**
 * Sets (or with no fields, clears) channel overrides, each checked against the version it was
 * read at: an override changed by someone else meanwhile raises ConflictError instead of being
 * overwritten.
 */
export async function setChannelOverrides(
  kv: Deno.Kv,
  overrides: [channelId: string, override: ChannelOverride, version: string | null][],
): Promise<void> {
  // Up to 90 per commit (KV allows 100 checks), fewer when their values are large.
  let i = 0;
  while (i < overrides.length) {
    const op = bump(kv.atomic(), "overrides");
    let bytes = 0;
    let n = 0;
    while (i < overrides.length && n < 90) {
      const [id, o, version] = overrides[i];
      const key = channelOverrideKey(id);
      const c = compact(o);
      const size = 3 * keySize(key) + maxValueSize(c);
      if (n && bytes + size > MAX_COMMIT_BYTES) break;
      bytes += size;
      n++;
      i++;
      op.check({ key, versionstamp: version });
      if (Object.keys(c).length) op.set(key, c);
      else op.delete(key);
    }
    const res = await op.commit();
    if (!res.ok) {
      throw new ConflictError(
        "The channel's overrides were changed by someone else meanwhile; reload and try again",
      );
    }
  }
}

/** Reads a group override with its versionstamp. */
export async function readGroupOverride(
  kv: Deno.Kv,
  groupId: string,
): Promise<VersionedOverride<GroupOverride>> {
  const e = await kv.get<GroupOverride>(groupOverrideKey(groupId));
  return { value: e.value ?? {}, version: e.versionstamp };
}

/** Sets (or with no fields, clears) a group override, checked against the version read. */
export async function setGroupOverride(
  kv: Deno.Kv,
  groupId: string,
  override: GroupOverride,
  version: string | null,
): Promise<void> {
  const key = groupOverrideKey(groupId);
  const c = compact(override);
  const op = bump(kv.atomic(), "overrides").check({ key, versionstamp: version });
  if (Object.keys(c).length) op.set(key, c);
  else op.delete(key);
  if (!(await op.commit()).ok) {
    throw new ConflictError(
      "The group was renamed by someone else meanwhile; reload and try again",
    );
  }
}
