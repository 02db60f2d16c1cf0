/**
 * Assembles a downstream playlist: the selected groups (see group_entries.ts) in the admin's
 * order, only enabled playlists, groups and channels, exclusion filters on the (overridden)
 * name, overrides applied and numbers given. A pure function of its inputs.
 */
import type {
  Channel,
  ChannelOverride,
  DownstreamPlaylist,
  Group,
  GroupOverride,
  UpstreamPlaylist,
} from "../schemas.ts";
import { entryPositions } from "./group_entries.ts";

/** One channel as it appears in a downstream playlist. */
export interface AssembledChannel {
  channel: Channel;
  name: string;
  group: string;
  number: number | null;
  tvgId: string;
  logo: string;
  override: ChannelOverride | undefined;
  /** Index of the playlist's groups entry that placed it (the editor counts per entry). */
  entry: number;
}

/** Everything assembly reads. */
export interface AssemblyInput {
  playlist: Pick<
    DownstreamPlaylist,
    "groups" | "excludeFilters" | "filterMode" | "numbering" | "numberStart"
  >;
  /** Upstream playlists in the order their channels are listed. */
  upstreams: UpstreamPlaylist[];
  /** Channels of an upstream playlist in file order. */
  channelsOf: (playlistId: string) => Iterable<Channel>;
  groups: Map<string, Group>;
  groupOverrides: Map<string, GroupOverride>;
  channelOverrides: Map<string, ChannelOverride>;
}

/** Builds the name test of the exclusion filters (case-insensitive, like the seed). */
export function excludeTest(
  filters: string[],
  mode: DownstreamPlaylist["filterMode"],
): (name: string) => boolean {
  const lines = filters.map((f) => f.replace(/\r$/, "")).filter((f) => f.trim() !== "");
  if (!lines.length) return () => false;
  if (mode === "regex") {
    const res = lines.map((f) => new RegExp(f, "i"));
    return (name) => res.some((r) => r.test(name));
  }
  const lower = lines.map((f) => f.toLowerCase());
  const test = {
    any: (n: string, f: string) => n.includes(f),
    exact: (n: string, f: string) => n === f,
    prefix: (n: string, f: string) => n.startsWith(f),
    suffix: (n: string, f: string) => n.endsWith(f),
  }[mode];
  return (name) => {
    const n = name.toLowerCase();
    return lower.some((f) => test(n, f));
  };
}

function chno(c: Channel): number | null {
  const raw = c.attrs["tvg-chno"];
  if (!raw || !/^\d+$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

/** Assembles the channels of a downstream playlist in output order. */
export function assemble(input: AssemblyInput): AssembledChannel[] {
  const { playlist } = input;
  const position = entryPositions(playlist.groups);
  const excluded = excludeTest(playlist.excludeFilters, playlist.filterMode);
  const buckets: AssembledChannel[][] = playlist.groups.map(() => []);
  for (const up of input.upstreams) {
    if (!up.enabled) continue;
    for (const c of input.channelsOf(up.id)) {
      if (!c.enabled) continue;
      const group = input.groups.get(c.groupId);
      if (!group || !group.enabled) continue;
      const o = input.channelOverrides.get(c.id);
      const display = input.groupOverrides.get(group.id)?.name || group.name;
      const effective = o?.group || display;
      // A group is selected by what the admin sees or by its upstream name; a picked group only
      // in its own upstream playlist, a bare name (saved before picks) in every one.
      const pos = position(up.id, effective) ?? position(up.id, display) ??
        position(up.id, group.name);
      if (pos === undefined) continue;
      const name = o?.name || c.name;
      if (excluded(name)) continue;
      buckets[pos].push({
        channel: c,
        name,
        group: effective,
        number: o?.number ?? null,
        tvgId: o?.tvgId || c.attrs["tvg-id"] || "",
        logo: o?.logo || c.attrs["tvg-logo"] || "",
        override: o,
        entry: pos,
      });
    }
  }
  const out = buckets.flat();
  let next = playlist.numberStart;
  for (const a of out) {
    if (a.number !== null) continue;
    a.number = playlist.numbering === "sequential" ? next++ : chno(a.channel);
  }
  return out;
}
