/**
 * The public outputs devices load: `/manager/get/playlist/<name>?token=…` (the seed's URL plus a
 * required token). An unknown name, a wrong or missing token and a disabled playlist all answer
 * the same 404, so names cannot be probed.
 */
import { Hono } from "hono";
import { findByNameAndToken, isPlaylistToken } from "../../common/db/downstream_playlists.ts";
import { findEpgByName } from "../../common/db/epgs.ts";
import type { DownstreamPlaylist } from "../../common/schemas.ts";
import type { ManagerEnv } from "../auth.ts";
import type { ManagerDeps } from "../deps.ts";
import { serveRendered } from "../output/cache.ts";
import { wholeGuideStream } from "../services/guides.ts";
import { guideOutput, playlistOutput } from "../output/outputs.ts";

const NOT_FOUND = () =>
  new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain" } });

/**
 * `findByNameAndToken` with a memory of recent hits: devices reload their playlist often and
 * two KV reads cost more than serving the cached bytes. The hits are kept while the change
 * feed's "downstreams" topic stays where it was when they were read (the app reads the feed
 * before every request), so a rotated token or a disabled playlist stops working at once,
 * whichever process changed it. Only found pairs are remembered, so wrong tokens cannot fill
 * the memory.
 */
function playlistLookup(deps: ManagerDeps) {
  let stamp = deps.feed.stamps.downstreams;
  const hits = new Map<string, DownstreamPlaylist>();
  return async (name: string, token: string): Promise<DownstreamPlaylist | null> => {
    if (stamp !== deps.feed.stamps.downstreams) {
      hits.clear();
      stamp = deps.feed.stamps.downstreams;
    }
    const key = `${name}\n${token}`;
    const hit = hits.get(key);
    if (hit) return hit;
    const before = stamp;
    const playlist = await findByNameAndToken(deps.kv, name, token);
    // A change during the reads may have made the answer stale: do not remember it.
    if (playlist && before === stamp) hits.set(key, playlist);
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
    const out = await playlistOutput(deps, p.id);
    if (!out) return NOT_FOUND();
    return serveRendered(c.req.raw, out, {
      "content-disposition": `inline; filename="${encodeURIComponent(p.name)}.m3u"`,
    });
  });
  // The playlist's own guide, as XML (gzip when accepted) or as a .xml.gz file.
  app.get("/playlist/:name/:file{epg\\.xml(\\.gz)?}", async (c) => {
    const p = await lookup(c.req.param("name"), c.req.query("token") ?? "");
    if (!p) return NOT_FOUND();
    const out = await guideOutput(deps, p.id);
    if (!out) return NOT_FOUND();
    if (c.req.param("file").endsWith(".gz")) {
      const gz = await out.gzip();
      return serveRendered(
        c.req.raw,
        { ...out, body: gz, contentType: "application/gzip" },
        { "content-disposition": `attachment; filename="${encodeURIComponent(p.name)}.xml.gz"` },
        { compress: false },
      );
    }
    return serveRendered(c.req.raw, out);
  });
  // The seed's whole upstream guide; any enabled downstream playlist's token opens it.
  app.get("/epg/:name", async (c) => {
    const [epg, ok] = await Promise.all([
      findEpgByName(deps.kv, c.req.param("name")),
      isPlaylistToken(deps.kv, c.req.query("token") ?? ""),
    ]);
    if (!epg || !ok || !epg.enabled || !epg.generation) return NOT_FOUND();
    // The whole guide changes with its generation and with icons newly cached.
    const etag = `"${epg.generation}-${deps.feed.stamps.icons ?? "0"}"`;
    const headers: Record<string, string> = {
      "content-type": "application/xml; charset=utf-8",
      etag,
      vary: "Accept-Encoding",
      "cache-control": "private, no-cache",
    };
    if (c.req.header("if-none-match") === etag) return new Response(null, { status: 304, headers });
    let body = wholeGuideStream(deps, epg);
    if (/\bgzip\b/.test(c.req.header("accept-encoding") ?? "")) {
      body = body.pipeThrough(
        new CompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>,
      );
      headers["content-encoding"] = "gzip";
    }
    return new Response(body, { headers });
  });
  return app;
}
