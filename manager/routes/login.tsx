/** /login, /logout: the login form (CSRF by double submit), slowed down per client. */
import { type Context, Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { randomToken, verifyPassword } from "../../common/auth/password.ts";
import {
  createLoginSession,
  deleteLoginSession,
  findUserByName,
  getLoginSession,
} from "../../common/db/users.ts";
import {
  clearSessionCookie,
  clientKey,
  isHttps,
  LOGIN_CSRF_COOKIE,
  type ManagerEnv,
  SESSION_COOKIE,
  setSessionCookie,
} from "../auth.ts";
import { page } from "../components/Layout.tsx";
import type { ManagerDeps } from "../deps.ts";

function safeNext(next: string | undefined): string {
  // Only local paths: never redirect to another site after login.
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\")
    ? next
    : "/admin";
}

/** Routes of logging in and out. */
export function loginRoutes(deps: ManagerDeps) {
  const app = new Hono<ManagerEnv>();
  const form = (c: Context<ManagerEnv>, opts: {
    next: string;
    username?: string;
    error?: string;
    status?: 200 | 403 | 422 | 429;
  }) => {
    const csrf = randomToken();
    setCookie(c, LOGIN_CSRF_COOKIE, csrf, {
      httpOnly: true,
      sameSite: "Strict",
      secure: isHttps(c),
      path: "/login",
    });
    return page(
      c,
      "Log in",
      <form method="post" action="/login" class="card" style="max-width:26rem">
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="next" value={opts.next} />
        <label for="username">User name</label>
        <input
          id="username"
          name="username"
          type="text"
          autocomplete="username"
          required
          value={opts.username ?? ""}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
        <p>
          <button type="submit">Log in</button>
        </p>
      </form>,
      { error: opts.error, status: opts.status },
    );
  };
  app.get("/login", async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token && await getLoginSession(deps.kv, token)) return c.redirect("/admin", 303);
    return form(c, { next: safeNext(c.req.query("next")) });
  });
  app.post("/login", async (c) => {
    const body = await c.req.parseBody();
    const str = (k: string) => (typeof body[k] === "string" ? body[k] as string : "");
    const next = safeNext(str("next"));
    const cookie = getCookie(c, LOGIN_CSRF_COOKIE);
    if (!cookie || cookie !== str("_csrf")) {
      return form(c, {
        next,
        error: "The login form expired or was not sent by this site; try again.",
        status: 403,
      });
    }
    const key = clientKey(c);
    const wait = deps.throttle.waitSeconds(key);
    if (wait > 0) {
      return form(c, {
        next,
        username: str("username"),
        error: `Too many failed logins from your address; try again in ${wait} s.`,
        status: 429,
      });
    }
    const user = await findUserByName(deps.kv, str("username"));
    const ok = user ? await verifyPassword(str("password"), user.passwordHash) : false;
    if (!user || !ok) {
      deps.throttle.fail(key);
      return form(c, {
        next,
        username: str("username"),
        error: "Wrong user name or password.",
        status: 422,
      });
    }
    deps.throttle.succeed(key);
    const { token } = await createLoginSession(deps.kv, user.id);
    setSessionCookie(c, token);
    return c.redirect(user.mustChangePassword ? "/admin/account/password" : next, 303);
  });
  app.post("/logout", async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const session = await getLoginSession(deps.kv, token);
      const body = await c.req.parseBody();
      if (session && body["_csrf"] !== session.csrfToken) {
        return c.text("Forbidden: the form's CSRF token is missing or wrong", 403);
      }
      await deleteLoginSession(deps.kv, token);
    }
    clearSessionCookie(c);
    return c.redirect("/login", 303);
  });
  return app;
}
