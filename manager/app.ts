/** The manager's Hono app: pages behind a login, the JSON API, health and static files. */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { clientInfo, parseTrustedProxies } from "../common/net/client_address.ts";
import { createApi } from "./api/mod.ts";
import { type ManagerEnv, requirePageLogin } from "./auth.ts";
import type { ManagerDeps } from "./deps.ts";
import { errorBody, errorHeaders, errorResponse, statusOf } from "../common/http_errors.ts";
import { contentSecurityPolicy } from "./csp.ts";
import { BUNDLE_DIR, BUNDLE_PATH, CHUNK_NAME, ensureIslandBundle } from "./islands/bundle.ts";
import { accountRoutes } from "./routes/account.tsx";
import { channelRoutes } from "./routes/channels.tsx";
import { channelDetailRoutes } from "./routes/channel_detail.tsx";
import { downstreamResource } from "./routes/downstream.tsx";
import { epgResource } from "./routes/epgs.tsx";
import { proxyResource } from "./routes/proxies.tsx";
import { sessionRoutes } from "./routes/sessions.tsx";
import { getRoutes } from "./routes/get.ts";
import { groupRoutes } from "./routes/groups.tsx";
import { homeRoutes } from "./routes/home.tsx";
import { iconFileRoutes } from "./routes/icon_files.ts";
import { iconRoutes } from "./routes/icons.tsx";
import { loginRoutes } from "./routes/login.tsx";
import { playlistResource } from "./routes/playlists.tsx";
import { userAgentResource } from "./routes/user_agents.tsx";
import { tokenResource } from "./api/tokens.ts";
import type { MountableResource } from "./resources/define.ts";

/** The admin resources: each definition makes its pages and its API routes. */
const RESOURCES: MountableResource[] = [
  userAgentResource,
  playlistResource,
  epgResource,
  proxyResource,
  downstreamResource,
  tokenResource,
];

function hostAllowed(allowed: string[], host: string | undefined): boolean {
  if (allowed.includes("*")) return true;
  const name = (host ?? "").replace(/:\d+$/, "").replace(/^\[|\]$/g, "").toLowerCase();
  return allowed.some((a) => {
    const p = a.toLowerCase();
    return p.startsWith(".") ? name === p.slice(1) || name.endsWith(p) : name === p;
  });
}

export { contentSecurityPolicy } from "./csp.ts";

/** Builds the manager app. */
export function createManagerApp(deps: ManagerDeps) {
  const app = new Hono<ManagerEnv>();
  const trustedProxies = parseTrustedProxies(deps.config.trustedProxies);
  const csp = contentSecurityPolicy({ externalImages: !deps.config.iconCache });
  // Who the client is: forwarded headers count only from TRUSTED_PROXIES.
  app.use("*", async (c, next) => {
    const remote = (c.env as { remoteAddr?: Deno.NetAddr } | undefined)?.remoteAddr;
    c.set(
      "client",
      clientInfo(remote?.hostname ?? "unknown", c.req.raw.headers, {
        trustedProxies,
        directHttps: new URL(c.req.url).protocol === "https:",
      }),
    );
    await next();
  });
  // No form or API body of ours comes near this; a bigger one is refused before it is read.
  app.use(
    "*",
    bodyLimit({ maxSize: 4 * 1048576, onError: (c) => c.text("Request too large", 413) }),
  );
  app.use("*", async (c, next) => {
    if (!hostAllowed(deps.config.allowedHosts, c.req.header("host"))) {
      return c.text("Bad request: this host name is not in ALLOWED_HOSTS", 400);
    }
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "same-origin");
    if (c.res.headers.get("content-type")?.startsWith("text/html")) {
      // A page that plays a stream sets its own, wider policy (components/Play.tsx).
      if (!c.res.headers.has("Content-Security-Policy")) c.header("Content-Security-Policy", csp);
      c.header("X-Frame-Options", "DENY");
      c.header("Cache-Control", "no-store");
    }
  });
  app.onError((err, c) => {
    const status = statusOf(err);
    if (status === 500) deps.log.error(`${c.req.method} ${c.req.path} failed`, err);
    if (c.req.path.startsWith("/api/")) return c.json(errorBody(err), status, errorHeaders(err));
    return errorResponse(err);
  });
  app.get("/healthz", (c) => c.json({ status: "ok", service: "manager" }));
  // KV is the one truth: every answer below reflects every commit made before the request, by
  // this process or another (the channel index and the caches catch up here first).
  app.use("*", async (_c, next) => {
    await deps.feed.sync();
    await next();
  });
  app.get("/static/islands.js", async (c) => {
    await ensureIslandBundle();
    const js = await Deno.readFile(BUNDLE_PATH);
    c.header("Content-Type", "text/javascript; charset=utf-8");
    c.header("Cache-Control", "no-cache");
    return c.body(js);
  });
  // Chunks the entry imports (relative to /static/islands.js): named by their content's hash.
  app.get("/static/:chunk", async (c, next) => {
    const name = c.req.param("chunk");
    if (!CHUNK_NAME.test(name) || name === "client.js") return await next();
    await ensureIslandBundle();
    let js: Uint8Array<ArrayBuffer>;
    try {
      js = await Deno.readFile(new URL(name, BUNDLE_DIR));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return await next();
      throw err;
    }
    c.header("Content-Type", "text/javascript; charset=utf-8");
    c.header("Cache-Control", "no-cache");
    return c.body(js);
  });
  app.route("/", loginRoutes(deps));
  app.route("/api/v1", createApi(deps, RESOURCES));
  app.route("/manager/get", getRoutes(deps));
  app.route("/manager/icons", iconFileRoutes(deps));
  app.get("/", (c) => c.redirect("/admin", 303));
  const admin = new Hono<ManagerEnv>();
  admin.use("*", requirePageLogin(deps));
  admin.route("/", homeRoutes(deps));
  admin.route("/account", accountRoutes(deps));
  for (const r of RESOURCES) if (r.pages) admin.route(`/${r.path}`, r.pages(deps));
  admin.route("/groups", groupRoutes(deps));
  admin.route("/channels", channelRoutes(deps));
  admin.route("/channels", channelDetailRoutes(deps));
  admin.route("/sessions", sessionRoutes(deps));
  admin.route("/icons", iconRoutes(deps));
  app.route("/admin", admin);
  app.notFound((c) =>
    c.req.path.startsWith("/api/")
      ? c.json({ error: "Not found", issues: {} }, 404)
      : c.text("Not found", 404)
  );
  return app;
}
