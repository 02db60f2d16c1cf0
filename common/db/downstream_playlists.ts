/** Downstream playlists: what each client device loads, guarded by a token in its URL. */
import { ulid } from "ulid";
import { randomToken, timingSafeEqual } from "../auth/password.ts";
import { NotFoundError } from "../errors.ts";
import type { DownstreamPlaylist, DownstreamPlaylistInput } from "../schemas.ts";
import { createWithIndexes, listValues, updateChecked } from "./_store.ts";
import {
  downstreamPlaylistKey,
  downstreamPlaylistsByNameKey,
  downstreamPlaylistsPrefix,
} from "./keys.ts";
import { bump } from "../kv/revisions.ts";

const nameIndex = (name: string) => ({
  key: downstreamPlaylistsByNameKey(name),
  label: `Playlist name "${name}"`,
});

/** Lists downstream playlists by name. */
export async function listDownstreamPlaylists(kv: Deno.Kv): Promise<DownstreamPlaylist[]> {
  return (await listValues<DownstreamPlaylist>(kv, downstreamPlaylistsPrefix()))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Reads one downstream playlist or throws NotFoundError. */
export async function getDownstreamPlaylist(kv: Deno.Kv, id: string): Promise<DownstreamPlaylist> {
  const e = await kv.get<DownstreamPlaylist>(downstreamPlaylistKey(id));
  if (!e.value) throw new NotFoundError(`Downstream playlist ${id} was not found`);
  return e.value;
}

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

/** Creates a downstream playlist with fresh tokens. */
export function createDownstreamPlaylist(
  kv: Deno.Kv,
  input: DownstreamPlaylistInput,
): Promise<DownstreamPlaylist> {
  const now = new Date().toISOString();
  const p: DownstreamPlaylist = {
    id: ulid(),
    ...input,
    proxyId: input.proxyId ?? null,
    token: randomToken(),
    streamToken: randomToken(),
    createdAt: now,
    updatedAt: now,
  };
  return createWithIndexes(kv, downstreamPlaylistKey(p.id), p, [nameIndex(p.name)], p.id, [
    "downstreams",
  ]);
}

/** Replaces a downstream playlist's settings (tokens stay). */
export function updateDownstreamPlaylist(
  kv: Deno.Kv,
  id: string,
  input: DownstreamPlaylistInput,
): Promise<DownstreamPlaylist> {
  return updateChecked<DownstreamPlaylist>(
    kv,
    downstreamPlaylistKey(id),
    `Playlist ${id}`,
    (cur) => ({
      value: {
        ...cur,
        ...input,
        proxyId: input.proxyId ?? null,
        updatedAt: new Date().toISOString(),
      },
      oldIndexes: [nameIndex(cur.name)],
      newIndexes: [nameIndex(input.name)],
    }),
    { id, topics: ["downstreams"] },
  );
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

/** Deletes a downstream playlist. */
export async function deleteDownstreamPlaylist(kv: Deno.Kv, id: string): Promise<void> {
  const p = await getDownstreamPlaylist(kv, id);
  await bump(kv.atomic(), "downstreams").delete(downstreamPlaylistKey(id))
    .delete(downstreamPlaylistsByNameKey(p.name)).commit();
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
