/** User agents: the strings sent upstream when downloading playlists, guides and icons. */
import { ConflictError } from "../errors.ts";
import type { UpstreamPlaylist, UserAgent, UserAgentInput } from "../schemas.ts";
import { defineRepository } from "./_repository.ts";
import { listValues } from "./_store.ts";
import {
  upstreamPlaylistsPrefix,
  userAgentKey,
  userAgentsByNameKey,
  userAgentsPrefix,
} from "./keys.ts";

/** The user agent repository. */
export const userAgents = defineRepository<UserAgent, UserAgentInput>({
  what: "User agent",
  key: userAgentKey,
  prefix: userAgentsPrefix,
  byName: userAgentsByNameKey,
  nameLabel: "User agent name",
  build: (input, { id, now }) => ({ id, ...input, createdAt: now, updatedAt: now }),
  apply: (cur, input, now) => ({ ...cur, ...input, updatedAt: now }),
  async inUse(kv, ua) {
    // Guides name user agents too; a playlist is the common case and names the conflict.
    const users = (await listValues<UpstreamPlaylist>(kv, upstreamPlaylistsPrefix()))
      .filter((p) => p.userAgentId === ua.id);
    if (users.length) {
      throw new ConflictError(
        `Cannot delete user agent "${ua.name}": used by playlist "${users[0].name}"`,
      );
    }
  },
});

/** Lists all user agents by name. */
export const listUserAgents = userAgents.list;
/** Reads one user agent or throws NotFoundError. */
export const getUserAgent = userAgents.get;
/** Creates a user agent; names are unique. */
export const createUserAgent = userAgents.create;
/** Replaces a user agent's fields. */
export const updateUserAgent = userAgents.update;
/** Deletes a user agent that no playlist uses. */
export const deleteUserAgent = userAgents.remove;

/** The user agent string of `userAgentId`, or `fallback` (USER_AGENT_STRING) without one. */
export async function userAgentFor(
  kv: Deno.Kv,
  userAgentId: string | null,
  fallback: string,
): Promise<string> {
  if (!userAgentId) return fallback;
  return (await kv.get<UserAgent>(userAgentKey(userAgentId))).value?.userAgent ?? fallback;
}
