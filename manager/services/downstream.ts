/** Downstream playlists: settings, public URLs, assembly and cached rendering. */
import type { Versioned } from "../../common/db/_repository.ts";
import { downstreamPlaylists } from "../../common/db/downstream_playlists.ts";
import { getProxy } from "../../common/db/proxies.ts";
import { NotFoundError, ValidationError } from "../../common/errors.ts";
import type { Config } from "../../common/config.ts";
import type { DownstreamPlaylist, DownstreamPlaylistInput } from "../../common/schemas.ts";
import type { ManagerDeps } from "../deps.ts";
import type { AssembledChannel } from "../../common/output/assemble.ts";
import { assemblePlaylist } from "../../common/output/membership.ts";

/** A downstream playlist with the URLs to hand to a device. */
export type DownstreamView = DownstreamPlaylist & { playlistUrl: string; guideUrl: string };

/** `scheme://host[:port]` from a base URL and a port (default ports left out). */
export function joinPort(base: string, port: number): string {
  const u = new URL(base);
  u.port = String(port);
  return u.origin;
}

/** The manager's public base URL (MANAGEMENT_URL with EXTERNAL_MANAGEMENT_PORT). */
export function managementBase(config: Config): string {
  return joinPort(config.managementUrl, config.externalManagementPort);
}

/** The public playlist and guide URLs of a downstream playlist. */
export function publicUrls(config: Config, p: DownstreamPlaylist) {
  const base = `${managementBase(config)}/manager/get/playlist/${encodeURIComponent(p.name)}`;
  const q = `?token=${p.token}`;
  return { playlistUrl: base + q, guideUrl: `${base}/epg.xml${q}` };
}

/** Adds the public URLs. */
export function withUrls(config: Config, p: DownstreamPlaylist): DownstreamView {
  return { ...p, ...publicUrls(config, p) };
}

/** All downstream playlists with URLs. */
export async function downstreamViews(deps: ManagerDeps): Promise<DownstreamView[]> {
  return (await downstreamPlaylists.list(deps.kv)).map((p) => withUrls(deps.config, p));
}

/** One downstream playlist with URLs, and the version it was read at. */
export async function downstreamView(
  deps: ManagerDeps,
  id: string,
): Promise<Versioned<DownstreamView>> {
  const { value, version } = await downstreamPlaylists.getVersioned(deps.kv, id);
  return { value: withUrls(deps.config, value), version };
}

/** Refuses a proxy that does not exist (ValidationError, 422). */
export async function checkDownstreamInput(
  deps: ManagerDeps,
  input: DownstreamPlaylistInput,
): Promise<void> {
  if (!input.proxyId) return;
  try {
    await getProxy(deps.kv, input.proxyId);
  } catch (err) {
    if (err instanceof NotFoundError) {
      throw new ValidationError("The proxy does not exist", { proxyId: ["Unknown proxy"] });
    }
    throw err;
  }
}

/** Assembles a downstream playlist's channels from the current data. */
export function assembleDownstream(
  deps: ManagerDeps,
  p: Parameters<typeof assemblePlaylist>[2],
): Promise<AssembledChannel[]> {
  return assemblePlaylist(deps.kv, deps.index, p);
}

/** The icon URL to publish for a logo (the cached copy when the icon cache has one). */
export function iconUrlFor(deps: ManagerDeps): (src: string) => string {
  const base = managementBase(deps.config);
  return (src) => deps.icons.urlFor(src, base);
}
