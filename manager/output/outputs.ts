/**
 * The device outputs, the only way from a downstream playlist's id to the bytes a device loads:
 * its M3U and its own guide, each rendered from current data when the change feed says what it
 * depends on changed, and cached in both encodings meanwhile.
 */
import { getDownstreamPlaylist } from "../../common/db/downstream_playlists.ts";
import { NotFoundError } from "../../common/errors.ts";
import type { Topic } from "../../common/kv/revisions.ts";
import type { DownstreamPlaylist } from "../../common/schemas.ts";
import type { ManagerDeps } from "../deps.ts";
import { iconUrlFor, publicUrls } from "../services/downstream.ts";
import { proxyBaseOf } from "../services/play.ts";
import { mappedDownstream } from "../services/guides.ts";
import { type OutputKind, type Rendered, rendered } from "./cache.ts";
import { renderGuide } from "./render_guide.ts";
import { renderM3u } from "./render_m3u.ts";

/** What a downstream playlist and its guide are made of. */
const TOPICS: Topic[] = ["downstreams", "channels", "overrides", "guides", "proxies", "icons"];

/** The kinds of output, for OutputCache. */
export function outputKinds(deps: ManagerDeps): Record<string, OutputKind> {
  return {
    m3u: { topics: TOPICS, build: (id) => withPlaylist(deps, id, (p) => renderPlaylist(deps, p)) },
    // The guide's window moves with the clock: rendered again after 30 minutes. Devices load a
    // guide far less often than a playlist (many once a day), and a render after a guide import
    // reads every part anew: kept ready for a day after the last request.
    guide: {
      topics: TOPICS,
      build: (id, previous) => withPlaylist(deps, id, (p) => renderGuide(deps, p, previous)),
      maxAgeMs: 30 * 60_000,
      warmForMs: 25 * 3_600_000,
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
  render: (p: DownstreamPlaylist) => Promise<Rendered>,
): Promise<Rendered | null> {
  let p: DownstreamPlaylist;
  try {
    p = await getDownstreamPlaylist(deps.kv, id);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
  return p.enabled ? await render(p) : null;
}

/** Renders a downstream playlist's M3U from current data. */
async function renderPlaylist(deps: ManagerDeps, p: DownstreamPlaylist): Promise<Rendered> {
  // A channel without a tvg-id of its own takes its guide channel's id, so players match it.
  const channels = (await mappedDownstream(deps, p)).map((r) => ({
    ...r.channel,
    tvgId: r.tvgId,
  }));
  const text = renderM3u(channels, {
    guideUrl: publicUrls(deps.config, p).guideUrl,
    mode: p.streamMode,
    proxyBase: await proxyBaseOf(deps, p),
    streamToken: p.streamToken,
    iconUrl: iconUrlFor(deps),
  });
  return await rendered(text, "audio/x-mpegurl; charset=utf-8");
}
