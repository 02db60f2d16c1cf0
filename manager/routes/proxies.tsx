/** /admin/proxies: streaming proxies (manual, or registered by a proxy process itself). */
import { type Context, Hono } from "hono";
import {
  createProxy,
  deleteProxy,
  getProxy,
  listProxies,
  updateProxy,
} from "../../common/db/proxies.ts";
import { ConflictError } from "../../common/errors.ts";
import { HEARTBEAT_STALE_MS, listHeartbeats } from "../../common/streams/slots.ts";
import { ProxyInput } from "../../common/schemas.ts";
import type { ManagerEnv } from "../auth.ts";
import { Field, type FieldErrors, fieldErrors, formatTime } from "../components/Field.tsx";
import { Csrf, page } from "../components/Layout.tsx";
import type { ManagerDeps } from "../deps.ts";
import { joinPort } from "../services/downstream.ts";
import { redirectWithNotice } from "../notice.ts";

type Values = Record<string, string>;

const WRAP = "overflow-wrap:anywhere";

/** Routes of the proxy pages. */
export function proxyRoutes(deps: ManagerDeps) {
  const app = new Hono<ManagerEnv>();
  const form = (
    c: Context<ManagerEnv>,
    opts: { id?: string; values: Values; errors?: FieldErrors; error?: string },
  ) =>
    page(
      c,
      opts.id ? "Edit proxy" : "New proxy",
      <form
        method="post"
        class="card"
        action={opts.id ? `/admin/proxies/${opts.id}` : "/admin/proxies"}
      >
        <Csrf c={c} />
        <Field label="Name" name="name" value={opts.values.name} errors={opts.errors} required />
        <Field
          label="Internal URL"
          name="internalUrl"
          value={opts.values.internalUrl}
          errors={opts.errors}
          hint="How the manager reaches the proxy, e.g. http://localhost."
        />
        <Field
          label="Internal port"
          name="internalPort"
          type="number"
          value={opts.values.internalPort}
          errors={opts.errors}
        />
        <Field
          label="External URL"
          name="externalUrl"
          value={opts.values.externalUrl}
          errors={opts.errors}
          hint="How your devices reach the proxy; used in playlist stream URLs."
        />
        <Field
          label="External port"
          name="externalPort"
          type="number"
          value={opts.values.externalPort}
          errors={opts.errors}
        />
        <p>
          <button type="submit">Save</button> <a href="/admin/proxies">Cancel</a>
        </p>
      </form>,
      { status: opts.errors || opts.error ? 422 : 200, error: opts.error },
    );
  const listPage = async (c: Context<ManagerEnv>, error?: string) => {
    const [list, beats] = await Promise.all([listProxies(deps.kv), listHeartbeats(deps.kv)]);
    // Online while its heartbeat (every 5 s, under a key of its own) is fresh.
    const lastSeen = (name: string) => {
      const at = beats.get(name.toLowerCase())?.at;
      return at ? new Date(at).toISOString() : null;
    };
    const online = (name: string) =>
      Date.now() - (beats.get(name.toLowerCase())?.at ?? 0) < HEARTBEAT_STALE_MS;
    return page(
      c,
      "Proxies",
      <>
        <div class="toolbar">
          <a class="btn" href="/admin/proxies/new">Add proxy</a>
        </div>
        <div class="card">
          {list.length === 0 ? <p class="muted">No proxies yet.</p> : (
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>External address</th>
                  <th class="opt">Internal</th>
                  <th>State</th>
                  <th class="opt">Last seen</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                {list.map((p) => (
                  <tr>
                    <td>
                      <a href={`/admin/proxies/${p.id}`}>{p.name}</a>{" "}
                      <span class="badge">{p.source}</span>
                    </td>
                    {/* Addresses have no spaces to wrap at; on a phone they would push the row out. */}
                    <td style={WRAP}>{joinPort(p.externalUrl, p.externalPort)}</td>
                    <td class="opt" style={WRAP}>{joinPort(p.internalUrl, p.internalPort)}</td>
                    <td>
                      {online(p.name)
                        ? <span class="badge ok">online</span>
                        : <span class="badge off">offline</span>}
                    </td>
                    <td class="opt">
                      {formatTime(lastSeen(p.name) ?? p.lastSeenAt, deps.config.timeZone)}
                    </td>
                    <td>
                      <form method="post" action={`/admin/proxies/${p.id}/delete`} class="inline">
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
      { status: error ? 409 : 200, error },
    );
  };
  app.get("/", (c) => listPage(c));
  app.get("/new", (c) =>
    form(c, {
      values: {
        internalUrl: "http://localhost",
        internalPort: "8089",
        externalUrl: deps.config.externalProxyUrl,
        externalPort: String(deps.config.externalProxyPort),
      },
    }));
  app.get("/:id", async (c) => {
    const p = await getProxy(deps.kv, c.req.param("id"));
    return form(c, {
      id: p.id,
      values: {
        name: p.name,
        internalUrl: p.internalUrl,
        internalPort: String(p.internalPort),
        externalUrl: p.externalUrl,
        externalPort: String(p.externalPort),
      },
    });
  });
  const save = async (c: Context<ManagerEnv>, id?: string) => {
    const body = await c.req.parseBody();
    const values = Object.fromEntries(
      Object.entries(body).filter(([, v]) => typeof v === "string"),
    ) as Values;
    const parsed = ProxyInput.safeParse({
      ...values,
      internalPort: Number(values.internalPort),
      externalPort: Number(values.externalPort),
    });
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error);
      // zod says "expected number, received NaN" for an empty or mistyped port.
      for (const k of ["internalPort", "externalPort"]) {
        if (errors[k]) errors[k] = ["A port from 1 to 65535"];
      }
      return form(c, { id, values, errors });
    }
    try {
      if (id) await updateProxy(deps.kv, id, parsed.data);
      else await createProxy(deps.kv, parsed.data);
    } catch (err) {
      if (err instanceof ConflictError) return form(c, { id, values, error: err.message });
      throw err;
    }
    return redirectWithNotice(c, "/admin/proxies", { notice: "Proxy saved" });
  };
  app.post("/", (c) => save(c));
  app.post("/:id", (c) => save(c, c.req.param("id")));
  app.post("/:id/delete", async (c) => {
    try {
      await deleteProxy(deps.kv, c.req.param("id"));
    } catch (err) {
      // An error, not a flash: the flash box says things went well.
      if (err instanceof ConflictError) return listPage(c, err.message);
      throw err;
    }
    return redirectWithNotice(c, "/admin/proxies", { notice: "Proxy deleted" });
  });
  return app;
}
