/**
 * What the downstream playlist editor shows: the groups an admin can pick (each with its
 * upstream playlist and channel count) and a preview of the channels a set of unsaved settings
 * gives, assembled by the same function the playlist URLs and the streaming proxy use.
 */
import { listGroups } from "../../common/db/groups.ts";
import { loadGroupOverrides } from "../../common/db/overrides.ts";
import { listUpstreamPlaylists } from "../../common/db/upstream_playlists.ts";
import type { DownstreamPlaylist } from "../../common/schemas.ts";
import type { ManagerDeps } from "../deps.ts";
import { mappedDownstream } from "./guides.ts";

/** An upstream playlist as the editor names it. */
export interface ChoicePlaylist {
  id: string;
  name: string;
  enabled: boolean;
}

/** A group an admin can pick. */
export interface GroupChoice {
  playlistId: string;
  /** The upstream name: what a pick stores, so renaming the group does not lose it. */
  name: string;
  /** The name the admin sees (a group override's, or the upstream name). */
  label: string;
  /** Enabled channels of the group, the ones a downstream playlist can list. */
  channels: number;
  /** False when the group or its upstream playlist is disabled (its channels are not listed). */
  enabled: boolean;
}

/** The upstream playlists (in the order playlists are assembled) and their groups. */
export interface GroupChoices {
  playlists: ChoicePlaylist[];
  groups: GroupChoice[];
}

/** Every group present in an upstream playlist, by label, then by upstream playlist. */
export async function groupChoices(deps: ManagerDeps): Promise<GroupChoices> {
  const [upstreams, groups, overrides] = await Promise.all([
    listUpstreamPlaylists(deps.kv),
    listGroups(deps.kv),
    loadGroupOverrides(deps.kv),
  ]);
  const counts = new Map<string, number>();
  for (const up of upstreams) {
    for (const c of deps.index.channelsOf(up.id)) {
      if (c.enabled) counts.set(c.groupId, (counts.get(c.groupId) ?? 0) + 1);
    }
  }
  const order = new Map(upstreams.map((u, i) => [u.id, i]));
  const enabled = new Map(upstreams.map((u) => [u.id, u.enabled]));
  const choices = groups
    // A group the last import did not see has no channels to list; one of a deleted playlist
    // neither.
    .filter((g) => g.present && order.has(g.playlistId))
    .map((g) => ({
      playlistId: g.playlistId,
      name: g.name,
      label: overrides.get(g.id)?.name || g.name,
      channels: counts.get(g.id) ?? 0,
      enabled: g.enabled && (enabled.get(g.playlistId) ?? false),
    }))
    .sort((a, b) =>
      a.label.localeCompare(b.label) || order.get(a.playlistId)! - order.get(b.playlistId)!
    );
  return {
    playlists: upstreams.map((u) => ({ id: u.id, name: u.name, enabled: u.enabled })),
    groups: choices,
  };
}

/** The settings a preview is made of: a downstream playlist's, saved or not. */
export type PreviewSettings = Pick<
  DownstreamPlaylist,
  "groups" | "excludeFilters" | "filterMode" | "numbering" | "numberStart"
>;

/** One channel of a preview. */
export interface PreviewChannel {
  id: string;
  playlistId: string;
  name: string;
  group: string;
  number: number | null;
  /** The logo as the playlist names it; "" for none. */
  logoSource: string;
  /** Where the admin page can show it from (the icon cache's copy); "" when it cannot. */
  logo: string;
  tvgId: string;
  /** How the channel finds its guide data, and the guide channel's name; null for none. */
  guide: { by: "manual" | "tvg-id" | "name"; name: string } | null;
}

/** What a downstream playlist would contain with these settings. */
export interface Preview {
  total: number;
  withoutGuide: number;
  /** Channels each groups entry contributes, in the order of the entries. */
  perEntry: number[];
  /** The first `limit` channels, in output order. */
  channels: PreviewChannel[];
}

/** Assembles a preview of the first `limit` channels of a downstream playlist's settings. */
export async function previewDownstream(
  deps: ManagerDeps,
  settings: PreviewSettings,
  opts: { limit: number },
): Promise<Preview> {
  const mapped = await mappedDownstream(deps, settings);
  const shown = (src: string) => {
    if (!src) return "";
    // Relative: the admin page may be reached at another address than MANAGEMENT_URL.
    const url = deps.icons.urlFor(src, "");
    // With the icon cache on, pages may show images from this site only (manager/app.ts CSP).
    return url.startsWith("/") || !deps.config.iconCache ? url : "";
  };
  const perEntry = settings.groups.map(() => 0);
  let withoutGuide = 0;
  for (const m of mapped) {
    if (m.channel.entry !== undefined) perEntry[m.channel.entry]++;
    if (!m.match) withoutGuide++;
  }
  return {
    total: mapped.length,
    withoutGuide,
    perEntry,
    channels: mapped.slice(0, opts.limit).map(({ channel: a, match, tvgId }) => ({
      id: a.channel.id,
      playlistId: a.channel.playlistId,
      name: a.name,
      group: a.group,
      number: a.number,
      logoSource: a.logo,
      logo: shown(a.logo),
      tvgId,
      guide: match ? { by: match.by, name: match.info.displayNames[0] ?? match.info.id } : null,
    })),
  };
}
