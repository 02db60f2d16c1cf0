/**
 * Maps downstream channels to guide channels: the admin's manual mapping first, then the
 * channel's tvg-id, then its name against the guides' display names (case-insensitive).
 */
import type { Epg } from "../../common/xmltv/schemas.ts";
import type { EpgChannelInfo } from "../../common/xmltv/store.ts";
import type { AssembledChannel } from "../../common/output/assemble.ts";
import type { Channel, ChannelOverride } from "../../common/schemas.ts";

/** What a guide match reads of a channel: its manual mapping, tvg-id and names. */
export type GuideKeys = Pick<AssembledChannel, "channel" | "name" | "tvgId" | "override">;

/** The guide channels of every usable guide, indexed for mapping. */
export interface GuideIndex {
  epgs: Map<string, Epg>;
  byKey: Map<string, EpgChannelInfo>;
  byId: Map<string, EpgChannelInfo>;
  byName: Map<string, EpgChannelInfo>;
}

/** Where a channel's programmes come from, and how it was found. */
export interface GuideMatch {
  info: EpgChannelInfo;
  epg: Epg;
  by: "manual" | "tvg-id" | "name";
}

/** Builds the index from guides (in priority order) and their channels. */
export function buildGuideIndex(guides: { epg: Epg; channels: EpgChannelInfo[] }[]): GuideIndex {
  const index: GuideIndex = {
    epgs: new Map(),
    byKey: new Map(),
    byId: new Map(),
    byName: new Map(),
  };
  for (const { epg, channels } of guides) {
    index.epgs.set(epg.id, epg);
    for (const c of channels) {
      index.byKey.set(`${epg.id}\0${c.id}`, c);
      if (!index.byId.has(c.id)) index.byId.set(c.id, c);
      for (const n of c.displayNames) {
        const k = n.trim().toLowerCase();
        if (k && !index.byName.has(k)) index.byName.set(k, c);
      }
    }
  }
  return index;
}

/** Finds the guide channel of one downstream channel, or null when it has no guide data. */
export function matchGuide(index: GuideIndex, a: GuideKeys): GuideMatch | null {
  const manual = a.override?.epg;
  if (manual) {
    const info = index.byKey.get(`${manual.epgId}\0${manual.channelId}`);
    if (info) return { info, epg: index.epgs.get(info.epgId)!, by: "manual" };
  }
  if (a.tvgId) {
    const info = index.byId.get(a.tvgId);
    if (info) return { info, epg: index.epgs.get(info.epgId)!, by: "tvg-id" };
  }
  const byName = index.byName.get(a.name.trim().toLowerCase()) ??
    index.byName.get(a.channel.name.trim().toLowerCase());
  if (byName) return { info: byName, epg: index.epgs.get(byName.epgId)!, by: "name" };
  return null;
}

/**
 * A channel and its override as outside a playlist (the channel list, its guide filter): the
 * name and tvg-id derived as assembly derives them, so it matches as the outputs do.
 */
export function matchChannelGuide(
  index: GuideIndex,
  channel: Channel,
  override: ChannelOverride | undefined,
): GuideMatch | null {
  return matchGuide(index, {
    channel,
    name: override?.name || channel.name,
    tvgId: override?.tvgId || channel.attrs["tvg-id"] || "",
    override,
  });
}

/** The tvg-id a playlist emits: the channel's own (or overridden) one, else its guide's id. */
export function outputTvgId(a: AssembledChannel, m: GuideMatch | null): string {
  return a.tvgId || m?.info.id || "";
}
