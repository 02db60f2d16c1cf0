/** /api/v1/groups and /api/v1/channels */
import { createRoute, z } from "@hono/zod-openapi";
import { Channel, ChannelPatch, ChannelQuery, Group, GroupPatch } from "../../common/schemas.ts";
import { NotFoundError } from "../../common/errors.ts";
import type { ManagerDeps } from "../deps.ts";
import {
  bulkSetEnabled,
  groupListText,
  groupViews,
  patchChannel,
  setGroupEnabled,
} from "../services/channels.ts";
import { apiRouter, errors, errorsOf, IdParam, json, offsetOf } from "./_common.ts";

const GroupView = Group.extend({
  channelCount: z.number().int(),
  enabledCount: z.number().int(),
}).openapi("GroupView");
const ChannelList = z.object({
  items: z.array(Channel),
  cursor: z.string().nullable(),
  total: z.number().int(),
}).openapi("ChannelList");
const PlaylistFilter = z.object({ playlistId: z.string().max(64).optional() });
const BulkInput = z.object({
  playlistId: z.string().max(64).optional(),
  groupId: z.string().max(64).optional(),
  enabled: z.boolean().optional(),
  q: z.string().max(200).optional(),
  set: z.object({ enabled: z.boolean() }),
}).openapi("ChannelBulkInput");

/** Routes of the group and channel API. */
export function channelsApi(deps: ManagerDeps) {
  const app = apiRouter();
  app.openapi(
    createRoute({
      method: "get",
      path: "/groups",
      tags: ["Groups"],
      request: { query: PlaylistFilter },
      responses: {
        200: json(z.object({ items: z.array(GroupView), cursor: z.string().nullable() }), "Groups"),
        ...errors,
      },
    }),
    async (c) => {
      const items = await groupViews(deps, c.req.valid("query").playlistId);
      return c.json({ items, cursor: null }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/groups/names",
      tags: ["Groups"],
      request: { query: PlaylistFilter },
      responses: {
        200: { content: { "text/plain": { schema: z.string() } }, description: "One name a line" },
        ...errorsOf(400),
      },
    }),
    async (c) => c.text(await groupListText(deps, c.req.valid("query").playlistId), 200),
  );
  app.openapi(
    createRoute({
      method: "patch",
      path: "/groups/{id}",
      tags: ["Groups"],
      request: {
        params: IdParam,
        body: { content: { "application/json": { schema: GroupPatch } }, required: true },
      },
      responses: { 200: json(Group, "Updated"), ...errors },
    }),
    async (c) =>
      c.json(
        await setGroupEnabled(deps, c.req.valid("param").id, c.req.valid("json").enabled),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/channels",
      tags: ["Channels"],
      request: { query: ChannelQuery },
      responses: { 200: json(ChannelList, "One page of matching channels"), ...errors },
    }),
    (c) => {
      const q = c.req.valid("query");
      const page = deps.index.page(q, offsetOf(q.cursor), q.limit);
      return c.json({
        items: page.items,
        cursor: page.nextOffset === null ? null : String(page.nextOffset),
        total: page.total,
      }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/channels/{id}",
      tags: ["Channels"],
      request: { params: IdParam },
      responses: { 200: json(Channel, "The channel"), ...errors },
    }),
    (c) => {
      const ch = deps.index.get(c.req.valid("param").id);
      if (!ch) throw new NotFoundError(`Channel ${c.req.valid("param").id} was not found`);
      return c.json(ch, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "patch",
      path: "/channels/{id}",
      tags: ["Channels"],
      request: {
        params: IdParam,
        body: { content: { "application/json": { schema: ChannelPatch } }, required: true },
      },
      responses: { 200: json(Channel, "Updated"), ...errors },
    }),
    async (c) =>
      c.json(await patchChannel(deps, c.req.valid("param").id, c.req.valid("json")), 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/channels/bulk",
      tags: ["Channels"],
      request: { body: { content: { "application/json": { schema: BulkInput } }, required: true } },
      responses: {
        200: json(z.object({ updated: z.number().int() }), "How many channels changed"),
        ...errors,
      },
    }),
    async (c) => {
      const { set, ...filter } = c.req.valid("json");
      return c.json({ updated: await bulkSetEnabled(deps, filter, set.enabled) }, 200);
    },
  );
  return app;
}
