/** /api/v1/upstream-playlists */
import { createRoute, z } from "@hono/zod-openapi";
import { ImportRun, UpstreamPlaylist, UpstreamPlaylistInput } from "../../common/schemas.ts";
import type { ManagerDeps } from "../deps.ts";
import {
  playlistView,
  playlistViews,
  removePlaylist,
  savePlaylist,
} from "../services/playlists.ts";
import { apiRouter, errors, IdParam, json, listOf } from "./_common.ts";

const View = UpstreamPlaylist.extend({
  lastImport: ImportRun.nullable(),
  channelCount: z.number().int(),
}).openapi("UpstreamPlaylistView");
const body = { content: { "application/json": { schema: UpstreamPlaylistInput } }, required: true };
const tags = ["Upstream playlists"];

/** Routes of the upstream playlist API. */
export function upstreamPlaylistsApi(deps: ManagerDeps) {
  const app = apiRouter();
  app.openapi(
    createRoute({
      method: "get",
      path: "/upstream-playlists",
      tags,
      responses: { 200: json(listOf(View, "UpstreamPlaylistList"), "All playlists"), ...errors },
    }),
    async (c) => c.json({ items: await playlistViews(deps), cursor: null }, 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/upstream-playlists",
      tags,
      request: { body },
      responses: { 201: json(View, "Created"), ...errors },
    }),
    async (c) => {
      const p = await savePlaylist(deps, null, c.req.valid("json"));
      return c.json(await playlistView(deps, p.id), 201);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/upstream-playlists/{id}",
      tags,
      request: { params: IdParam },
      responses: { 200: json(View, "The playlist with its last import"), ...errors },
    }),
    async (c) => c.json(await playlistView(deps, c.req.valid("param").id), 200),
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/upstream-playlists/{id}",
      tags,
      request: { params: IdParam, body },
      responses: { 200: json(View, "Updated"), ...errors },
    }),
    async (c) => {
      const p = await savePlaylist(deps, c.req.valid("param").id, c.req.valid("json"));
      return c.json(await playlistView(deps, p.id), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/upstream-playlists/{id}",
      tags,
      request: { params: IdParam },
      responses: { 204: { description: "Deleted with its groups and channels" }, ...errors },
    }),
    async (c) => {
      await removePlaylist(deps, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/upstream-playlists/{id}/import",
      tags,
      request: { params: IdParam },
      responses: { 202: json(ImportRun, "The import started; poll the playlist"), ...errors },
    }),
    async (c) => {
      const { run } = await deps.startImport(c.req.valid("param").id, "api");
      return c.json(run, 202);
    },
  );
  return app;
}
