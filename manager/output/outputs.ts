/**
 * The device outputs, the only way from a downstream playlist's id to the bytes a device loads:
 * its M3U and its own guide, each rendered from current data when the change feed says what it
 * depends on changed, and cached in both encodings meanwhile.
 */
import { getDownstreamPlaylist } from "../../common/db/downstream_playlists.ts";
import { getProxy } from "../../common/db/proxies.ts";
import { NotFoundError } from "../../common/errors.ts";
import type { Topic } from "../../common/kv/revisions.ts";
import type { DownstreamPlaylist, Proxy } from "../../common/schemas.ts";
import type { Epg } from "../../common/xmltv/schemas.ts";
import { channelXml, guideFooter, guideHeader, programmesXml } from "../../common/xmltv/store.ts";
import type { ManagerDeps } from "../deps.ts";
import { iconUrlFor, joinPort, publicUrls } from "../services/downstream.ts";
import { mappedDownstream } from "../services/guides.ts";
import { type OutputKind, type Rendered, rendered } from "./cache.ts";
import { renderM3u } from "./render_m3u.ts";

const DAY = 86_400_000;

/** What a downstream playlist and its guide are made of. */
const TOPICS: Topic[] = ["downstreams", "channels", "overrides", "guides", "proxies", "icons"];

/** The kinds of output, for OutputCache. */
export function outputKinds(deps: ManagerDeps): Record<string, OutputKind> {
  return {
    m3u: { topics: TOPICS, build: (id) => withPlaylist(deps, id, renderPlaylist) },
    // The guide's window moves with the clock: rendered again after 30 minutes.
    guide: {
      topics: TOPICS,
      build: (id) => withPlaylist(deps, id, renderGuide),
      maxAgeMs: 30 * 60_000,
    },
  };
}

/** A downstream playlist's M3U, or null when it does not exist or is disabled. */
export function playlistOutput(deps: ManagerDeps, id: string): Promise<Rendered | null> {
  return deps.output.get("m3u", id);
}

/** A downstream playlist's own guide, or null when it does not exist or is disabled. */
export function guideOutput(deps: ManagerDeps, id: string): Promise<Rendered | null> {
  return deps.output.get("guide", id);
}

async function withPlaylist(
  deps: ManagerDeps,
  id: string,
  render: (deps: ManagerDeps, p: DownstreamPlaylist) => Promise<Rendered>,
): Promise<Rendered | null> {
  let p: DownstreamPlaylist;
  try {
    p = await getDownstreamPlaylist(deps.kv, id);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
  return p.enabled ? await render(deps, p) : null;
}

/** Renders a downstream playlist's M3U from current data. */
async function renderPlaylist(deps: ManagerDeps, p: DownstreamPlaylist): Promise<Rendered> {
  let proxy: Proxy | null = null;
  if (p.streamMode === "proxy" && p.proxyId) {
    try {
      proxy = await getProxy(deps.kv, p.proxyId);
    } catch (err) {
      // A deleted proxy: stream URLs fall back to the default proxy address.
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  // A channel without a tvg-id of its own takes its guide channel's id, so players match it.
  const channels = (await mappedDownstream(deps, p)).map((r) => ({
    ...r.channel,
    tvgId: r.tvgId,
  }));
  const text = renderM3u(channels, {
    guideUrl: publicUrls(deps.config, p).guideUrl,
    mode: p.streamMode,
    proxyBase: proxy
      ? joinPort(proxy.externalUrl, proxy.externalPort)
      : joinPort(deps.config.externalProxyUrl, deps.config.externalProxyPort),
    streamToken: p.streamToken,
    iconUrl: iconUrlFor(deps),
  });
  return await rendered(text, "audio/x-mpegurl; charset=utf-8");
}

/**
 * Renders a downstream playlist's own guide: one `<channel>` per tvg-id the playlist emits, with
 * our names and icons, and the matched guide's programmes in the playlist's window.
 */
async function renderGuide(deps: ManagerDeps, p: DownstreamPlaylist): Promise<Rendered> {
  const rows = await mappedDownstream(deps, p);
  const iconUrl = iconUrlFor(deps);
  const now = Date.now();
  const from = now - p.guidePastDays * DAY;
  const to = now + p.guideFutureDays * DAY;
  const parts: string[] = [guideHeader(), "\n"];
  const seen = new Set<string>();
  const withProgrammes: { outId: string; epg: Epg; channelId: string }[] = [];
  for (const r of rows) {
    if (!r.tvgId || seen.has(r.tvgId)) continue;
    seen.add(r.tvgId);
    const logo = r.channel.logo || r.match?.info.icon || "";
    parts.push(
      channelXml({
        id: r.tvgId,
        displayNames: [r.channel.name],
        icon: logo ? iconUrl(logo) : null,
      }),
      "\n",
    );
    if (r.match) {
      withProgrammes.push({ outId: r.tvgId, epg: r.match.epg, channelId: r.match.info.id });
    }
  }
  // KV reads of different channels overlap (8 at a time); the output keeps channel order.
  const programmes: string[][] = withProgrammes.map(() => []);
  let next = 0;
  const worker = async () => {
    while (next < withProgrammes.length) {
      const i = next++;
      const w = withProgrammes[i];
      for await (const chunk of programmesXml(deps.kv, w.epg, w.channelId, w.outId, from, to)) {
        programmes[i].push(chunk);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  for (const list of programmes) parts.push(...list);
  parts.push(guideFooter());
  return await rendered(parts.join(""), "application/xml; charset=utf-8");
}
