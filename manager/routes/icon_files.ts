/**
 * Public icon files: `/manager/icons/<id>` (an extension matching the type may follow). No
 * login: players load icons without one, and ids are random ULIDs that cannot be guessed.
 */
import { Hono } from "hono";
import type { ManagerDeps } from "../deps.ts";

const NOT_FOUND = () =>
  new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain" } });

/** True when an If-None-Match header names the ETag (RFC 9110 §13.1.2, weak comparison). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}

/** Routes that serve cached icons. */
export function iconFileRoutes(deps: Pick<ManagerDeps, "icons">) {
  const app = new Hono();
  app.get("/:file", async (c) => {
    const id = c.req.param("file").replace(/\.[a-z0-9]{1,5}$/i, "");
    const icon = deps.icons.get(id);
    if (!icon?.etag || !icon.contentType) return NOT_FOUND();
    const etag = `"${icon.etag}"`;
    const headers: Record<string, string> = {
      "cache-control": "public, max-age=86400",
      etag,
      // An SVG opened on its own is a document of this origin: no scripts, no loads.
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    };
    if (matches(c.req.header("if-none-match"), etag)) {
      return new Response(null, { status: 304, headers });
    }
    const found = await deps.icons.read(id);
    if (!found) return NOT_FOUND();
    return new Response(found.bytes as BodyInit, {
      headers: {
        ...headers,
        "content-type": found.icon.contentType ?? icon.contentType,
        etag: `"${found.icon.etag}"`,
      },
    });
  });
  return app;
}
