/**
 * Which channels a downstream playlist contains, from current data: the one membership rule the
 * manager's outputs and the streaming proxy share. `assemblePlaylist` reads what assembly needs
 * from KV and the channel index; `PlaylistMembers` keeps each playlist's members by channel id
 * while the change feed's topics they depend on stay where they were.
 */
import type { ChannelIndex } from "../db/channel_index.ts";
import { listDownstreamPlaylists } from "../db/downstream_playlists.ts";
import { listGroups } from "../db/groups.ts";
import { loadChannelOverrides, loadGroupOverrides } from "../db/overrides.ts";
import { listUpstreamPlaylists } from "../db/upstream_playlists.ts";
import type { ChangeFeed } from "../kv/change_feed.ts";
import { sameStamps } from "../kv/change_feed.ts";
import type { Stamps, Topic } from "../kv/revisions.ts";
import type { DownstreamPlaylist, UpstreamPlaylist } from "../schemas.ts";
import { assemble, type AssembledChannel } from "./assemble.ts";

/** What a playlist's membership depends on. */
export const MEMBERSHIP_TOPICS: Topic[] = ["downstreams", "channels", "overrides"];

/** Assembles a downstream playlist's channels (output order) from current data. */
export async function assemblePlaylist(
  kv: Deno.Kv,
  index: ChannelIndex,
  p: Pick<
    DownstreamPlaylist,
    "groups" | "excludeFilters" | "filterMode" | "numbering" | "numberStart"
  >,
): Promise<AssembledChannel[]> {
  const [upstreams, groups, groupOverrides, channelOverrides] = await Promise.all([
    listUpstreamPlaylists(kv),
    listGroups(kv),
    loadGroupOverrides(kv),
    loadChannelOverrides(kv),
  ]);
  return assemble({
    playlist: p,
    upstreams,
    channelsOf: (id) => index.channelsOf(id),
    groups: new Map(groups.map((g) => [g.id, g])),
    groupOverrides,
    channelOverrides,
  });
}

/** A channel a stream token may open, with the playlists it comes from and goes to. */
export interface StreamMember {
  playlist: DownstreamPlaylist;
  upstream: UpstreamPlaylist;
  channel: AssembledChannel;
}

interface Members {
  stamps: Stamps;
  playlists: DownstreamPlaylist[];
  upstreams: Map<string, UpstreamPlaylist>;
  byPlaylist: Map<string, Map<string, AssembledChannel>>;
}

/** Each enabled downstream playlist's members, found by stream token and channel id. */
export class PlaylistMembers {
  #kv: Deno.Kv;
  #feed: ChangeFeed;
  #index: ChannelIndex;
  #current: Promise<Members> | null = null;
  #currentStamps: Stamps | null = null;

  constructor(kv: Deno.Kv, feed: ChangeFeed, index: ChannelIndex) {
    this.#kv = kv;
    this.#feed = feed;
    this.#index = index;
  }

  async #members(at?: Stamps): Promise<Members> {
    const stamps = at ?? this.#feed.stamps;
    if (
      this.#current && this.#currentStamps &&
      sameStamps(this.#currentStamps, stamps, MEMBERSHIP_TOPICS)
    ) {
      return await this.#current;
    }
    this.#currentStamps = { ...stamps };
    const building = this.#build({ ...stamps });
    this.#current = building;
    try {
      return await building;
    } catch (err) {
      if (this.#current === building) this.#current = null;
      throw err;
    }
  }

  async #build(stamps: Stamps): Promise<Members> {
    const [playlists, upstreams] = await Promise.all([
      listDownstreamPlaylists(this.#kv),
      listUpstreamPlaylists(this.#kv),
    ]);
    const byPlaylist = new Map<string, Map<string, AssembledChannel>>();
    const enabled = playlists.filter((p) => p.enabled);
    for (const p of enabled) {
      const members = await assemblePlaylist(this.#kv, this.#index, p);
      byPlaylist.set(p.id, new Map(members.map((a) => [a.channel.id, a])));
    }
    return {
      stamps,
      playlists: enabled,
      upstreams: new Map(upstreams.map((u) => [u.id, u])),
      byPlaylist,
    };
  }

  /**
   * The channel `channelId` of the enabled downstream playlist whose stream token is `token`, or
   * null: an unknown token, a disabled playlist or a channel it does not contain look the same.
   * `at`: the stamps to be current with (a change feed subscriber gets them before they are
   * published); by default the feed's.
   */
  async find(token: string, channelId: string, at?: Stamps): Promise<StreamMember | null> {
    const m = await this.#members(at);
    const enc = new TextEncoder();
    const given = enc.encode(token);
    let playlist: DownstreamPlaylist | null = null;
    // Compared with every playlist's token: the time taken does not tell which one matched.
    for (const p of m.playlists) {
      if (timingSafeEqual(enc.encode(p.streamToken), given)) playlist = p;
    }
    if (!playlist) return null;
    const channel = m.byPlaylist.get(playlist.id)?.get(channelId);
    const upstream = channel && m.upstreams.get(channel.channel.playlistId);
    return channel && upstream ? { playlist, upstream, channel } : null;
  }

  /** Whether the downstream playlist `playlistId` still contains `channelId`, enabled. */
  async contains(playlistId: string, channelId: string): Promise<boolean> {
    const m = await this.#members();
    return m.byPlaylist.get(playlistId)?.has(channelId) ?? false;
  }
}

/** Compares two byte strings in time that depends only on their lengths. */
function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
