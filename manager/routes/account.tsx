/** /admin/account: change the password, create and revoke API tokens. */
import { Hono } from "hono";
import { z } from "zod";
import { verifyPassword } from "../../common/auth/password.ts";
import {
  createApiToken,
  createLoginSession,
  listApiTokens,
  revokeApiToken,
  setPassword,
} from "../../common/db/users.ts";
import { ApiTokenInput } from "../../common/schemas.ts";
import { describeScope } from "../api/scopes.ts";
import { type ManagerEnv, setSessionCookie } from "../auth.ts";
import { type FieldErrors, fieldErrors, formatTime } from "../components/Field.tsx";
import { Field } from "../components/Field.tsx";
import { Csrf, page } from "../components/Layout.tsx";
import { Copy } from "../components/Copy.tsx";
import { TableHead } from "../components/TableHead.tsx";
import type { ManagerDeps } from "../deps.ts";
import type { Context } from "hono";
import { redirectWithNotice } from "../notice.ts";

const PasswordForm = z.object({
  current: z.string().min(1, "Enter your current password"),
  password: z.string().min(10, "Use at least 10 characters").max(200)
    .refine((p) => p.toLowerCase() !== "password", "Choose a password other than the default"),
  confirm: z.string(),
}).refine((v) => v.password === v.confirm, {
  path: ["confirm"],
  message: "The two new passwords differ",
});

/** Routes of the account pages. */
export function accountRoutes(deps: ManagerDeps) {
  const app = new Hono<ManagerEnv>();

  const passwordPage = (c: Context<ManagerEnv>, errors: FieldErrors = {}, status?: 422) =>
    page(
      c,
      "Change password",
      <form method="post" action="/admin/account/password" class="card">
        {c.var.user.mustChangePassword && (
          <p class="error">
            You logged in with the default password. Choose a new one before going on.
          </p>
        )}
        <Csrf c={c} />
        <Field
          label="Current password"
          name="current"
          type="password"
          errors={errors}
          autocomplete="current-password"
        />
        <Field
          label="New password"
          name="password"
          type="password"
          errors={errors}
          autocomplete="new-password"
          hint="At least 10 characters."
        />
        <Field
          label="New password again"
          name="confirm"
          type="password"
          errors={errors}
          autocomplete="new-password"
        />
        <p>
          <button type="submit">Change password</button>
        </p>
      </form>,
      { status },
    );

  app.get("/password", (c) => passwordPage(c));
  app.post("/password", async (c) => {
    const parsed = PasswordForm.safeParse(await c.req.parseBody());
    if (!parsed.success) return passwordPage(c, fieldErrors(parsed.error), 422);
    if (!(await verifyPassword(parsed.data.current, c.var.user.passwordHash))) {
      return passwordPage(c, { current: ["The current password is wrong"] }, 422);
    }
    await setPassword(deps.kv, c.var.user.id, parsed.data.password);
    // Every older session ends with the change; this browser gets a fresh one.
    const { token } = await createLoginSession(deps.kv, c.var.user.id);
    setSessionCookie(c, token);
    return redirectWithNotice(c, "/admin/account", { notice: "Password changed" });
  });

  const accountPage = async (c: Context<ManagerEnv>, secret?: string) => {
    const tokens = await listApiTokens(deps.kv);
    return page(
      c,
      "Account",
      <>
        <div class="card">
          <p>
            Logged in as <strong>{c.var.user.username}</strong>. Password changed{" "}
            {formatTime(c.var.user.passwordChangedAt, deps.config.timeZone)}.
          </p>
          <a class="btn secondary" href="/admin/account/password">Change password</a>
        </div>
        <div class="card">
          <h2>API tokens</h2>
          <p class="hint">
            Send a token as <code>Authorization: Bearer &lt;token&gt;</code> to{" "}
            <a href="/api/v1/openapi.json">/api/v1</a>. Only its hash is stored. A read-only token
            reads what these pages show and changes nothing; a metrics token only scrapes{" "}
            <code>/api/v1/metrics</code>; an admin token does everything you can.
          </p>
          {secret && (
            <div class="flash">
              New token (copy it now, it is not shown again):{" "}
              <code id="new-token" data-testid="new-token">{secret}</code>{" "}
              <Copy target="new-token" what="new token" />
            </div>
          )}
          <table>
            <TableHead
              headings={[
                { head: "Name" },
                { head: "Starts with" },
                { head: "Scope" },
                { head: "Created" },
              ]}
            />
            <tbody>
              {tokens.map((t) => (
                <tr>
                  <td>{t.name}</td>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td title={describeScope(t.scope ?? "admin")}>{t.scope ?? "admin"}</td>
                  <td>{formatTime(t.createdAt, deps.config.timeZone)}</td>
                  <td>
                    <form
                      method="post"
                      action={`/admin/account/tokens/${t.id}/delete`}
                      class="inline"
                    >
                      <Csrf c={c} />
                      <button class="small danger" type="submit">Revoke</button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <form
            method="post"
            action="/admin/account/tokens"
            class="toolbar"
            style="margin-top:1rem"
          >
            <Csrf c={c} />
            <input
              type="text"
              name="name"
              placeholder="Token name, e.g. Home Assistant"
              required
              aria-label="Token name"
              style="max-width:20rem"
            />
            <select name="scope" aria-label="Token scope" style="max-width:12rem">
              <option value="read" selected>Read-only</option>
              <option value="metrics">Metrics only</option>
              <option value="admin">Admin</option>
            </select>
            <button type="submit">Create token</button>
          </form>
        </div>
      </>,
    );
  };
  app.get("/", (c) => accountPage(c));
  app.post("/tokens", async (c) => {
    const parsed = ApiTokenInput.safeParse(await c.req.parseBody());
    if (!parsed.success) {
      return redirectWithNotice(c, "/admin/account", {
        notice: "Give the token a name and a scope",
      });
    }
    const { secret } = await createApiToken(deps.kv, c.var.user.id, parsed.data);
    // Shown once in this answer; never put in a URL, where history would keep it.
    return await accountPage(c, secret);
  });
  app.post("/tokens/:id/delete", async (c) => {
    await revokeApiToken(deps.kv, c.req.param("id"));
    return redirectWithNotice(c, "/admin/account", { notice: "Token revoked" });
  });
  return app;
}
