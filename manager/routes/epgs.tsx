/** /admin/epgs: upstream guides (XMLTV) with their last import, live progress and actions. */
import { type Context, Hono } from "hono";
import { listUserAgents } from "../../common/db/user_agents.ts";
import { ConflictError, ValidationError } from "../../common/errors.ts";
import { type EpgImportRun, EpgInput } from "../../common/xmltv/schemas.ts";
import type { ManagerEnv } from "../auth.ts";
import { Field, type FieldErrors, fieldErrors } from "../components/Field.tsx";
import { Csrf, page } from "../components/Layout.tsx";
import type { ManagerDeps } from "../deps.ts";
import { GuideImportProgress, type GuideRunView } from "../islands/GuideImportProgress.tsx";
import { Island } from "../islands/island.tsx";
import { epgView, epgViews, removeEpg, saveEpg } from "../services/epgs.ts";
import { redirectWithNotice } from "../notice.ts";

type FormValues = Record<string, string>;

/** The few fields of a run the progress island needs (its props travel in the page). */
function runView(r: EpgImportRun): GuideRunView {
  const { id, status, bytes, totalBytes, durationMs, finishedAt, error, counts } = r;
  return {
    id,
    status,
    bytes,
    totalBytes,
    durationMs,
    finishedAt,
    error,
    counts,
    warnings: r.warnings.slice(0, 20),
  };
}

function toInput(body: Record<string, unknown>) {
  const s = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : "");
  return {
    name: s("name"),
    url: s("url"),
    path: s("path"),
    userAgentId: s("userAgentId") || null,
    refreshMinutes: s("refreshMinutes").trim() === "" ? undefined : Number(s("refreshMinutes")),
    enabled: s("enabled") === "on",
  };
}

function back(c: Context, message: string): Response {
  return redirectWithNotice(c, "/admin/epgs", { notice: message });
}

/** Routes of the guide pages. */
export function epgRoutes(deps: ManagerDeps) {
  const app = new Hono<ManagerEnv>();
  const form = async (
    c: Context<ManagerEnv>,
    opts: { id?: string; values: FormValues; errors?: FieldErrors; error?: string },
  ) => {
    const uas = await listUserAgents(deps.kv);
    const v = opts.values;
    return page(
      c,
      opts.id ? `Edit guide ${v.name}` : "New upstream guide",
      <form method="post" class="card" action={opts.id ? `/admin/epgs/${opts.id}` : "/admin/epgs"}>
        <Csrf c={c} />
        <Field label="Name" name="name" value={v.name} errors={opts.errors} required />
        <Field
          label="URL"
          name="url"
          type="url"
          value={v.url}
          errors={opts.errors}
          hint="An http(s) address of the XMLTV guide (plain or gzip). Leave empty for a local file."
        />
        <Field
          label="Local file"
          name="path"
          value={v.path}
          errors={opts.errors}
          hint={`A file inside DATA_DIR (${deps.config.dataDir}), e.g. imports/guide.xml.gz.`}
        />
        <label for="f-userAgentId">User agent</label>
        <select id="f-userAgentId" name="userAgentId">
          <option value="">Default (USER_AGENT_STRING)</option>
          {uas.map((ua) => (
            <option value={ua.id} selected={ua.id === v.userAgentId}>{ua.name}</option>
          ))}
        </select>
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
          <button type="submit">Save</button> <a href="/admin/epgs">Cancel</a>
        </p>
      </form>,
      { status: opts.errors || opts.error ? 422 : 200, error: opts.error },
    );
  };

  app.get("/", async (c) => {
    const list = await epgViews(deps);
    return page(
      c,
      "Upstream guides",
      <>
        <div class="toolbar">
          <a class="btn" href="/admin/epgs/new">Add guide</a>
        </div>
        <div class="card">
          {list.length === 0 ? <p class="muted">No guides yet.</p> : (
            <table class="stack">
              <thead>
                <tr>
                  <th>Name</th>
                  <th class="opt">Source</th>
                  <th>Last import</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                {list.map((g) => (
                  <tr data-epg={g.name}>
                    <td>
                      <a href={`/admin/epgs/${g.id}`}>{g.name}</a>
                      {!g.enabled && (
                        <>
                          {" "}
                          <span class="badge off">disabled</span>
                        </>
                      )}
                      <div class="hint">
                        Whole guide: /manager/get/epg/{encodeURIComponent(g.name)}?token=…
                      </div>
                    </td>
                    <td class="url opt" title={g.url || g.path}>{g.url || g.path}</td>
                    <td>
                      <Island
                        name="GuideImportProgress"
                        component={GuideImportProgress}
                        props={{
                          apiUrl: `/api/v1/epgs/${g.id}`,
                          run: g.lastImport && runView(g.lastImport),
                          timeZone: deps.config.timeZone,
                        }}
                      />
                    </td>
                    <td class="actions">
                      <form method="post" action={`/admin/epgs/${g.id}/import`} class="inline">
                        <Csrf c={c} />
                        <button class="small" type="submit">Download and import now</button>
                      </form>{" "}
                      <form method="post" action={`/admin/epgs/${g.id}/delete`} class="inline">
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
  app.get("/new", (c) => form(c, { values: { enabled: "on", refreshMinutes: "1440" } }));
  app.get("/:id", async (c) => {
    const g = await epgView(deps, c.req.param("id"));
    return form(c, {
      id: g.id,
      values: {
        name: g.name,
        url: g.url,
        path: g.path,
        userAgentId: g.userAgentId ?? "",
        refreshMinutes: String(g.refreshMinutes),
        enabled: g.enabled ? "on" : "",
      },
    });
  });
  const save = async (c: Context<ManagerEnv>, id?: string) => {
    const body = await c.req.parseBody();
    const values = Object.fromEntries(
      Object.entries(body).filter(([, v]) => typeof v === "string"),
    ) as FormValues;
    const parsed = EpgInput.safeParse(toInput(body));
    if (!parsed.success) return form(c, { id, values, errors: fieldErrors(parsed.error) });
    try {
      await saveEpg(deps, id ?? null, parsed.data);
    } catch (err) {
      if (err instanceof ValidationError) return form(c, { id, values, errors: err.issues });
      if (err instanceof ConflictError) return form(c, { id, values, error: err.message });
      throw err;
    }
    return back(c, "Guide saved");
  };
  app.post("/", (c) => save(c));
  app.post("/:id", (c) => save(c, c.req.param("id")));
  app.post("/:id/import", async (c) => {
    try {
      await deps.startEpgImport(c.req.param("id"), "manual");
    } catch (err) {
      if (err instanceof ConflictError) return back(c, err.message);
      throw err;
    }
    return back(c, "Import started");
  });
  app.post("/:id/delete", async (c) => {
    await removeEpg(deps, c.req.param("id"));
    return back(c, "Guide deleted");
  });
  return app;
}
