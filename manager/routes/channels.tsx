/** /admin/channels: server-side paged search with the live filter island and bulk actions. */
import { Hono } from "hono";
import { z } from "zod";
import { listGroups } from "../../common/db/groups.ts";
import { listUpstreamPlaylists } from "../../common/db/upstream_playlists.ts";
import type { ManagerEnv } from "../auth.ts";
import { page } from "../components/Layout.tsx";
import type { ManagerDeps } from "../deps.ts";
import { ChannelTable, toRow } from "../islands/ChannelTable.tsx";
import { Island } from "../islands/island.tsx";
import { bulkSetEnabled } from "../services/channels.ts";
import { redirectWithNotice } from "../notice.ts";

const PAGE = 50;
const FilterForm = z.object({
  playlistId: z.string().max(64).optional().default(""),
  groupId: z.string().max(64).optional().default(""),
  enabled: z.enum(["", "true", "false"]).optional().catch("").default(""),
  q: z.string().max(200).optional().default(""),
});

function toFilter(f: z.infer<typeof FilterForm>) {
  return {
    playlistId: f.playlistId || undefined,
    groupId: f.groupId || undefined,
    enabled: f.enabled === "" ? undefined : f.enabled === "true",
    q: f.q || undefined,
  };
}

/** Routes of the channel pages. */
export function channelRoutes(deps: ManagerDeps) {
  const app = new Hono<ManagerEnv>();
  app.get("/", async (c) => {
    const f = FilterForm.parse(c.req.query());
    const offset = Math.max(0, Number(c.req.query("offset")) || 0);
    const result = deps.index.page(toFilter(f), offset, PAGE);
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
      <Island
        name="ChannelTable"
        component={ChannelTable}
        props={{
          filter: f,
          rows: result.items.map(toRow),
          total: result.total,
          offset,
          limit: PAGE,
          playlists,
          groups,
          csrf: c.var.session?.csrfToken ?? "",
        }}
      />,
    );
  });
  app.post("/bulk", async (c) => {
    const body = await c.req.parseBody();
    const f = FilterForm.parse(body);
    const enable = body.action === "enable";
    const n = await bulkSetEnabled(deps, toFilter(f), enable);
    const q = new URLSearchParams(Object.entries(f).filter(([, v]) => v !== ""));
    return redirectWithNotice(c, `/admin/channels?${q}`, {
      notice: `${enable ? "Enabled" : "Disabled"} ${n} channels`,
    });
  });
  return app;
}
