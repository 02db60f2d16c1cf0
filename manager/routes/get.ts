/**
 * The public outputs devices load: `/manager/get/playlist/<name>?token=…` (the seed's URL plus a
 * required token). An unknown name, a wrong or missing token and a disabled playlist all answer
 * the same 404, so names cannot be probed.
 */
import { Hono } from "hono";
import { findByNameAndToken } from "../../common/db/downstream_playlists.ts";
import type { DownstreamPlaylist } from "../../common/schemas.ts";
import type { ManagerEnv } from "../auth.ts";
import type { ManagerDeps } from "../deps.ts";
import { serveRendered } from "../output/cache.ts";
import { renderDownstream } from "../services/downstream.ts";

const NOT_FOUND = () =>
  new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain" } });

/** How long a verified name and token are trusted without asking KV again. */
const LOOKUP_FRESH_MS = 5_000;

/**
 * `findByNameAndToken` with a memory of recent hits: devices reload their playlist often and
 * two KV reads cost more than serving the cached bytes. Every change made through this manager
 * bumps `deps.output.revision`, which forgets them all at once (a rotated token or a disabled
 * playlist stops working at once); a write from another process is seen within
 * LOOKUP_FRESH_MS. Only found pairs are remembered, so wrong tokens cannot fill the memory.
 */
function playlistLookup(deps: ManagerDeps) {
  let revision = deps.output.revision;
  const hits = new Map<string, { playlist: DownstreamPlaylist; until: number }>();
  return async (name: string, token: string): Promise<DownstreamPlaylist | null> => {
    if (revision !== deps.output.revision) {
      hits.clear();
      revision = deps.output.revision;
    }
    const key = `${name}\n${token}`;
    const now = Date.now();
    const hit = hits.get(key);
    if (hit && hit.until > now) return hit.playlist;
    const before = deps.output.revision;
    const playlist = await findByNameAndToken(deps.kv, name, token);
    // A change during the reads may have made the answer stale: do not remember it.
    if (playlist && before === deps.output.revision) {
      hits.set(key, { playlist, until: now + LOOKUP_FRESH_MS });
    } else hits.delete(key);
    return playlist;
  };
}

/** Routes of the public outputs. */
export function getRoutes(deps: ManagerDeps) {
  const app = new Hono<ManagerEnv>();
  const lookup = playlistLookup(deps);
  app.get("/playlist/:name", async (c) => {
    const name = c.req.param("name").replace(/\.m3u8?$/i, "");
    const p = await lookup(name, c.req.query("token") ?? "");
    if (!p) return NOT_FOUND();
    const out = await renderDownstream(deps, p);
    return serveRendered(c.req.raw, out, {
      "content-disposition": `inline; filename="${encodeURIComponent(p.name)}.m3u"`,
    });
  });
  return app;
}
