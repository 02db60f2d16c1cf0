/**
 * Where the channel page plays a channel: its stream URL on the streaming proxy, with the stream
 * token of an enabled downstream playlist that contains it (the proxy serves nothing else).
 */
import { listDownstreamPlaylists } from "../../common/db/downstream_playlists.ts";
import { getProxy } from "../../common/db/proxies.ts";
import { NotFoundError } from "../../common/errors.ts";
import type { DownstreamPlaylist } from "../../common/schemas.ts";
import type { ManagerDeps } from "../deps.ts";
import type { PlayKind } from "../islands/PlayButton.tsx";
import { streamExtension, streamUrl } from "../output/render_m3u.ts";
import { joinPort } from "./downstream.ts";

/** A channel's stream through the proxy, and how a browser plays it. */
export interface PlayTarget {
  url: string;
  /** the proxy's origin, which the page's CSP must let the player fetch from */
  origin: string;
  kind: PlayKind;
  /** the downstream playlist whose stream token the URL carries */
  playlist: string;
}

/** The proxy address a downstream playlist's stream URLs point at (its proxy's, else the default). */
export async function proxyBaseOf(deps: ManagerDeps, p: DownstreamPlaylist): Promise<string> {
  if (p.proxyId) {
    try {
      const proxy = await getProxy(deps.kv, p.proxyId);
      return joinPort(proxy.externalUrl, proxy.externalPort);
    } catch (err) {
      // A deleted proxy: stream URLs fall back to the default proxy address.
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return joinPort(deps.config.externalProxyUrl, deps.config.externalProxyPort);
}

/** How a browser plays a stream, by the extension the proxy URL keeps. */
export function playKind(upstreamUrl: string): PlayKind {
  const ext = streamExtension(upstreamUrl);
  if (ext === ".m3u8" || ext === ".m3u") return "hls";
  if ([".mp4", ".m4v", ".webm", ".mp3", ".aac", ".ogg"].includes(ext)) return "native";
  // .ts and anything else: IPTV's HTTP streams are MPEG-TS.
  return "mpegts";
}

/**
 * The proxy URL to play `channelId` with, from the first enabled downstream playlist that streams
 * through a proxy and contains it; null when there is none (direct playlists hand out upstream
 * URLs, which a page cannot fetch across origins, and would bypass the connection limits).
 */
export async function playTarget(deps: ManagerDeps, channelId: string): Promise<PlayTarget | null> {
  const channel = deps.index.get(channelId);
  if (!channel) return null;
  const playlists = (await listDownstreamPlaylists(deps.kv))
    .filter((p) => p.enabled && p.streamMode === "proxy");
  for (const p of playlists) {
    // The proxy's own rule, cached until what membership depends on changes.
    if (!(await deps.members.contains(p.id, channelId))) continue;
    const proxyBase = await proxyBaseOf(deps, p);
    return {
      url: streamUrl({ channel }, { mode: "proxy", proxyBase, streamToken: p.streamToken }),
      origin: new URL(proxyBase).origin,
      kind: playKind(channel.url),
      playlist: p.name,
    };
  }
  return null;
}
