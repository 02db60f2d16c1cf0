/**
 * /login, /logout: the login form (CSRF by double submit). Attempts are counted before the
 * password is checked (manager/login_guard.ts); a successful login marks the browser as a
 * known device, which guesses at its user name never slow down.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { getCookie, setCookie } from "hono/cookie";
import { randomToken } from "../../common/auth/password.ts";
import { createLoginSession, deleteLoginSession, getLoginSession } from "../../common/db/users.ts";
import { TooManyAttemptsError } from "../../common/errors.ts";
import {
  clearSessionCookie,
  DEVICE_COOKIE,
  isHttps,
  LOGIN_CSRF_COOKIE,
  type ManagerEnv,
  SESSION_COOKIE,
  setSessionCookie,
} from "../auth.ts";
import { KNOWN_DEVICE_MS } from "../login_guard.ts";
import { safeNext } from "../safe_next.ts";
import { formText } from "../resources/form.ts";
import { page } from "../components/Layout.tsx";
import type { ManagerDeps } from "../deps.ts";

/** The login form's fields (a missing one is empty: the checks below say what is wrong). */
const LoginForm = z.object({
  username: formText,
  password: formText,
  next: formText,
  _csrf: formText,
});

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
    return form(c, { next: safeNext(c.req.query("next"), new URL(c.req.url).origin) });
  });
  app.post("/login", async (c) => {
    const f = LoginForm.parse(await c.req.parseBody());
    const next = safeNext(f.next, new URL(c.req.url).origin);
    const cookie = getCookie(c, LOGIN_CSRF_COOKIE);
    if (!cookie || cookie !== f._csrf) {
      return form(c, {
        next,
        error: "The login form expired or was not sent by this site; try again.",
        status: 403,
      });
    }
    let user;
    try {
      user = await deps.guard.checkPassword({
        address: c.var.client.address,
        username: f.username,
        password: f.password,
        device: getCookie(c, DEVICE_COOKIE),
      });
    } catch (err) {
      if (!(err instanceof TooManyAttemptsError)) throw err;
      c.header("Retry-After", String(err.retryAfter));
      return form(c, { next, username: f.username, error: err.message, status: 429 });
    }
    if (!user) {
      return form(c, {
        next,
        username: f.username,
        error: "Wrong user name or password.",
        status: 422,
      });
    }
    const { token } = await createLoginSession(deps.kv, user.id);
    setSessionCookie(c, token);
    setCookie(c, DEVICE_COOKIE, await deps.guard.deviceCookie(user.id), {
      httpOnly: true,
      sameSite: "Strict",
      secure: isHttps(c),
      path: "/login",
      maxAge: Math.floor(KNOWN_DEVICE_MS / 1000),
    });
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
