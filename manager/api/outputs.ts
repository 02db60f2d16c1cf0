/** /api/v1 override routes of channels and groups. */
import { createRoute, z } from "@hono/zod-openapi";
import { ChannelOverride, GroupOverride } from "../../common/schemas.ts";
import type { ManagerDeps } from "../deps.ts";
import {
  getChannelOverride,
  putChannelOverride,
  renameGroup,
  renumberGroup,
} from "../services/overrides.ts";
import { apiRouter, errors, IdParam, json } from "./_common.ts";
import { ifMatch, setEtag } from "./_if_match.ts";

const jsonBody = <T extends z.ZodType>(schema: T) => ({
  content: { "application/json": { schema } },
  required: true,
});

/** Routes of the channel and group overrides. */
export function outputsApi(deps: ManagerDeps) {
  const app = apiRouter();
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
      setEtag(c, o.version);
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
      const o = await putChannelOverride(
        deps,
        id,
        c.req.valid("json"),
        ifMatch(c.req.header("if-match")),
      );
      setEtag(c, o.version);
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
      const o = await renameGroup(deps, id, name, ifMatch(c.req.header("if-match")));
      setEtag(c, o.version);
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
