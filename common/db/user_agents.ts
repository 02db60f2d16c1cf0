/** User agents: the strings sent upstream when downloading playlists, guides and icons. */
import { ulid } from "ulid";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { UserAgent, UserAgentInput } from "../schemas.ts";
import { createWithIndexes, listValues, updateChecked } from "./_store.ts";
import {
  upstreamPlaylistsPrefix,
  userAgentKey,
  userAgentsByNameKey,
  userAgentsPrefix,
} from "./keys.ts";
import type { UpstreamPlaylist } from "../schemas.ts";

const nameIndex = (name: string) => ({
  key: userAgentsByNameKey(name),
  label: `User agent name "${name}"`,
});

/** Lists all user agents by name. */
export async function listUserAgents(kv: Deno.Kv): Promise<UserAgent[]> {
  const all = await listValues<UserAgent>(kv, userAgentsPrefix());
  return all.sort((a, b) => a.name.localeCompare(b.name));
}

/** Reads one user agent or throws NotFoundError. */
export async function getUserAgent(kv: Deno.Kv, id: string): Promise<UserAgent> {
  const e = await kv.get<UserAgent>(userAgentKey(id));
  if (!e.value) throw new NotFoundError(`User agent ${id} was not found`);
  return e.value;
}

/** Creates a user agent; names are unique. */
export function createUserAgent(kv: Deno.Kv, input: UserAgentInput): Promise<UserAgent> {
  const now = new Date().toISOString();
  const ua: UserAgent = { id: ulid(), ...input, createdAt: now, updatedAt: now };
  return createWithIndexes(kv, userAgentKey(ua.id), ua, [nameIndex(ua.name)], ua.id);
}

/** Replaces a user agent's fields. */
export function updateUserAgent(
  kv: Deno.Kv,
  id: string,
  input: UserAgentInput,
): Promise<UserAgent> {
  return updateChecked<UserAgent>(kv, userAgentKey(id), `User agent ${id}`, (cur) => ({
    value: { ...cur, ...input, updatedAt: new Date().toISOString() },
    oldIndexes: [nameIndex(cur.name)],
    newIndexes: [nameIndex(input.name)],
  }), { id });
}

/** Deletes a user agent that no playlist uses. */
export async function deleteUserAgent(kv: Deno.Kv, id: string): Promise<void> {
  const entry = await kv.get<UserAgent>(userAgentKey(id));
  if (!entry.value) throw new NotFoundError(`User agent ${id} was not found`);
  const users = (await listValues<UpstreamPlaylist>(kv, upstreamPlaylistsPrefix()))
    .filter((p) => p.userAgentId === id);
  if (users.length) {
    throw new ConflictError(
      `Cannot delete user agent "${entry.value.name}": used by playlist "${users[0].name}"`,
    );
  }
  const res = await kv.atomic().check(entry).delete(entry.key)
    .delete(userAgentsByNameKey(entry.value.name)).commit();
  if (!res.ok) throw new ConflictError(`User agent "${entry.value.name}" was changed meanwhile`);
}

/** The user agent string of `userAgentId`, or `fallback` (USER_AGENT_STRING) without one. */
export async function userAgentFor(
  kv: Deno.Kv,
  userAgentId: string | null,
  fallback: string,
): Promise<string> {
  if (!userAgentId) return fallback;
  return (await kv.get<UserAgent>(userAgentKey(userAgentId))).value?.userAgent ?? fallback;
}
