/** Channels of upstream playlists, stored per import generation. */
import { ConflictError, NotFoundError } from "../errors.ts";
import type { Channel, ChannelPatch, UpstreamPlaylist } from "../schemas.ts";
import { listValues } from "./_store.ts";
import { channelEditsKey, channelKey, channelsPrefix, upstreamPlaylistKey } from "./keys.ts";

/** Lists the channels of a playlist's current generation in file order. */
export async function listPlaylistChannels(
  kv: Deno.Kv,
  playlist: UpstreamPlaylist,
): Promise<Channel[]> {
  if (!playlist.generation) return [];
  const all = await listValues<Channel>(kv, channelsPrefix(playlist.id, playlist.generation));
  return all.sort((a, b) => a.seq - b.seq);
}

/** Reads the count of admin edits of a playlist's channels. */
export async function readChannelEdits(kv: Deno.Kv, playlistId: string): Promise<bigint> {
  const e = await kv.get<Deno.KvU64>(channelEditsKey(playlistId));
  return e.value?.value ?? 0n;
}

/**
 * Applies an admin patch to channels of one playlist, in atomic batches that each check the
 * playlist did not switch generation meanwhile. Returns the updated channels.
 */
export async function patchChannels(
  kv: Deno.Kv,
  playlistId: string,
  channelIds: string[],
  patch: ChannelPatch,
): Promise<Channel[]> {
  const pEntry = await kv.get<UpstreamPlaylist>(upstreamPlaylistKey(playlistId));
  const gen = pEntry.value?.generation;
  if (!pEntry.value || !gen) {
    throw new NotFoundError(`Upstream playlist ${playlistId} was not found`);
  }
  const out: Channel[] = [];
  for (let i = 0; i < channelIds.length; i += 9) {
    const keys = channelIds.slice(i, i + 9).map((id) => channelKey(playlistId, gen, id));
    const entries = await kv.getMany<Channel[]>(keys);
    const op = kv.atomic().check(pEntry).sum(channelEditsKey(playlistId), 1n);
    for (const e of entries) {
      if (!e.value) throw new NotFoundError(`Channel ${String(e.key.at(-1))} was not found`);
      const next = { ...e.value, ...patch };
      op.check(e).set(e.key, next);
      out.push(next);
    }
    const res = await op.commit();
    if (!res.ok) {
      throw new ConflictError(
        "The channels were changed meanwhile (an import finished?); try again",
      );
    }
  }
  return out;
}

/**
 * Applies a patch to many channels given as current values (from the manager's channel index),
 * 500 per atomic commit, each commit checking the playlist did not switch generation.
 */
export async function bulkPatchChannels(
  kv: Deno.Kv,
  playlistId: string,
  channels: Channel[],
  patch: ChannelPatch,
): Promise<Channel[]> {
  const pEntry = await kv.get<UpstreamPlaylist>(upstreamPlaylistKey(playlistId));
  const gen = pEntry.value?.generation;
  if (!pEntry.value || !gen) {
    throw new NotFoundError(`Upstream playlist ${playlistId} was not found`);
  }
  const out: Channel[] = [];
  let i = 0;
  while (i < channels.length) {
    const op = kv.atomic().check(pEntry).sum(channelEditsKey(playlistId), 1n);
    let bytes = 0;
    const start = out.length;
    while (i < channels.length && out.length - start < 500 && bytes < 600_000) {
      const c = { ...channels[i++], ...patch };
      bytes += JSON.stringify(c).length + 100;
      op.set(channelKey(playlistId, gen, c.id), c);
      out.push(c);
    }
    const res = await op.commit();
    if (!res.ok) {
      throw new ConflictError("The playlist was re-imported meanwhile; apply the change again");
    }
  }
  return out;
}
