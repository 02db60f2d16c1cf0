/** /api/v1/proxies, /api/v1/downstream-playlists and the override routes. */
import { createRoute, z } from "@hono/zod-openapi";
import {
  createProxy,
  deleteProxy,
  getProxy,
  listProxies,
  updateProxy,
} from "../../common/db/proxies.ts";
import {
  ChannelOverride,
  DownstreamPlaylist,
  DownstreamPlaylistInput,
  GroupOverride,
  Proxy,
  ProxyInput,
} from "../../common/schemas.ts";
import type { ManagerDeps } from "../deps.ts";
import {
  downstreamViewById,
  downstreamViews,
  removeDownstream,
  rotateTokens,
  saveDownstream,
} from "../services/downstream.ts";
import {
  getChannelOverride,
  putChannelOverride,
  renameGroup,
  renumberGroup,
} from "../services/overrides.ts";
import { apiRouter, errors, IdParam, json, listOf } from "./_common.ts";

const DownstreamView = DownstreamPlaylist.extend({
  playlistUrl: z.string(),
  guideUrl: z.string(),
}).openapi("DownstreamPlaylistView");
const jsonBody = <T extends z.ZodType>(schema: T) => ({
  content: { "application/json": { schema } },
  required: true,
});

/** The version an If-Match header names (RFC 9110 §13.1.1), or undefined without one. */
function ifMatch(headers: Record<string, string>): string | null | undefined {
  const h = headers["if-match"];
  if (h === undefined || h.trim() === "*") return undefined;
  return h.trim().replace(/^W\//, "").replace(/^"|"$/g, "") || null;
}

/** Routes of proxies, downstream playlists and overrides. */
export function outputsApi(deps: ManagerDeps) {
  const app = apiRouter();
  // --- proxies
  app.openapi(
    createRoute({
      method: "get",
      path: "/proxies",
      tags: ["Proxies"],
      responses: { 200: json(listOf(Proxy, "ProxyList"), "All proxies"), ...errors },
    }),
    async (c) => c.json({ items: await listProxies(deps.kv), cursor: null }, 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/proxies",
      tags: ["Proxies"],
      request: { body: jsonBody(ProxyInput) },
      responses: { 201: json(Proxy, "Created"), ...errors },
    }),
    async (c) => c.json(await createProxy(deps.kv, c.req.valid("json")), 201),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/proxies/{id}",
      tags: ["Proxies"],
      request: { params: IdParam },
      responses: { 200: json(Proxy, "The proxy"), ...errors },
    }),
    async (c) => c.json(await getProxy(deps.kv, c.req.valid("param").id), 200),
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/proxies/{id}",
      tags: ["Proxies"],
      request: { params: IdParam, body: jsonBody(ProxyInput) },
      responses: { 200: json(Proxy, "Updated"), ...errors },
    }),
    async (c) =>
      c.json(
        await updateProxy(deps.kv, c.req.valid("param").id, c.req.valid("json")),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/proxies/{id}",
      tags: ["Proxies"],
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...errors },
    }),
    async (c) => {
      await deleteProxy(deps.kv, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
  // --- downstream playlists
  const tags = ["Downstream playlists"];
  app.openapi(
    createRoute({
      method: "get",
      path: "/downstream-playlists",
      tags,
      responses: {
        200: json(listOf(DownstreamView, "DownstreamPlaylistList"), "All playlists"),
        ...errors,
      },
    }),
    async (c) => c.json({ items: await downstreamViews(deps), cursor: null }, 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/downstream-playlists",
      tags,
      request: { body: jsonBody(DownstreamPlaylistInput) },
      responses: { 201: json(DownstreamView, "Created"), ...errors },
    }),
    async (c) => {
      const p = await saveDownstream(deps, null, c.req.valid("json"));
      return c.json(await downstreamViewById(deps, p.id), 201);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/downstream-playlists/{id}",
      tags,
      request: { params: IdParam },
      responses: { 200: json(DownstreamView, "The playlist with its URLs"), ...errors },
    }),
    async (c) => c.json(await downstreamViewById(deps, c.req.valid("param").id), 200),
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/downstream-playlists/{id}",
      tags,
      request: { params: IdParam, body: jsonBody(DownstreamPlaylistInput) },
      responses: { 200: json(DownstreamView, "Updated"), ...errors },
    }),
    async (c) => {
      const p = await saveDownstream(deps, c.req.valid("param").id, c.req.valid("json"));
      return c.json(await downstreamViewById(deps, p.id), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/downstream-playlists/{id}/rotate-tokens",
      tags,
      request: { params: IdParam },
      responses: { 200: json(DownstreamView, "New URLs; the old ones stop working"), ...errors },
    }),
    async (c) => {
      const p = await rotateTokens(deps, c.req.valid("param").id);
      return c.json(await downstreamViewById(deps, p.id), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/downstream-playlists/{id}",
      tags,
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...errors },
    }),
    async (c) => {
      await removeDownstream(deps, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
  // --- overrides
  app.openapi(
    createRoute({
      method: "get",
      path: "/channels/{id}/override",
      tags: ["Channels"],
      request: { params: IdParam },
      responses: { 200: json(ChannelOverride, "The channel's overrides"), ...errors },
    }),
    async (c) => {
      const o = await getChannelOverride(deps, c.req.valid("param").id);
      // The ETag names the version; a PUT with it in If-Match replaces only that version.
      if (o.version) c.header("etag", `"${o.version}"`);
      return c.json(o.value, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/channels/{id}/override",
      tags: ["Channels"],
      request: { params: IdParam, body: jsonBody(ChannelOverride) },
      responses: { 200: json(ChannelOverride, "Saved; survives every refresh"), ...errors },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const o = await putChannelOverride(deps, id, c.req.valid("json"), ifMatch(c.req.header()));
      if (o.version) c.header("etag", `"${o.version}"`);
      return c.json(o.value, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/groups/{id}/override",
      tags: ["Groups"],
      request: { params: IdParam, body: jsonBody(GroupOverride) },
      responses: { 200: json(GroupOverride, "Renamed for all its channels"), ...errors },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const name = c.req.valid("json").name ?? "";
      const o = await renameGroup(deps, id, name, ifMatch(c.req.header()));
      if (o.version) c.header("etag", `"${o.version}"`);
      return c.json(o.value, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/groups/{id}/renumber",
      tags: ["Groups"],
      request: {
        params: IdParam,
        body: jsonBody(z.object({ start: z.number().int().min(0).max(1_000_000) })),
      },
      responses: { 200: json(z.object({ numbered: z.number().int() }), "Numbered"), ...errors },
    }),
    async (c) =>
      c.json({
        numbered: await renumberGroup(deps, c.req.valid("param").id, c.req.valid("json").start),
      }, 200),
  );
  return app;
}
