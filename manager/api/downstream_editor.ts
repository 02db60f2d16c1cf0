/**
 * /api/v1/downstream-playlists/editor/*: what the downstream playlist editor island reads, the
 * groups to pick from and a preview of unsaved settings. Under /downstream-playlists so a
 * read-only token may list the groups (api/scopes.ts); the preview is a POST, an admin's.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { checkExcludeFilters, DownstreamSelection } from "../../common/schemas.ts";
import type { ManagerDeps } from "../deps.ts";
import { groupChoices, previewDownstream } from "../services/downstream_editor.ts";
import { apiRouter, errors, json } from "./_common.ts";

const tags = ["Downstream playlists"];

const GroupChoicesSchema = z.object({
  playlists: z.array(z.object({ id: z.string(), name: z.string(), enabled: z.boolean() })),
  groups: z.array(z.object({
    playlistId: z.string(),
    name: z.string().openapi({ description: "The upstream name, what a pick stores" }),
    label: z.string().openapi({ description: "The name shown (a rename's, or the upstream one)" }),
    channels: z.number().int().openapi({ description: "Enabled channels of the group" }),
    enabled: z.boolean(),
  })),
}).openapi("DownstreamGroupChoices");

/** The settings a preview is made of; an invalid regular expression is a 400, not a 500. */
const PreviewInput = z.object({
  ...DownstreamSelection.shape,
  limit: z.number().int().min(1).max(1000).default(200),
}).superRefine(checkExcludeFilters).openapi("DownstreamPreviewInput");

const PreviewSchema = z.object({
  total: z.number().int(),
  withoutGuide: z.number().int(),
  perEntry: z.array(z.number().int())
    .openapi({ description: "Channels each groups entry contributes, in the entries' order" }),
  channels: z.array(z.object({
    id: z.string(),
    playlistId: z.string(),
    name: z.string(),
    group: z.string(),
    number: z.number().int().nullable(),
    logoSource: z.string(),
    logo: z.string().openapi({ description: "Where an admin page can show the logo from" }),
    tvgId: z.string(),
    guide: z.object({ by: z.enum(["manual", "tvg-id", "name"]), name: z.string() }).nullable(),
  })),
}).openapi("DownstreamPreview");

/** Routes of the downstream playlist editor. */
export function downstreamEditorApi(deps: ManagerDeps) {
  const app = apiRouter();
  app.openapi(
    createRoute({
      method: "get",
      path: "/downstream-playlists/editor/groups",
      tags,
      summary: "The groups a downstream playlist can pick, with upstream playlist and count",
      responses: {
        200: json(GroupChoicesSchema, "Upstream playlists and their groups"),
        ...errors,
      },
    }),
    async (c) => c.json(await groupChoices(deps), 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/downstream-playlists/editor/preview",
      tags,
      summary: "The channels a downstream playlist would contain with these settings",
      request: {
        body: { content: { "application/json": { schema: PreviewInput } }, required: true },
      },
      responses: { 200: json(PreviewSchema, "The first channels, with counts"), ...errors },
    }),
    async (c) => {
      const { limit, ...settings } = c.req.valid("json");
      return c.json(await previewDownstream(deps, settings, { limit }), 200);
    },
  );
  return app;
}
