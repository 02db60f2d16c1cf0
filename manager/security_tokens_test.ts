/**
 * What an API token holder can reach: a metrics token scrapes metrics and nothing else, a
 * read-only token reads and changes nothing (nor makes itself a better token), an admin token
 * does everything; tokens from before scopes stay admin tokens.
 */
import { deepEqual, equal, match } from "node:assert/strict";
import { apiTokenKey } from "../common/db/keys.ts";
import type { ApiToken } from "../common/schemas.ts";
import { apiClient, Client, startTestManager } from "../testing/harness.ts";

const opts = {};

Deno.test("each token scope reaches exactly what it names", opts, async () => {
  const m = await startTestManager();
  const basic = apiClient(m);
  try {
    const make = async (scope?: string) => {
      const res = await basic("POST", "/api-tokens", { name: `t ${scope}`, scope });
      equal(res.status, 201, JSON.stringify(res.body));
      return res.body as { id: string; secret: string; scope: string };
    };
    const metrics = await make("metrics");
    const read = await make("read");
    const admin = await make("admin");
    equal((await make()).scope, "read", "read-only unless another scope is asked for");
    const ua = await basic("POST", "/user-agents", { name: "Kodi", userAgent: "Kodi/21" });
    const call = async (secret: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${m.base}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, text };
    };
    const requests: [string, string, unknown?][] = [
      ["GET", "/metrics"],
      ["GET", "/channels"],
      ["GET", "/openapi.json"],
      ["GET", `/user-agents/${ua.body.id}`],
      ["GET", "/downstream-playlists"],
      ["GET", "/api-tokens"],
      ["GET", "/backup"],
      ["POST", "/user-agents", { name: "VLC", userAgent: "VLC/3" }],
      ["PUT", `/user-agents/${ua.body.id}`, { name: "Kodi 21", userAgent: "Kodi/21" }],
      ["POST", "/api-tokens", { name: "escalate", scope: "admin" }],
      ["DELETE", `/api-tokens/${metrics.id}`],
    ];
    const statuses = async (secret: string) => {
      const out: number[] = [];
      for (const [method, path, body] of requests) {
        out.push((await call(secret, method, path, body)).status);
      }
      return out;
    };
    deepEqual(await statuses(metrics.secret), [
      200,
      403,
      403,
      403,
      403,
      403,
      403,
      403,
      403,
      403,
      403,
    ]);
    deepEqual(await statuses(read.secret), [200, 200, 200, 200, 200, 403, 403, 403, 403, 403, 403]);
    const refused = await call(read.secret, "POST", "/user-agents", { name: "X", userAgent: "Y" });
    match(refused.text, /This API token is a read token: it may read everything/);
    const scrape = await call(metrics.secret, "GET", "/metrics");
    match(scrape.text, /^# HELP iptv_upstream_playlists/m);
    match(scrape.text, /^iptv_channels \d+$/m);
    // The admin token does everything (the unknown path is a plain 404 for it).
    deepEqual(await statuses(admin.secret), [
      200,
      200,
      200,
      200,
      200,
      200,
      404,
      201,
      200,
      201,
      204,
    ]);
  } finally {
    await m.close();
  }
});

Deno.test("a token made before scopes existed stays an admin token", opts, async () => {
  const m = await startTestManager();
  try {
    const created = await apiClient(m)("POST", "/api-tokens", { name: "old", scope: "read" });
    const key = apiTokenKey(created.body.id);
    const stored = (await m.kv.get<ApiToken>(key)).value!;
    const { scope: _scope, ...before } = stored;
    await m.kv.set(key, before);
    const res = await fetch(`${m.base}/api/v1/user-agents`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${created.body.secret}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ name: "Old", userAgent: "Old/1" }),
    });
    equal(res.status, 201);
    await res.body?.cancel();
  } finally {
    await m.close();
  }
});

Deno.test("the account page creates tokens with a scope and lists it", opts, async () => {
  const m = await startTestManager();
  try {
    const c = new Client(m.base);
    await c.login("admin", "correct horse battery");
    const { html } = await c.page("/admin/account");
    match(html, /<select name="scope"/);
    const res = await c.postForm("/admin/account/tokens", { name: "Grafana", scope: "metrics" });
    equal(res.status, 200);
    match(
      await res.text(),
      /<td>Grafana<\/td>[\s\S]*?<td title="scrape \/api\/v1\/metrics only">metrics<\/td>/,
    );
  } finally {
    await m.close();
  }
});
