/** Downstream playlists: settings, public URLs, assembly and cached rendering. */
import {
  createDownstreamPlaylist,
  deleteDownstreamPlaylist,
  getDownstreamPlaylist,
  listDownstreamPlaylists,
  rotateDownstreamTokens,
  updateDownstreamPlaylist,
} from "../../common/db/downstream_playlists.ts";
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
export function downstreamView(config: Config, p: DownstreamPlaylist): DownstreamView {
  return { ...p, ...publicUrls(config, p) };
}

/** All downstream playlists with URLs. */
export async function downstreamViews(deps: ManagerDeps): Promise<DownstreamView[]> {
  return (await listDownstreamPlaylists(deps.kv)).map((p) => downstreamView(deps.config, p));
}

/** One downstream playlist with URLs. */
export async function downstreamViewById(deps: ManagerDeps, id: string): Promise<DownstreamView> {
  return downstreamView(deps.config, await getDownstreamPlaylist(deps.kv, id));
}

/** Creates (id null) or updates a downstream playlist after checking its proxy exists. */
export async function saveDownstream(
  deps: ManagerDeps,
  id: string | null,
  input: DownstreamPlaylistInput,
): Promise<DownstreamPlaylist> {
  if (input.proxyId) {
    try {
      await getProxy(deps.kv, input.proxyId);
    } catch (err) {
      if (err instanceof NotFoundError) {
        throw new ValidationError("The proxy does not exist", { proxyId: ["Unknown proxy"] });
      }
      throw err;
    }
  }
  const saved = id
    ? await updateDownstreamPlaylist(deps.kv, id, input)
    : await createDownstreamPlaylist(deps.kv, input);
  return saved;
}

/** Deletes a downstream playlist. */
export async function removeDownstream(deps: ManagerDeps, id: string): Promise<void> {
  await deleteDownstreamPlaylist(deps.kv, id);
}

/** Issues new tokens for a downstream playlist. */
export async function rotateTokens(deps: ManagerDeps, id: string): Promise<DownstreamPlaylist> {
  const p = await rotateDownstreamTokens(deps.kv, id);
  return p;
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
