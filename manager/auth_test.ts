import { equal, match, notEqual, ok } from "node:assert/strict";
import { Client, startTestManager } from "../testing/harness.ts";

const opts = {};

const PAGES = [
  "/admin",
  "/admin/playlists",
  "/admin/playlists/new",
  "/admin/groups",
  "/admin/groups/list",
  "/admin/channels",
  "/admin/user-agents",
  "/admin/user-agents/new",
  "/admin/account",
  "/admin/account/password",
];
const API = [
  ["GET", "/api/v1/user-agents"],
  ["POST", "/api/v1/user-agents"],
  ["GET", "/api/v1/upstream-playlists"],
  ["POST", "/api/v1/upstream-playlists"],
  ["GET", "/api/v1/upstream-playlists/x"],
  ["POST", "/api/v1/upstream-playlists/x/import"],
  ["GET", "/api/v1/groups"],
  ["GET", "/api/v1/channels"],
  ["PATCH", "/api/v1/channels/x"],
  ["GET", "/api/v1/api-tokens"],
  ["GET", "/api/v1/openapi.json"],
];

Deno.test("no page or API route answers without a login", opts, async () => {
  const m = await startTestManager();
  try {
    for (const path of PAGES) {
      const res = await fetch(m.base + path, { redirect: "manual" });
      await res.body?.cancel();
      equal(res.status, 303, path);
      match(res.headers.get("location")!, /^\/login\?next=/, path);
    }
    for (const [method, path] of API) {
      const res = await fetch(m.base + path, {
        method,
        headers: { "content-type": "application/json" },
        body: method === "GET" ? undefined : "{}",
      });
      equal(res.status, 401, `${method} ${path}`);
      const body = await res.json();
      ok(body.error, path);
      match(res.headers.get("www-authenticate")!, /^Basic/);
    }
    for (const auth of ["Bearer nope", "Basic " + btoa("admin:wrong"), "Basic !!!"]) {
      const res = await fetch(m.base + "/api/v1/channels", { headers: { authorization: auth } });
      await res.body?.cancel();
      equal(res.status, 401, auth);
    }
    const health = await fetch(m.base + "/healthz");
    equal(health.status, 200);
    await health.body?.cancel();
  } finally {
    await m.close();
  }
});

Deno.test(
  "login sets a HttpOnly SameSite=Lax cookie and logout ends the session",
  opts,
  async () => {
    const m = await startTestManager();
    try {
      const c = new Client(m.base);
      await c.page("/login");
      const res = await c.postForm("/login", {
        username: "admin",
        password: "correct horse battery",
        next: "/admin/channels",
      });
      equal(res.status, 303);
      equal(res.headers.get("location"), "/admin/channels");
      const cookie = res.headers.getSetCookie().find((s) => s.startsWith("iptv_session="))!;
      match(cookie, /HttpOnly/i);
      match(cookie, /SameSite=Lax/i);
      ok(!/Secure/i.test(cookie), "plain http gets no Secure flag");
      const { res: page } = await c.page("/admin/playlists");
      equal(page.status, 200);
      const out = await c.postForm("/logout", {});
      equal(out.status, 303);
      const after = await c.fetch("/admin/playlists");
      await after.body?.cancel();
      equal(after.status, 303);
      // An open redirect is never followed after login.
      await c.page("/login");
      const evil = await c.postForm("/login", {
        username: "admin",
        password: "correct horse battery",
        next: "//evil.example/",
      });
      equal(evil.headers.get("location"), "/admin");
    } finally {
      await m.close();
    }
  },
);

Deno.test("a session cookie over https (X-Forwarded-Proto) is Secure", opts, async () => {
  // X-Forwarded-Proto is believed from a trusted proxy only (security_login_test.ts: from others).
  const m = await startTestManager({ TRUSTED_PROXIES: "127.0.0.1" });
  try {
    const c = new Client(m.base);
    await c.page("/login");
    const res = await c.fetch("/login", {
      method: "POST",
      headers: { "x-forwarded-proto": "https" },
      body: new URLSearchParams({
        username: "admin",
        password: "correct horse battery",
        _csrf: c.cookies.get("iptv_login_csrf")!,
      }),
    });
    equal(res.status, 303);
    match(res.headers.getSetCookie().find((s) => s.startsWith("iptv_session="))!, /Secure/);
  } finally {
    await m.close();
  }
});

Deno.test("forms without the right CSRF token are refused", opts, async () => {
  const m = await startTestManager();
  try {
    const c = new Client(m.base);
    // Login form: the double-submit cookie must match.
    await c.page("/login");
    const bad = await c.postForm("/login", {
      username: "admin",
      password: "correct horse battery",
      _csrf: "forged",
    });
    equal(bad.status, 403);
    await bad.body?.cancel();
    ok(!c.cookies.has("iptv_session"));
    equal((await c.login("admin", "correct horse battery")).status, 303);
    const noToken = await c.postForm("/admin/user-agents", { name: "X", userAgent: "Y" }, false);
    equal(noToken.status, 403);
    await noToken.body?.cancel();
    const wrong = await c.postForm("/admin/user-agents", {
      name: "X",
      userAgent: "Y",
      _csrf: "wrong",
    });
    equal(wrong.status, 403);
    await wrong.body?.cancel();
    // The API with a login cookie needs the X-CSRF-Token header for changes.
    const api = await c.fetch("/api/v1/user-agents", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "X", userAgent: "Y" }),
    });
    equal(api.status, 403);
    await api.body?.cancel();
    const good = await c.postForm("/admin/user-agents", { name: "X", userAgent: "Y" });
    equal(good.status, 303);
    const apiOk = await c.fetch("/api/v1/user-agents", {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": c.csrf },
      body: JSON.stringify({ name: "Z", userAgent: "Y" }),
    });
    equal(apiOk.status, 201);
    await apiOk.body?.cancel();
  } finally {
    await m.close();
  }
});

Deno.test("the default password works once and must be changed at first login", opts, async () => {
  const m = await startTestManager({ ADMIN_PASSWORD: "" });
  try {
    const basic = { authorization: "Basic " + btoa("admin:password") };
    const api = await fetch(m.base + "/api/v1/channels", { headers: basic });
    equal(api.status, 403);
    match((await api.json()).error, /default password must be changed/);
    const c = new Client(m.base);
    const res = await c.login("admin", "password");
    equal(res.headers.get("location"), "/admin/account/password");
    const forced = await c.fetch("/admin/channels");
    await forced.body?.cancel();
    equal(forced.headers.get("location"), "/admin/account/password");
    const { html } = await c.page("/admin/account/password");
    match(html, /default password/);
    const weak = await c.postForm("/admin/account/password", {
      current: "password",
      password: "password",
      confirm: "password",
    });
    equal(weak.status, 422);
    await weak.body?.cancel();
    const changed = await c.postForm("/admin/account/password", {
      current: "password",
      password: "a much better secret",
      confirm: "a much better secret",
    });
    equal(changed.status, 303);
    const { res: now } = await c.page("/admin/channels");
    equal(now.status, 200);
    const old = new Client(m.base);
    equal((await old.login("admin", "password")).status, 422);
    const fresh = new Client(m.base);
    equal((await fresh.login("admin", "a much better secret")).status, 303);
    const api2 = await fetch(m.base + "/api/v1/channels", {
      headers: { authorization: "Basic " + btoa("admin:a much better secret") },
    });
    equal(api2.status, 200);
    await api2.body?.cancel();
  } finally {
    await m.close();
  }
});

Deno.test("repeated failed logins from one client are slowed down", opts, async () => {
  const m = await startTestManager();
  try {
    const c = new Client(m.base);
    for (let i = 0; i < 5; i++) equal((await c.login("admin", `wrong ${i}`)).status, 422);
    const blocked = await c.login("admin", "correct horse battery");
    equal(blocked.status, 429, "even the right password waits after five failures");
    const basic = await fetch(m.base + "/api/v1/channels", {
      headers: { authorization: "Basic " + btoa("admin:correct horse battery") },
    });
    equal(basic.status, 429, "HTTP Basic from the same address waits too");
    ok(Number(basic.headers.get("retry-after")) >= 1);
    await basic.body?.cancel();
  } finally {
    await m.close();
  }
});

Deno.test(
  "API tokens are created once, work as Bearer, and stop working when revoked",
  opts,
  async () => {
    const m = await startTestManager();
    try {
      const c = new Client(m.base);
      await c.login("admin", "correct horse battery");
      const res = await c.postForm("/admin/account/tokens", { name: "Script", scope: "admin" });
      equal(res.status, 200);
      const html = await res.text();
      const secret = /data-testid="new-token">([^<]+)</.exec(html)![1];
      match(secret, /^iptv_[A-Za-z0-9_-]{40,}$/);
      const bearer = { authorization: `Bearer ${secret}` };
      const ok1 = await fetch(m.base + "/api/v1/channels", { headers: bearer });
      equal(ok1.status, 200);
      await ok1.body?.cancel();
      const list = await (await fetch(m.base + "/api/v1/api-tokens", { headers: bearer })).json();
      equal(list.items.length, 1);
      ok(!JSON.stringify(list).includes(secret), "the secret is never listed");
      const { html: account } = await c.page("/admin/account");
      ok(!account.includes(secret));
      const del = await fetch(m.base + `/api/v1/api-tokens/${list.items[0].id}`, {
        method: "DELETE",
        headers: bearer,
      });
      equal(del.status, 204);
      const after = await fetch(m.base + "/api/v1/channels", { headers: bearer });
      equal(after.status, 401);
      await after.body?.cancel();
      notEqual(secret, "");
    } finally {
      await m.close();
    }
  },
);
