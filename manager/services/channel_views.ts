/**
 * Channels as the channel list shows them: the admin's overrides applied, the logo through the
 * icon cache, the guide channel each maps to, and the override's version an inline edit names.
 */
import { readChannelOverrides } from "../../common/db/overrides.ts";
import { NotFoundError } from "../../common/errors.ts";
import type { Channel, ChannelOverride } from "../../common/schemas.ts";
import type { ManagerDeps } from "../deps.ts";
import { type GuideIndex, type GuideMatch, matchChannelGuide } from "../output/guide_map.ts";
import { type ChannelListFilter, channelPage } from "./channel_search.ts";
import { logoUrl } from "./guide_channels.ts";
import { guideIndex } from "./guides.ts";

/** The guide channel a channel maps to, and how it was found. */
export interface GuideMatchView {
  epgId: string;
  epgName: string;
  channelId: string;
  name: string;
  logo: string | null;
  by: GuideMatch["by"];
}

/** One channel as the list shows and edits it. */
export interface ChannelView {
  id: string;
  playlistId: string;
  groupId: string;
  /** the name shown: the override, else the imported name */
  name: string;
  importedName: string;
  /** the stream URL as imported */
  url: string;
  /** the number override, or null */
  number: number | null;
  /** the imported tvg-chno, shown when there is no override */
  chno: string;
  /** the tvg-id shown: the override, else the imported one */
  tvgId: string;
  logo: string | null;
  enabled: boolean;
  keepStatus: boolean;
  missing: boolean;
  blockedReason: string | null;
  /** the admin's manual guide mapping, if any */
  mapping: { epgId: string; channelId: string } | null;
  guide: GuideMatchView | null;
  /** the override's versionstamp (null: none stored); an edit sends it as If-Match */
  version: string | null;
}

/** A page of channel views. */
export interface ChannelViewPage {
  items: ChannelView[];
  total: number;
  nextOffset: number | null;
}

/** One channel's view from its override and the guide index. */
export function channelView(
  deps: ManagerDeps,
  { channel: c, override: o, guides }: {
    channel: Channel;
    override: { value: ChannelOverride; version: string | null };
    guides: GuideIndex;
  },
): ChannelView {
  const ov = o.value;
  const name = ov.name || c.name;
  const tvgId = ov.tvgId || c.attrs["tvg-id"] || "";
  const m = matchChannelGuide(guides, c, ov);
  return {
    id: c.id,
    playlistId: c.playlistId,
    groupId: c.groupId,
    name,
    importedName: c.name,
    url: c.url,
    number: ov.number ?? null,
    chno: c.attrs["tvg-chno"] ?? "",
    tvgId,
    logo: logoUrl(deps, ov.logo || c.attrs["tvg-logo"] || ""),
    enabled: c.enabled,
    keepStatus: c.keepStatus,
    missing: c.missing,
    blockedReason: c.blockedReason,
    mapping: ov.epg ? { ...ov.epg } : null,
    guide: m
      ? {
        epgId: m.epg.id,
        epgName: m.epg.name,
        channelId: m.info.id,
        name: m.info.displayNames[0] ?? m.info.id,
        logo: m.info.icon ? logoUrl(deps, m.info.icon) : null,
        by: m.by,
      }
      : null,
    version: o.version,
  };
}

/** Views of some channels, in the order given. */
export async function channelViews(deps: ManagerDeps, channels: Channel[]): Promise<ChannelView[]> {
  const [overrides, guides] = await Promise.all([
    readChannelOverrides(deps.kv, channels.map((c) => c.id)),
    guideIndex(deps),
  ]);
  return channels.map((channel) =>
    channelView(deps, { channel, override: overrides.get(channel.id)!, guides })
  );
}

/** One page of the index, as views: only the page's overrides are read. */
export async function channelViewPage(
  deps: ManagerDeps,
  filter: ChannelListFilter,
  opts: { offset: number; limit: number },
): Promise<ChannelViewPage> {
  const page = await channelPage(deps, filter, opts);
  return {
    items: await channelViews(deps, page.items),
    total: page.total,
    nextOffset: page.nextOffset,
  };
}

/** One channel's view, or NotFoundError. */
export async function channelViewById(deps: ManagerDeps, id: string): Promise<ChannelView> {
  const c = deps.index.get(id);
  if (!c) throw new NotFoundError(`Channel ${id} was not found`);
  return (await channelViews(deps, [c]))[0];
}
