/**
 * The manager's in-memory view of every playlist's current channels, for search and paging
 * that stay fast at hundreds of thousands of channels. KV stays the source of truth: the index
 * is loaded from it at start and replaced per playlist whenever the manager changes channels.
 */
import { listPlaylistChannels } from "../common/db/channels.ts";
import { listGroups } from "../common/db/groups.ts";
import { listUpstreamPlaylists } from "../common/db/upstream_playlists.ts";
import type { Channel, Group } from "../common/schemas.ts";

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
  /** Lower-cased text searched by `q`: name, tvg-id, tvg-name, group, URL. */
  haystack: string[];
}

/** In-memory channel index, one slice per upstream playlist. */
export class ChannelIndex {
  #slices = new Map<string, PlaylistSlice>();
  #byId = new Map<string, Channel>();
  #groupNames = new Map<string, string>();
  #order: string[] = [];

  /** Loads every playlist's current generation from KV. */
  async load(kv: Deno.Kv): Promise<void> {
    const playlists = await listUpstreamPlaylists(kv);
    for (const g of await listGroups(kv)) this.#groupNames.set(g.id, g.name);
    for (const p of playlists) this.replace(p.id, await listPlaylistChannels(kv, p));
    this.#order = playlists.map((p) => p.id);
  }

  /** Sets the order playlists are listed in (by name). */
  setOrder(playlistIds: string[]): void {
    this.#order = playlistIds;
  }

  /** Remembers group names (for search by group). */
  setGroups(groups: Group[]): void {
    for (const g of groups) this.#groupNames.set(g.id, g.name);
  }

  /** Replaces one playlist's channels (after an import or a delete). */
  replace(playlistId: string, channels: Channel[]): void {
    const old = this.#slices.get(playlistId);
    if (old) { for (const c of old.channels) this.#byId.delete(c.id); }
    if (!channels.length) {
      this.#slices.delete(playlistId);
      return;
    }
    // An import hands its channels over in order: keep that array rather than copy 100,000.
    const sorted = isSorted(channels) ? channels : [...channels].sort((a, b) => a.seq - b.seq);
    const haystack = sorted.map((c) => this.#text(c));
    for (const c of sorted) this.#byId.set(c.id, c);
    this.#slices.set(playlistId, { channels: sorted, haystack });
    if (!this.#order.includes(playlistId)) this.#order.push(playlistId);
  }

  /** Updates channels in place after an admin edit. */
  update(changed: Channel[]): void {
    for (const c of changed) {
      const slice = this.#slices.get(c.playlistId);
      if (!slice) continue;
      const i = slice.channels.findIndex((x) => x.id === c.id);
      if (i >= 0) {
        slice.channels[i] = c;
        slice.haystack[i] = this.#text(c);
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
    const q = filter.q?.trim().toLowerCase() ?? "";
    const ids = filter.playlistId ? [filter.playlistId] : this.#order;
    for (const pid of ids) {
      const slice = this.#slices.get(pid);
      if (!slice) continue;
      const { channels, haystack } = slice;
      for (let i = 0; i < channels.length; i++) {
        const c = channels[i];
        if (filter.groupId && c.groupId !== filter.groupId) continue;
        if (filter.enabled !== undefined && c.enabled !== filter.enabled) continue;
        if (q && !haystack[i].includes(q)) continue;
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

  #text(c: Channel): string {
    // One concatenation rather than an array join: this runs for every channel of an import.
    const group = this.#groupNames.get(c.groupId) ?? "";
    return (c.name + "\n" + (c.attrs["tvg-id"] ?? "") + "\n" + (c.attrs["tvg-name"] ?? "") +
      "\n" + group + "\n" + c.url).toLowerCase();
  }
}

function isSorted(channels: Channel[]): boolean {
  for (let i = 1; i < channels.length; i++) {
    if (channels[i - 1].seq > channels[i].seq) return false;
  }
  return true;
}
