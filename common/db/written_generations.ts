/**
 * The channels of the generation a playlist last switched to, as this process's importer wrote
 * them, kept for the channel index (which adopts the list instead of reading it back from KV) and
 * for the next refresh's identity rules. Keyed by generation and edit counter: never stale.
 */
import type { Channel } from "../schemas.ts";

/** The last generation each playlist switched to, as written, while something else holds it. */
interface RememberedGeneration {
  generation: string;
  /** versionstamp of the playlist's edit counter when the generation was switched to */
  editsAt: string | null;
  /**
   * Held until it is recalled once (the channel index adopts the list when it catches up with
   * the switch), weakly after that: the index keeps it alive while it is the current one.
   */
  channels: Channel[] | null;
  weak: WeakRef<Channel[]>;
}

const remembered = new WeakMap<Deno.Kv, Map<string, RememberedGeneration>>();

/** Remembers the generation a playlist switched to, with the edit counter checked then. */
export function remember(
  kv: Deno.Kv,
  playlistId: string,
  written: { generation: string; editsAt: string | null; channels: Channel[] },
): void {
  const gen: RememberedGeneration = { ...written, weak: new WeakRef(written.channels) };
  let byPlaylist = remembered.get(kv);
  if (!byPlaylist) remembered.set(kv, byPlaylist = new Map());
  byPlaylist.set(playlistId, gen);
}

/**
 * The channels of `generation` as this process wrote them, when they are still in memory and no
 * channel edit was committed since (every edit bumps the counter): listing 100,000 channels
 * back from KV costs over a second and a second copy of them in memory.
 */
export function recalled(
  kv: Deno.Kv,
  playlistId: string,
  generation: string,
  editsAt: string | null,
): Channel[] | null {
  const gen = remembered.get(kv)?.get(playlistId);
  if (!gen || gen.generation !== generation || gen.editsAt !== editsAt) return null;
  const list = gen.channels ?? gen.weak.deref() ?? null;
  gen.channels = null;
  return list;
}
