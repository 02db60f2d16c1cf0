/** Downstream playlists: what each client device loads, guarded by a token in its URL. */
import { randomToken, timingSafeEqual } from "../auth/password.ts";
import type { DownstreamPlaylist, DownstreamPlaylistInput } from "../schemas.ts";
import { defineRepository } from "./_repository.ts";
import { updateChecked } from "./_store.ts";
import {
  downstreamPlaylistKey,
  downstreamPlaylistsByNameKey,
  downstreamPlaylistsPrefix,
} from "./keys.ts";

/** The downstream playlist repository; a new playlist gets fresh tokens, an edit keeps them. */
export const downstreamPlaylists = defineRepository<DownstreamPlaylist, DownstreamPlaylistInput>({
  what: "Downstream playlist",
  key: downstreamPlaylistKey,
  prefix: downstreamPlaylistsPrefix,
  byName: downstreamPlaylistsByNameKey,
  nameLabel: "Playlist name",
  topics: ["downstreams"],
  build: (input, { id, now }) => ({
    id,
    ...input,
    proxyId: input.proxyId ?? null,
    token: randomToken(),
    streamToken: randomToken(),
    createdAt: now,
    updatedAt: now,
  }),
  apply: (cur, input, now) => ({
    ...cur,
    ...input,
    proxyId: input.proxyId ?? null,
    updatedAt: now,
  }),
});

/** Lists downstream playlists by name. */
export const listDownstreamPlaylists = downstreamPlaylists.list;
/** Reads one downstream playlist or throws NotFoundError. */
export const getDownstreamPlaylist = downstreamPlaylists.get;
/** Creates a downstream playlist with fresh tokens. */
export const createDownstreamPlaylist = downstreamPlaylists.create;
/** Replaces a downstream playlist's settings (tokens stay). */
export const updateDownstreamPlaylist = downstreamPlaylists.update;
/** Deletes a downstream playlist. */
export const deleteDownstreamPlaylist = downstreamPlaylists.remove;

/**
 * Finds an enabled downstream playlist by name and token; null for an unknown name, a wrong
 * token or a disabled playlist alike, so names cannot be probed.
 */
export async function findByNameAndToken(
  kv: Deno.Kv,
  name: string,
  token: string,
): Promise<DownstreamPlaylist | null> {
  const idx = await kv.get<string>(downstreamPlaylistsByNameKey(name));
  const p = idx.value
    ? (await kv.get<DownstreamPlaylist>(downstreamPlaylistKey(idx.value))).value
    : null;
  const enc = new TextEncoder();
  const want = enc.encode(p?.token ?? "x".repeat(43));
  const same = timingSafeEqual(want, enc.encode(token));
  return p && p.enabled && same ? p : null;
}

/** Issues new tokens: every URL handed out before stops working. */
export function rotateDownstreamTokens(kv: Deno.Kv, id: string): Promise<DownstreamPlaylist> {
  return updateChecked<DownstreamPlaylist>(
    kv,
    downstreamPlaylistKey(id),
    `Playlist ${id}`,
    (cur) => ({
      value: {
        ...cur,
        token: randomToken(),
        streamToken: randomToken(),
        updatedAt: new Date().toISOString(),
      },
    }),
    { topics: ["downstreams"] },
  );
}

/** True when the token belongs to an enabled downstream playlist (guards the whole-guide URLs). */
export async function isPlaylistToken(kv: Deno.Kv, token: string): Promise<boolean> {
  const enc = new TextEncoder().encode(token);
  let found = false;
  for (const p of await listDownstreamPlaylists(kv)) {
    // Compare against every playlist: the time taken does not tell which one matched.
    if (timingSafeEqual(new TextEncoder().encode(p.token), enc) && p.enabled) found = true;
  }
  return found;
}
