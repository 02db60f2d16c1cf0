/**
 * The manager's in-memory view of every playlist's current channels, for search and paging
 * that stay fast at hundreds of thousands of channels. KV stays the source of truth: the index
 * is loaded from it at start and catches up whenever the "channels" topic of the change feed
 * moves, whichever process made the change: a playlist switched to a new generation is loaded
 * again (or taken from the importer's memory when this process imported it), admin edits are
 * applied chunk by chunk from the playlist's edit log.
 */
import { listEditLog } from "./channel_edit_log.ts";
import { listGeneration, readChunks } from "./channels.ts";
import { listGroups } from "./groups.ts";
import { channelEditsKey } from "./keys.ts";
import { listUpstreamPlaylists } from "./upstream_playlists.ts";
import { recalled } from "./written_generations.ts";
import type { Channel, UpstreamPlaylist } from "../schemas.ts";

/** A filter over the index. */
export interface ChannelFilter {
  playlistId?: string;
  groupId?: string;
  enabled?: boolean;
  q?: string;
}

/** One page of results. */
export interface ChannelPage {
  items: Channel[];
  total: number;
  offset: number;
  nextOffset: number | null;
}

interface PlaylistSlice {
  channels: Channel[];
  /**
   * false while `channels` is the array it was given (an importer's list, which the next
   * refresh of that playlist reads as its old channels): copied before the first change.
   */
  owned: boolean;
}

/** What a slice was loaded from: its generation, and the edits applied to it since. */
interface SliceSource {
  generation: string | null;
  /** the playlist's edit counter as far as this slice has applied it */
  edits: bigint;
  /** edit log entries already applied (or older than the load) */
  seen: Set<string>;
}

/** In-memory channel index, one slice per upstream playlist. */
export class ChannelIndex {
  #slices = new Map<string, PlaylistSlice>();
  #sources = new Map<string, SliceSource>();
  #byId = new Map<string, Channel>();
  #groupNames = new Map<string, string>();
  #order: string[] = [];

  /** Loads every playlist's current generation from KV. */
  async load(kv: Deno.Kv): Promise<void> {
    await this.refresh(kv);
  }

  /**
   * Catches up with KV: playlists added, deleted or switched to a new generation, and admin
   * edits made since the last call (by any process).
   */
  async refresh(kv: Deno.Kv): Promise<void> {
    const playlists = await listUpstreamPlaylists(kv);
    this.#groupNames.clear();
    for (const g of await listGroups(kv)) this.#groupNames.set(g.id, g.name);
    const live = new Set(playlists.map((p) => p.id));
    for (const id of [...this.#slices.keys(), ...this.#sources.keys()]) {
      if (!live.has(id)) {
        this.replace(id, []);
        this.#sources.delete(id);
      }
    }
    for (const p of playlists) await this.#catchUp(kv, p);
    this.#order = playlists.map((p) => p.id);
  }

  async #catchUp(kv: Deno.Kv, p: UpstreamPlaylist): Promise<void> {
    const src = this.#sources.get(p.id);
    const edits = await kv.get<Deno.KvU64>(channelEditsKey(p.id));
    const count = edits.value?.value ?? 0n;
    // Read once: the catch-up below uses it, and a full load after it marks it seen.
    let log: Awaited<ReturnType<typeof listEditLog>> | null = null;
    if (src && src.generation === p.generation) {
      if (count === src.edits) return;
      log = await listEditLog(kv, p.id);
      const unseen = log.filter((e) => !src.seen.has(e.id) && e.log.generation === p.generation);
      // Every edit commit writes one log entry; fewer than the counter moved means some expired.
      if (src.edits + BigInt(unseen.length) >= count && p.generation) {
        const firstSeqs = [...new Set(unseen.flatMap((e) => e.log.firstSeqs))];
        const chunks = await readChunks(kv, p.id, p.generation, firstSeqs);
        this.update(chunks.flat());
        for (const e of unseen) src.seen.add(e.id);
        src.edits += BigInt(unseen.length);
        return;
      }
    }
    // Log entries written before the load are in what it reads: never apply them again.
    const seen = new Set((log ?? await listEditLog(kv, p.id)).map((e) => e.id));
    const channels = !p.generation ? [] : recalled(kv, p.id, p.generation, edits.versionstamp) ??
      await listGeneration(kv, p.id, p.generation);
    this.replace(p.id, channels);
    this.#sources.set(p.id, { generation: p.generation, edits: count, seen });
  }

  /** Replaces one playlist's channels (when it was loaded or deleted). */
  replace(playlistId: string, channels: Channel[]): void {
    const old = this.#slices.get(playlistId);
    if (old) { for (const c of old.channels) this.#byId.delete(c.id); }
    if (!channels.length) {
      this.#slices.delete(playlistId);
      return;
    }
    // An import hands its channels over in order: keep that array rather than copy 100,000.
    const sorted = isSorted(channels) ? channels : [...channels].sort((a, b) => a.seq - b.seq);
    for (const c of sorted) this.#byId.set(c.id, c);
    this.#slices.set(playlistId, { channels: sorted, owned: sorted !== channels });
    if (!this.#order.includes(playlistId)) this.#order.push(playlistId);
  }

  /** Updates channels in place after an admin edit. */
  update(changed: Channel[]): void {
    for (const c of changed) {
      const slice = this.#slices.get(c.playlistId);
      if (!slice) continue;
      const i = indexBySeq(slice.channels, c);
      if (i >= 0) {
        if (!slice.owned) {
          slice.channels = [...slice.channels];
          slice.owned = true;
        }
        slice.channels[i] = c;
        this.#byId.set(c.id, c);
      }
    }
  }

  /** One playlist's channels in file order (shared: do not change). */
  channelsOf(playlistId: string): readonly Channel[] {
    return this.#slices.get(playlistId)?.channels ?? [];
  }

  /** Looks a channel up by id. */
  get(id: string): Channel | undefined {
    return this.#byId.get(id);
  }

  /** Number of channels of one playlist (or of all). */
  count(playlistId?: string): number {
    if (playlistId) return this.#slices.get(playlistId)?.channels.length ?? 0;
    return this.#byId.size;
  }

  /** Counts channels per group id. */
  groupCounts(): Map<string, { total: number; enabled: number }> {
    const out = new Map<string, { total: number; enabled: number }>();
    for (const slice of this.#slices.values()) {
      for (const c of slice.channels) {
        const n = out.get(c.groupId) ?? { total: 0, enabled: 0 };
        n.total++;
        if (c.enabled) n.enabled++;
        out.set(c.groupId, n);
      }
    }
    return out;
  }

  /** Counts channels per value of one attribute, e.g. how many channels use each tvg-logo. */
  attrCounts(name: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const slice of this.#slices.values()) {
      for (const c of slice.channels) {
        const v = c.attrs[name];
        if (v) out.set(v, (out.get(v) ?? 0) + 1);
      }
    }
    return out;
  }

  /** Every channel matching the filter, in list order. */
  *matching(filter: ChannelFilter): Generator<Channel> {
    const q = filter.q?.trim() ?? "";
    const re = q ? new RegExp(q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i") : null;
    const ids = filter.playlistId ? [filter.playlistId] : this.#order;
    for (const pid of ids) {
      const slice = this.#slices.get(pid);
      if (!slice) continue;
      const { channels } = slice;
      for (let i = 0; i < channels.length; i++) {
        const c = channels[i];
        if (filter.groupId && c.groupId !== filter.groupId) continue;
        if (filter.enabled !== undefined && c.enabled !== filter.enabled) continue;
        if (re && !this.#matches(c, re)) continue;
        yield c;
      }
    }
  }

  /** One page of matching channels plus the total count. */
  page(filter: ChannelFilter, offset: number, limit: number): ChannelPage {
    const items: Channel[] = [];
    let total = 0;
    for (const c of this.matching(filter)) {
      if (total >= offset && items.length < limit) items.push(c);
      total++;
    }
    const nextOffset = offset + items.length < total ? offset + items.length : null;
    return { items, total, offset, nextOffset };
  }

  /**
   * Whether the channel's name, tvg-id, tvg-name, group or URL matches `re` (the query, case
   * ignored). Tested in place rather than against a lower-cased copy kept per channel: the copies
   * were a fifth of the index's memory, and a case-insensitive regex scans 100,000 channels' five
   * fields in about 10 ms.
   */
  #matches(c: Channel, re: RegExp): boolean {
    return re.test(c.name) || re.test(c.attrs["tvg-id"] ?? "") ||
      re.test(c.attrs["tvg-name"] ?? "") || re.test(this.#groupNames.get(c.groupId) ?? "") ||
      re.test(c.url);
  }
}

function isSorted(channels: Channel[]): boolean {
  for (let i = 1; i < channels.length; i++) {
    if (channels[i - 1].seq > channels[i].seq) return false;
  }
  return true;
}

/** Where channel `c` sits in a slice sorted by seq (binary search, then a check of the id). */
function indexBySeq(channels: Channel[], c: Channel): number {
  let lo = 0;
  let hi = channels.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = channels[mid].seq;
    if (s === c.seq) {
      return channels[mid].id === c.id ? mid : channels.findIndex((x) => x.id === c.id);
    }
    if (s < c.seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return channels.findIndex((x) => x.id === c.id);
}
