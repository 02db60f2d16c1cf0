/** /admin/groups: groups per playlist, enable/disable, and the copyable group list. */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { getUpstreamPlaylist, listUpstreamPlaylists } from "../../common/db/upstream_playlists.ts";
import { NotFoundError } from "../../common/errors.ts";
import type { ManagerEnv } from "../auth.ts";
import { Csrf, page } from "../components/Layout.tsx";
import { Copy } from "../components/Copy.tsx";
import type { ManagerDeps } from "../deps.ts";
import { formText } from "../resources/form.ts";
import { groupListText, groupViews, setGroupEnabled } from "../services/channels.ts";
import { getGroupOverride, renameGroup, renumberGroup } from "../services/overrides.ts";
import { Field, type FieldErrors, fieldErrors } from "../components/Field.tsx";
import { redirectWithNotice } from "../notice.ts";

// A field missing or posted as a file counts as empty (`catch`), as a browser never sends one.
const RenameForm = z.object({
  name: z.string().catch("").transform((v) => v.trim().slice(0, 500)),
  // Empty: the group had no override when the form was shown.
  version: z.string().optional().catch(undefined).transform((v) => v === "" ? null : v),
});
const ToggleForm = z.object({
  enabled: z.string().catch("").transform((v) => v === "true"),
  back: z.string().catch("").transform((v) => v.startsWith("/admin/groups") ? v : "/admin/groups"),
});
const RenumberForm = z.object({
  start: formText.pipe(
    z.string().trim().regex(/^\d{1,7}$/, "A whole number from 0 to 1000000")
      .transform(Number).refine((n) => n <= 1_000_000, "A whole number from 0 to 1000000"),
  ),
});

/** Routes of the group pages. */
export function groupRoutes(deps: ManagerDeps) {
  const app = new Hono<ManagerEnv>();
  app.get("/", async (c) => {
    const playlists = await listUpstreamPlaylists(deps.kv);
    const playlistId = c.req.query("playlistId") || undefined;
    const groups = await groupViews(deps, playlistId);
    const names = new Map(playlists.map((p) => [p.id, p.name]));
    const back = `/admin/groups${playlistId ? `?playlistId=${playlistId}` : ""}`;
    return page(
      c,
      "Groups",
      <>
        <form method="get" class="toolbar">
          <select name="playlistId" aria-label="Playlist" style="max-width:20rem">
            <option value="">All playlists</option>
            {playlists.map((p) => (
              <option value={p.id} selected={p.id === playlistId}>{p.name}</option>
            ))}
          </select>
          <button type="submit" class="secondary">Show</button>
          <a
            class="btn secondary"
            href={`/admin/groups/list${playlistId ? `?playlistId=${playlistId}` : ""}`}
          >
            Get group list
          </a>
        </form>
        <div class="card">
          {groups.length === 0
            ? <p class="muted">No groups yet: import a playlist first.</p>
            : (
              <table>
                <thead>
                  <tr>
                    <th>Group</th>
                    <th class="opt">Playlist</th>
                    <th>Channels</th>
                    <th>Enabled</th>
                  </tr>
                </thead>
                <tbody>
                  {groups.map((g) => (
                    <tr data-group={g.name}>
                      <td>
                        <a href={`/admin/channels?playlistId=${g.playlistId}&groupId=${g.id}`}>
                          {g.name}
                        </a>
                        {!g.present && (
                          <>
                            {" "}
                            <span class="badge failed">gone upstream</span>
                          </>
                        )} <a class="hint" href={`/admin/groups/${g.id}`}>rename, renumber</a>
                      </td>
                      <td class="opt">{names.get(g.playlistId)}</td>
                      <td>{g.enabledCount} / {g.channelCount}</td>
                      <td>
                        <form method="post" action={`/admin/groups/${g.id}/toggle`} class="inline">
                          <Csrf c={c} />
                          <input type="hidden" name="back" value={back} />
                          <input
                            type="hidden"
                            name="enabled"
                            value={g.enabled ? "false" : "true"}
                          />
                          <button
                            type="submit"
                            class={`small ${g.enabled ? "" : "secondary"}`}
                            aria-pressed={g.enabled}
                          >
                            {g.enabled ? "On" : "Off"}
                          </button>
                        </form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
        </div>
      </>,
    );
  });
  app.get("/list", async (c) => {
    const text = await groupListText(deps, c.req.query("playlistId") || undefined);
    return page(
      c,
      "Group list",
      <div class="card">
        <p class="hint">Copy these names into a downstream playlist or an exclusion list.</p>
        <pre class="copy" id="group-list" data-testid="group-list">{text}</pre>
        <Copy target="group-list" what="group list" />
        <a href="/admin/groups">Back to groups</a>
      </div>,
    );
  });
  const detail = async (
    c: Context<ManagerEnv>,
    id: string,
    opts: { start?: string; errors?: FieldErrors } = {},
  ) => {
    const g = (await groupViews(deps)).find((x) => x.id === id);
    if (!g) throw new NotFoundError(`Group ${id} was not found`);
    const [versioned, playlist] = await Promise.all([
      getGroupOverride(deps, g.id),
      getUpstreamPlaylist(deps.kv, g.playlistId),
    ]);
    const o = versioned.value;
    return page(
      c,
      `Group ${o.name || g.name}`,
      <>
        <p class="muted">
          In playlist {playlist.name}: {g.enabledCount} of {g.channelCount} channels enabled.
        </p>
        <form method="post" action={`/admin/groups/${g.id}/rename`} class="card">
          <Csrf c={c} />
          <input type="hidden" name="version" value={versioned.version ?? ""} />
          <Field
            label="Display name for all its channels"
            name="name"
            value={o.name ?? ""}
            hint={`Upstream name: ${g.name}. Empty restores it.`}
          />
          <p>
            <button type="submit">Rename group</button>
          </p>
        </form>
        <form method="post" action={`/admin/groups/${g.id}/renumber`} class="card">
          <Csrf c={c} />
          <Field
            label="Number its channels from"
            name="start"
            type="number"
            value={opts.start ?? "1"}
            errors={opts.errors}
            hint="Sets each channel's number override, in playlist order."
          />
          <p>
            <button type="submit">Renumber {g.channelCount} channels</button>
          </p>
        </form>
        <a href={`/admin/channels?playlistId=${g.playlistId}&groupId=${g.id}`}>
          Channels of this group
        </a>
      </>,
      { status: opts.errors ? 422 : 200 },
    );
  };
  app.get("/:id", (c) => detail(c, c.req.param("id")));
  app.post("/:id/rename", async (c) => {
    const { name, version } = RenameForm.parse(await c.req.parseBody());
    await renameGroup(deps, c.req.param("id"), name, version);
    return redirectWithNotice(c, `/admin/groups/${c.req.param("id")}`, { notice: "Group renamed" });
  });
  app.post("/:id/renumber", async (c) => {
    const body = await c.req.parseBody();
    const f = RenumberForm.safeParse(body);
    if (!f.success) {
      return detail(c, c.req.param("id"), {
        start: formText.parse(body.start),
        errors: fieldErrors(f.error),
      });
    }
    const n = await renumberGroup(deps, c.req.param("id"), f.data.start);
    return redirectWithNotice(c, `/admin/groups/${c.req.param("id")}`, {
      notice: `Numbered ${n} channels`,
    });
  });
  app.post("/:id/toggle", async (c) => {
    const { enabled, back } = ToggleForm.parse(await c.req.parseBody());
    await setGroupEnabled(deps, c.req.param("id"), enabled);
    return c.redirect(back, 303);
  });
  return app;
}
