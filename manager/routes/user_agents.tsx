/** /admin/user-agents: list, create, edit, delete. */
import { type Context, Hono } from "hono";
import {
  createUserAgent,
  deleteUserAgent,
  getUserAgent,
  listUserAgents,
  updateUserAgent,
} from "../../common/db/user_agents.ts";
import { ConflictError } from "../../common/errors.ts";
import { UserAgentInput } from "../../common/schemas.ts";
import type { ManagerEnv } from "../auth.ts";
import { Field, type FieldErrors, fieldErrors } from "../components/Field.tsx";
import { Csrf, page } from "../components/Layout.tsx";
import type { ManagerDeps } from "../deps.ts";
import { redirectWithNotice } from "../notice.ts";

/** Routes of the user agent pages. */
export function userAgentRoutes(deps: ManagerDeps) {
  const app = new Hono<ManagerEnv>();
  const form = (
    c: Context<ManagerEnv>,
    opts: { id?: string; values: Partial<UserAgentInput>; errors?: FieldErrors; error?: string },
  ) =>
    page(
      c,
      opts.id ? "Edit user agent" : "New user agent",
      <form
        method="post"
        class="card"
        action={opts.id ? `/admin/user-agents/${opts.id}` : "/admin/user-agents"}
      >
        <Csrf c={c} />
        <Field label="Name" name="name" value={opts.values.name} errors={opts.errors} required />
        <Field
          label="User agent string"
          name="userAgent"
          value={opts.values.userAgent}
          errors={opts.errors}
          required
          hint="Sent upstream when downloading playlists, guides and icons."
        />
        <p>
          <button type="submit">Save</button> <a href="/admin/user-agents">Cancel</a>
        </p>
      </form>,
      { status: opts.errors || opts.error ? 422 : 200, error: opts.error },
    );

  app.get("/", async (c) => {
    const list = await listUserAgents(deps.kv);
    return page(
      c,
      "User agents",
      <>
        <div class="toolbar">
          <a class="btn" href="/admin/user-agents/new">Add user agent</a>
        </div>
        <div class="card">
          {list.length === 0
            ? <p class="muted">No user agents yet. Without one, USER_AGENT_STRING is sent.</p>
            : (
              <table>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th class="opt">User agent</th>
                    <th></th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((ua) => (
                    <tr>
                      <td>
                        <a href={`/admin/user-agents/${ua.id}`}>{ua.name}</a>
                      </td>
                      <td class="url opt" title={ua.userAgent}>{ua.userAgent}</td>
                      <td>
                        <form
                          method="post"
                          action={`/admin/user-agents/${ua.id}/delete`}
                          class="inline"
                        >
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
  app.get("/new", (c) => form(c, { values: {} }));
  app.get("/:id", async (c) => {
    const ua = await getUserAgent(deps.kv, c.req.param("id"));
    return form(c, { id: ua.id, values: ua });
  });
  const save = async (c: Context<ManagerEnv>, id?: string) => {
    const body = await c.req.parseBody();
    const parsed = UserAgentInput.safeParse(body);
    const values = { name: String(body.name ?? ""), userAgent: String(body.userAgent ?? "") };
    if (!parsed.success) return form(c, { id, values, errors: fieldErrors(parsed.error) });
    try {
      if (id) await updateUserAgent(deps.kv, id, parsed.data);
      else await createUserAgent(deps.kv, parsed.data);
    } catch (err) {
      if (err instanceof ConflictError) return form(c, { id, values, error: err.message });
      throw err;
    }
    return redirectWithNotice(c, "/admin/user-agents", { notice: "User agent saved" });
  };
  app.post("/", (c) => save(c));
  app.post("/:id", (c) => save(c, c.req.param("id")));
  app.post("/:id/delete", async (c) => {
    try {
      await deleteUserAgent(deps.kv, c.req.param("id"));
    } catch (err) {
      if (err instanceof ConflictError) {
        return redirectWithNotice(c, "/admin/user-agents", { notice: err.message });
      }
      throw err;
    }
    return redirectWithNotice(c, "/admin/user-agents", { notice: "User agent deleted" });
  });
  return app;
}
