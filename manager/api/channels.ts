/** /api/v1/groups and /api/v1/channels */
import { createRoute, z } from "@hono/zod-openapi";
import {
  Channel,
  ChannelOverride,
  ChannelPatch,
  ChannelQuery,
  Group,
  GroupPatch,
} from "../../common/schemas.ts";
import { NotFoundError } from "../../common/errors.ts";
import type { ManagerDeps } from "../deps.ts";
import {
  BulkRename,
  bulkRename,
  ChannelOverridePatch,
  patchChannelOverride,
} from "../services/channel_edits.ts";
import { channelPage } from "../services/channel_search.ts";
import { channelViewById, channelViewPage } from "../services/channel_views.ts";
import { searchGuideChannels } from "../services/guide_channels.ts";
import { getChannelOverride } from "../services/overrides.ts";
import {
  bulkSetEnabled,
  groupListText,
  groupViews,
  patchChannel,
  setGroupEnabled,
} from "../services/channels.ts";
import { apiRouter, errors, errorsOf, IdParam, json, offsetOf, pageOf } from "./_common.ts";
import { ifMatch, setEtag } from "./_if_match.ts";
import { ChannelViewList, ChannelViewSchema, GuideChannelList } from "./_channel_views.ts";

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
const GuideFilter = z.enum(["none", "some"]).optional().openapi({
  description: "none: only channels without guide data; some: only channels with guide data",
});
const BulkFilter = z.object({
  playlistId: z.string().max(64).optional(),
  groupId: z.string().max(64).optional(),
  enabled: z.boolean().optional(),
  q: z.string().max(200).optional(),
  guide: GuideFilter,
});
const ListQuery = ChannelQuery.extend({ guide: GuideFilter });
const BulkInput = BulkFilter.extend({
  set: z.object({ enabled: z.boolean() }),
}).openapi("ChannelBulkInput");
const BulkRenameInput = BulkFilter.extend({
  rename: BulkRename,
  /** only count and show samples; change nothing */
  dryRun: z.boolean().optional().default(false),
}).openapi("ChannelBulkRenameInput");
const GuideChannelQuery = z.object({
  q: z.string().max(200).optional(),
  epgId: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional().default(20),
  cursor: z.string().max(100).optional(),
});
const IfMatchHeader = z.object({
  "if-match": z.string().max(200).optional().openapi({
    description: 'The ETag the edit was made from; `""` when the channel had no overrides',
  }),
});

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
      request: { query: ListQuery },
      responses: { 200: json(ChannelList, "One page of matching channels"), ...errors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const page = await channelPage(deps, q, { offset: offsetOf(q.cursor), limit: q.limit });
      return c.json(pageOf(page), 200);
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
  app.openapi(
    createRoute({
      method: "post",
      path: "/channels/bulk-rename",
      tags: ["Channels"],
      description: "Renames every channel matching the filter (name overrides). " +
        "With dryRun, answers how many would change and a few examples.",
      request: {
        body: { content: { "application/json": { schema: BulkRenameInput } }, required: true },
      },
      responses: {
        200: json(
          z.object({
            matched: z.number().int(),
            changed: z.number().int(),
            samples: z.array(z.object({ id: z.string(), from: z.string(), to: z.string() })),
          }),
          "What changed (or would change)",
        ),
        ...errors,
      },
    }),
    async (c) => {
      const { rename, dryRun, ...filter } = c.req.valid("json");
      return c.json(await bulkRename(deps, filter, { rename, dryRun }), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "patch",
      path: "/channels/{id}/override",
      tags: ["Channels"],
      description: "Changes some overrides: a field left out stays, null clears it. " +
        "With If-Match, a change made since that version answers 409.",
      request: {
        params: IdParam,
        headers: IfMatchHeader,
        body: {
          content: { "application/json": { schema: ChannelOverridePatch } },
          required: true,
        },
      },
      responses: { 200: json(ChannelOverride, "Saved; survives every refresh"), ...errors },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      await patchChannelOverride(deps, id, {
        patch: c.req.valid("json"),
        expectVersion: ifMatch(c.req.header("if-match")),
      });
      const o = await getChannelOverride(deps, id);
      setEtag(c, o.version);
      return c.json(o.value, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/channel-views",
      tags: ["Channels"],
      description: "Channels as the admin sees them: overrides applied, logo, guide match, " +
        "and the version an edit sends as If-Match.",
      request: { query: ListQuery },
      responses: { 200: json(ChannelViewList, "One page of matching channels"), ...errors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const page = await channelViewPage(deps, q, { offset: offsetOf(q.cursor), limit: q.limit });
      return c.json(pageOf(page), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/channel-views/{id}",
      tags: ["Channels"],
      request: { params: IdParam },
      responses: { 200: json(ChannelViewSchema, "The channel as the admin sees it"), ...errors },
    }),
    async (c) => {
      const v = await channelViewById(deps, c.req.valid("param").id);
      setEtag(c, v.version);
      return c.json(v, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/guide-channels",
      tags: ["Guides"],
      description: "Guide channels of every enabled, imported guide whose id or name contains " +
        "q, exact and prefix matches first, each with the programme on now.",
      request: { query: GuideChannelQuery },
      responses: { 200: json(GuideChannelList, "One page of guide channels"), ...errors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const page = await searchGuideChannels(deps, {
        q: q.q,
        epgId: q.epgId,
        offset: offsetOf(q.cursor),
        limit: q.limit,
      });
      return c.json(pageOf(page), 200);
    },
  );
  return app;
}
