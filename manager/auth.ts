/**
 * Login sessions (cookie), API tokens (Bearer), HTTP Basic for the API and CSRF checks. Every
 * password and token check is counted first (manager/login_guard.ts).
 */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { sha256Hex } from "../common/auth/password.ts";
import { getLoginSession, getUser } from "../common/db/users.ts";
import { SESSION_TTL_MS } from "../common/db/users.ts";
import type { LoginSession, User } from "../common/schemas.ts";
import { NotFoundError } from "../common/errors.ts";
import type { ClientInfo } from "../common/net/client_address.ts";
import type { ManagerDeps } from "./deps.ts";
import { describeScope, requiredScope, scopeAllows } from "./api/scopes.ts";

/** Name of the login cookie. */
export const SESSION_COOKIE = "iptv_session";
/** Name of the pre-login CSRF cookie (double submit for the login form). */
export const LOGIN_CSRF_COOKIE = "iptv_login_csrf";
/** Name of the known-device cookie: this browser logged in before (signed, login path only). */
export const DEVICE_COOKIE = "iptv_device";

/** Per-request values the auth middleware sets. */
export type AuthVars = {
  /** the client's address and scheme, through TRUSTED_PROXIES only (set for every request) */
  client: ClientInfo;
  user: User;
  session: LoginSession | null;
  sessionToken: string | null;
};

/** Hono env of the manager. */
export type ManagerEnv = { Variables: AuthVars };

/** True when the client spoke https (directly, or to a trusted proxy that says so). */
export function isHttps(c: Context): boolean {
  const client = (c.var as Partial<AuthVars>).client;
  return client ? client.https : new URL(c.req.url).protocol === "https:";
}

/** Sets the login cookie: HttpOnly, SameSite=Lax, Secure over https. */
export function setSessionCookie(c: Context, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: isHttps(c),
    path: "/",
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

/** Clears the login cookie. */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
}

async function sessionUser(
  kv: Deno.Kv,
  c: Context,
): Promise<{ user: User; session: LoginSession; token: string } | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token || token.length > 200) return null;
  const session = await getLoginSession(kv, token);
  if (!session) return null;
  try {
    const user = await getUser(kv, session.userId);
    // Sessions from before a password change end with it.
    if (Date.parse(user.passwordChangedAt) > Date.parse(session.createdAt)) return null;
    return { user, session, token };
  } catch {
    return null;
  }
}

/** Pages: a login is required; a forced password change comes first. */
export function requirePageLogin(deps: ManagerDeps): MiddlewareHandler<ManagerEnv> {
  return async (c, next) => {
    const found = await sessionUser(deps.kv, c);
    if (!found) {
      const url = new URL(c.req.url);
      const nextPath = url.pathname + url.search;
      return c.redirect(`/login?next=${encodeURIComponent(nextPath)}`, 303);
    }
    c.set("user", found.user);
    c.set("session", found.session);
    c.set("sessionToken", found.token);
    const path = new URL(c.req.url).pathname;
    if (found.user.mustChangePassword && path !== "/admin/account/password") {
      return c.redirect("/admin/account/password", 303);
    }
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      const form = await c.req.parseBody();
      const sent = typeof form["_csrf"] === "string" ? form["_csrf"] : c.req.header("x-csrf-token");
      if (!sent || sent !== found.session.csrfToken) {
        return c.text("Forbidden: the form's CSRF token is missing or wrong; reload the page", 403);
      }
    }
    await next();
  };
}

const BASIC_CACHE_MS = 5 * 60_000;

/** API: Bearer token, HTTP Basic (admin credentials) or a login cookie with a CSRF header. */
export function requireApiAuth(deps: ManagerDeps): MiddlewareHandler<ManagerEnv> {
  // A verified Basic credential is remembered for a few minutes: PBKDF2 costs ~80 ms a check.
  const basicCache = new Map<string, { userId: string; until: number; changedAt: string }>();
  const deny = (c: Context, message: string, status: 401 | 403 = 401) => {
    c.header("WWW-Authenticate", 'Basic realm="IPTV manager", charset="UTF-8"');
    return c.json({ error: message, issues: {} }, status);
  };
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const [scheme, value = ""] = header.split(/\s+/, 2);
    if (/^bearer$/i.test(scheme) && value) {
      // Throws TooManyAttemptsError (429) while the address is blocked.
      const token = await deps.guard.checkToken(c.var.client.address, value);
      if (!token) return deny(c, "The API token is unknown or revoked");
      // Tokens from before scopes existed were admin tokens.
      const scope = token.scope ?? "admin";
      const apiPath = c.req.path.replace(/^\/api\/v1/, "") || "/";
      if (!scopeAllows(scope, requiredScope(c.req.method, apiPath))) {
        return c.json({
          error: `This API token is a ${scope} token: it may ${describeScope(scope)}`,
          issues: {},
        }, 403);
      }
      const user = await userOrNull(deps.kv, token.userId);
      if (!user) return deny(c, "The API token's user no longer exists");
      c.set("user", user);
      c.set("session", null);
      c.set("sessionToken", null);
      return await next();
    }
    if (/^basic$/i.test(scheme) && value) {
      const key = await sha256Hex(header);
      const cached = basicCache.get(key);
      let user: User | null = null;
      if (cached && cached.until > Date.now()) {
        user = await userOrNull(deps.kv, cached.userId);
        if (user && user.passwordChangedAt !== cached.changedAt) user = null;
      }
      if (!user) {
        basicCache.delete(key);
        let decoded = "";
        try {
          decoded = new TextDecoder().decode(
            Uint8Array.from(atob(value), (ch) => ch.charCodeAt(0)),
          );
        } catch {
          return deny(c, "The Basic credentials are not valid base64");
        }
        const colon = decoded.indexOf(":");
        if (colon < 0) return deny(c, "Wrong user name or password");
        // Throws TooManyAttemptsError (429) while the address is blocked.
        const found = await deps.guard.checkPassword({
          address: c.var.client.address,
          username: decoded.slice(0, colon),
          password: decoded.slice(colon + 1),
        });
        if (!found) return deny(c, "Wrong user name or password");
        user = found;
        if (basicCache.size >= 1000) basicCache.delete(basicCache.keys().next().value!);
        basicCache.set(key, {
          userId: user.id,
          until: Date.now() + BASIC_CACHE_MS,
          changedAt: user.passwordChangedAt,
        });
      }
      if (user.mustChangePassword) {
        return deny(c, "The default password must be changed first (log in to the web UI)", 403);
      }
      c.set("user", user);
      c.set("session", null);
      c.set("sessionToken", null);
      return await next();
    }
    const found = await sessionUser(deps.kv, c);
    if (!found) return deny(c, "Log in, or send an API token or Basic credentials");
    if (found.user.mustChangePassword) {
      return deny(c, "The default password must be changed first", 403);
    }
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      if (c.req.header("x-csrf-token") !== found.session.csrfToken) {
        return c.json({ error: "The X-CSRF-Token header is missing or wrong", issues: {} }, 403);
      }
    }
    c.set("user", found.user);
    c.set("session", found.session);
    c.set("sessionToken", found.token);
    await next();
  };
}

/** The user, or null when it no longer exists (other failures are thrown). */
async function userOrNull(kv: Deno.Kv, id: string): Promise<User | null> {
  try {
    return await getUser(kv, id);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}
