/**
 * The public outputs devices load: `/manager/get/playlist/<name>?token=…` (the seed's URL plus a
 * required token). An unknown name, a wrong or missing token and a disabled playlist all answer
 * the same 404, so names cannot be probed.
 */
import { Hono } from "hono";
import { findByNameAndToken } from "../../common/db/downstream_playlists.ts";
import type { ManagerEnv } from "../auth.ts";
import type { ManagerDeps } from "../deps.ts";
import { serveRendered } from "../output/cache.ts";
import { renderDownstream } from "../services/downstream.ts";

const NOT_FOUND = () =>
  new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain" } });

/** Routes of the public outputs. */
export function getRoutes(deps: ManagerDeps) {
  const app = new Hono<ManagerEnv>();
  app.get("/playlist/:name", async (c) => {
    const name = c.req.param("name").replace(/\.m3u8?$/i, "");
    const p = await findByNameAndToken(deps.kv, name, c.req.query("token") ?? "");
    if (!p) return NOT_FOUND();
    const out = await renderDownstream(deps, p);
    return serveRendered(c.req.raw, out, {
      "content-disposition": `inline; filename="${encodeURIComponent(p.name)}.m3u"`,
    });
  });
  return app;
}
