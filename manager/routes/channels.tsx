/** /admin/channels: server-side paged search with the live filter island and bulk actions. */
import { Hono } from "hono";
import { z } from "zod";
import { listGroups } from "../../common/db/groups.ts";
import { listUpstreamPlaylists } from "../../common/db/upstream_playlists.ts";
import type { ManagerEnv } from "../auth.ts";
import { page } from "../components/Layout.tsx";
import type { ManagerDeps } from "../deps.ts";
import { ChannelStyles } from "../components/channel_styles.tsx";
import { ChannelTable } from "../islands/ChannelTable.tsx";
import { Island } from "../islands/island.tsx";
import { BulkRename, bulkRename } from "../services/channel_edits.ts";
import { channelViewPage } from "../services/channel_views.ts";
import { bulkSetEnabled } from "../services/channels.ts";
import { redirectWithNotice } from "../notice.ts";
import { fieldErrors } from "../components/Field.tsx";

const PAGE = 50;
const FilterForm = z.object({
  playlistId: z.string().max(64).optional().default(""),
  groupId: z.string().max(64).optional().default(""),
  enabled: z.enum(["", "true", "false"]).optional().catch("").default(""),
  q: z.string().max(200).optional().default(""),
  guide: z.enum(["", "none", "some"]).optional().catch("").default(""),
});

/** The rename form's fields; BulkRename checks what they make. */
const RenameForm = z.object({
  mode: z.string().max(20).default(""),
  find: z.string().max(500).default(""),
  replace: z.string().max(500).default(""),
  regex: z.string().max(10).optional(),
  text: z.string().max(200).default(""),
});

function backTo(f: z.infer<typeof FilterForm>): string {
  return `/admin/channels?${new URLSearchParams(Object.entries(f).filter(([, v]) => v !== ""))}`;
}

function toFilter(f: z.infer<typeof FilterForm>) {
  return {
    playlistId: f.playlistId || undefined,
    groupId: f.groupId || undefined,
    enabled: f.enabled === "" ? undefined : f.enabled === "true",
    q: f.q || undefined,
    guide: f.guide || undefined,
  };
}

/** Routes of the channel pages. */
export function channelRoutes(deps: ManagerDeps) {
  const app = new Hono<ManagerEnv>();
  app.get("/", async (c) => {
    const f = FilterForm.parse(c.req.query());
    const offset = Math.max(0, Number(c.req.query("offset")) || 0);
    const result = await channelViewPage(deps, toFilter(f), { offset, limit: PAGE });
    const playlists = (await listUpstreamPlaylists(deps.kv)).map((p) => ({
      id: p.id,
      name: p.name,
    }));
    const groups = (await listGroups(deps.kv)).map((g) => ({
      id: g.id,
      name: g.name,
      playlistId: g.playlistId,
    }));
    return page(
      c,
      "Channels",
      <>
        <ChannelStyles />
        <Island
          name="ChannelTable"
          component={ChannelTable}
          props={{
            filter: f,
            rows: result.items,
            total: result.total,
            offset,
            limit: PAGE,
            playlists,
            groups,
            csrf: c.var.session?.csrfToken ?? "",
          }}
        />
      </>,
    );
  });
  app.post("/bulk", async (c) => {
    const body = await c.req.parseBody();
    const f = FilterForm.parse(body);
    const enable = body.action === "enable";
    const n = await bulkSetEnabled(deps, toFilter(f), enable);
    return redirectWithNotice(c, backTo(f), {
      notice: `${enable ? "Enabled" : "Disabled"} ${n} channels`,
    });
  });
  app.post("/rename", async (c) => {
    const body = await c.req.parseBody();
    const f = FilterForm.parse(body);
    const form = RenameForm.parse(body);
    const rename = BulkRename.safeParse(
      form.mode === "replace"
        ? { mode: form.mode, find: form.find, replace: form.replace, regex: !!form.regex }
        : { mode: form.mode, text: form.text },
    );
    if (!rename.success) {
      const why = Object.values(fieldErrors(rename.error)).flat().join(" ");
      return redirectWithNotice(c, backTo(f), { notice: `Nothing renamed: ${why}` });
    }
    const r = await bulkRename(deps, toFilter(f), { rename: rename.data });
    return redirectWithNotice(c, backTo(f), {
      notice: `Renamed ${r.changed} of ${r.matched} channels`,
    });
  });
  return app;
}
