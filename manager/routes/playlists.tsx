/** /admin/playlists: upstream playlists with their last import, live progress and actions. */
import { type Context, Hono } from "hono";
import { listUserAgents } from "../../common/db/user_agents.ts";
import { ConflictError, ValidationError } from "../../common/errors.ts";
import { type ImportRun, UpstreamPlaylistInput } from "../../common/schemas.ts";
import type { ManagerEnv } from "../auth.ts";
import { Field, type FieldErrors, fieldErrors, TextArea } from "../components/Field.tsx";
import { Csrf, page } from "../components/Layout.tsx";
import type { ManagerDeps } from "../deps.ts";
import { ImportProgress, type RunView } from "../islands/ImportProgress.tsx";
import { Island } from "../islands/island.tsx";
import {
  playlistView,
  playlistViews,
  removePlaylist,
  savePlaylist,
} from "../services/playlists.ts";
import { redirectWithNotice } from "../notice.ts";

type FormValues = Record<string, string>;

/** The few fields of a run the progress island needs (its props travel in the page). */
function runView(r: ImportRun): RunView {
  const { id, status, bytes, totalBytes, durationMs, finishedAt, error, counts } = r;
  return { id, status, bytes, totalBytes, durationMs, finishedAt, error, counts };
}

function toInput(body: Record<string, unknown>) {
  const s = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : "");
  const num = (k: string) => (s(k).trim() === "" ? undefined : Number(s(k)));
  return {
    name: s("name"),
    url: s("url"),
    path: s("path"),
    userAgentId: s("userAgentId") || null,
    excludedGroups: s("excludedGroups").split(/\r?\n/).map((g) => g.trim()).filter(Boolean),
    maxConnections: num("maxConnections"),
    refreshMinutes: num("refreshMinutes"),
    enabled: s("enabled") === "on",
  };
}

/** Routes of the upstream playlist pages. */
export function playlistRoutes(deps: ManagerDeps) {
  const app = new Hono<ManagerEnv>();
  const form = async (
    c: Context<ManagerEnv>,
    opts: { id?: string; values: FormValues; errors?: FieldErrors; error?: string },
  ) => {
    const uas = await listUserAgents(deps.kv);
    const v = opts.values;
    return page(
      c,
      opts.id ? `Edit playlist ${v.name}` : "New upstream playlist",
      <form
        method="post"
        class="card"
        action={opts.id ? `/admin/playlists/${opts.id}` : "/admin/playlists"}
      >
        <Csrf c={c} />
        <Field label="Name" name="name" value={v.name} errors={opts.errors} required />
        <Field
          label="URL"
          name="url"
          type="url"
          value={v.url}
          errors={opts.errors}
          hint="An http(s) address of the M3U playlist. Leave empty for a local file."
        />
        <Field
          label="Local file"
          name="path"
          value={v.path}
          errors={opts.errors}
          hint={`A file inside DATA_DIR (${deps.config.dataDir}), e.g. imports/provider.m3u.`}
        />
        <label for="f-userAgentId">User agent</label>
        <select id="f-userAgentId" name="userAgentId">
          <option value="">Default (USER_AGENT_STRING)</option>
          {uas.map((ua) => (
            <option value={ua.id} selected={ua.id === v.userAgentId}>{ua.name}</option>
          ))}
        </select>
        <TextArea
          label="Excluded groups"
          name="excludedGroups"
          value={v.excludedGroups}
          errors={opts.errors}
          hint="One group-title a line; channels of these groups are not imported."
        />
        <Field
          label="Max connections"
          name="maxConnections"
          type="number"
          value={v.maxConnections}
          errors={opts.errors}
          hint="How many streams the provider allows at once (0: no limit)."
        />
        <Field
          label="Refresh every (minutes)"
          name="refreshMinutes"
          type="number"
          value={v.refreshMinutes}
          errors={opts.errors}
          hint="0 turns the scheduled refresh off."
        />
        <label>
          <input type="checkbox" name="enabled" checked={v.enabled === "on"} /> Enabled
        </label>
        <p>
          <button type="submit">Save</button> <a href="/admin/playlists">Cancel</a>
        </p>
      </form>,
      { status: opts.errors || opts.error ? 422 : 200, error: opts.error },
    );
  };

  app.get("/", async (c) => {
    const list = await playlistViews(deps);
    return page(
      c,
      "Upstream playlists",
      <>
        <div class="toolbar">
          <a class="btn" href="/admin/playlists/new">Add playlist</a>
        </div>
        <div class="card">
          {list.length === 0 ? <p class="muted">No playlists yet.</p> : (
            <table class="stack">
              <thead>
                <tr>
                  <th>Name</th>
                  <th class="opt">Source</th>
                  <th>Channels and last import</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                {list.map((p) => (
                  <tr data-playlist={p.name}>
                    <td>
                      <a href={`/admin/playlists/${p.id}`}>{p.name}</a>
                      {!p.enabled && (
                        <>
                          {" "}
                          <span class="badge off">disabled</span>
                        </>
                      )}
                    </td>
                    <td class="url opt" title={p.url || p.path}>{p.url || p.path}</td>
                    <td>
                      <Island
                        name="ImportProgress"
                        component={ImportProgress}
                        props={{
                          playlistId: p.id,
                          run: p.lastImport && runView(p.lastImport),
                          channelCount: p.channelCount,
                          timeZone: deps.config.timeZone,
                        }}
                      />
                    </td>
                    <td class="actions">
                      <form method="post" action={`/admin/playlists/${p.id}/import`} class="inline">
                        <Csrf c={c} />
                        <button class="small" type="submit">Download and import now</button>
                      </form>{" "}
                      <form method="post" action={`/admin/playlists/${p.id}/delete`} class="inline">
                        <Csrf c={c} />
                        <button class="small danger" type="submit">Delete</button>
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
  app.get("/new", (c) =>
    form(c, {
      values: { enabled: "on", maxConnections: "1", refreshMinutes: "1440", excludedGroups: "" },
    }));
  app.get("/:id", async (c) => {
    const p = await playlistView(deps, c.req.param("id"));
    return form(c, {
      id: p.id,
      values: {
        name: p.name,
        url: p.url,
        path: p.path,
        userAgentId: p.userAgentId ?? "",
        excludedGroups: p.excludedGroups.join("\n"),
        maxConnections: String(p.maxConnections),
        refreshMinutes: String(p.refreshMinutes),
        enabled: p.enabled ? "on" : "",
      },
    });
  });
  const save = async (c: Context<ManagerEnv>, id?: string) => {
    const body = await c.req.parseBody();
    const values = Object.fromEntries(
      Object.entries(body).filter(([, v]) => typeof v === "string"),
    ) as FormValues;
    const parsed = UpstreamPlaylistInput.safeParse(toInput(body));
    if (!parsed.success) return form(c, { id, values, errors: fieldErrors(parsed.error) });
    try {
      await savePlaylist(deps, id ?? null, parsed.data);
    } catch (err) {
      if (err instanceof ValidationError) return form(c, { id, values, errors: err.issues });
      if (err instanceof ConflictError) return form(c, { id, values, error: err.message });
      throw err;
    }
    return redirectWithNotice(c, "/admin/playlists", { notice: "Playlist saved" });
  };
  app.post("/", (c) => save(c));
  app.post("/:id", (c) => save(c, c.req.param("id")));
  app.post("/:id/import", async (c) => {
    try {
      await deps.startImport(c.req.param("id"), "manual");
    } catch (err) {
      if (err instanceof ConflictError) {
        return redirectWithNotice(c, "/admin/playlists", { notice: err.message });
      }
      throw err;
    }
    return redirectWithNotice(c, "/admin/playlists", { notice: "Import started" });
  });
  app.post("/:id/delete", async (c) => {
    await removePlaylist(deps, c.req.param("id"));
    return redirectWithNotice(c, "/admin/playlists", { notice: "Playlist deleted" });
  });
  return app;
}
