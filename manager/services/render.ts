/** Rendering of the device outputs, cached in both encodings until something changes. */
import { getProxy } from "../../common/db/proxies.ts";
import type { DownstreamPlaylist, Proxy } from "../../common/schemas.ts";
import type { Epg } from "../../common/xmltv/schemas.ts";
import { channelXml, guideFooter, guideHeader, programmesXml } from "../../common/xmltv/store.ts";
import type { ManagerDeps } from "../deps.ts";
import { type Rendered, rendered } from "../output/cache.ts";
import { renderM3u } from "../output/render_m3u.ts";
import { iconUrlFor, joinPort, publicUrls } from "./downstream.ts";
import { mappedDownstream } from "./guides.ts";

const DAY = 86_400_000;

/** Renders (or takes from the cache) a downstream playlist's M3U. */
export function renderDownstream(deps: ManagerDeps, p: DownstreamPlaylist): Promise<Rendered> {
  return deps.output.get(`m3u:${p.id}`, async (revision) => {
    let proxy: Proxy | null = null;
    if (p.streamMode === "proxy" && p.proxyId) {
      proxy = await getProxy(deps.kv, p.proxyId).catch(() => null);
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
    return await rendered(text, "audio/x-mpegurl; charset=utf-8", revision);
  });
}

/**
 * Renders (or takes from the cache) a downstream playlist's own guide: one `<channel>` per
 * tvg-id the playlist emits, with our names and icons, and the matched guide's programmes in
 * the playlist's window. Cached for at most 30 minutes, as the window moves with the clock.
 */
export function renderDownstreamGuide(deps: ManagerDeps, p: DownstreamPlaylist): Promise<Rendered> {
  return deps.output.get(`guide:${p.id}`, async (revision) => {
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
    return await rendered(parts.join(""), "application/xml; charset=utf-8", revision);
  }, 30 * 60_000);
}
