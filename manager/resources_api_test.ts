/**
 * Every admin resource's API, made by its definition: list, get, create, replace, PATCH,
 * delete, and the errors 404, 409 (a stale ETag, a taken name or a record in use) and 422.
 */
import { deepEqual, equal, notEqual, ok } from "node:assert/strict";
import { ADMIN_AUTH, apiClient, startTestManager, type TestManager } from "../testing/harness.ts";

const opts = {};

/** How to exercise one resource. */
interface Case {
  path: string;
  create: Record<string, unknown>;
  replace: Record<string, unknown>;
  /** A PATCH and a field it must leave as the replacement set it. */
  patch: Record<string, unknown>;
  kept: string;
  /** A PATCH whose merged result breaks the schema (400). */
  badPatch: Record<string, unknown>;
  /** A create the schema accepts and the domain refuses (422), where the resource has one. */
  refused?: Record<string, unknown>;
  /** Names are unique: a second create with this name (another case) answers 409. */
  uniqueName?: boolean;
}

const PROXY = {
  name: "Box",
  internalUrl: "http://127.0.0.1",
  internalPort: 8089,
  externalUrl: "http://192.168.1.2",
  externalPort: 8089,
};

const CASES: Case[] = [
  {
    path: "/user-agents",
    create: { name: "VLC", userAgent: "VLC/3" },
    replace: { name: "VLC 3", userAgent: "VLC/3.0.21" },
    patch: { userAgent: "VLC/4" },
    kept: "name",
    badPatch: { name: "" },
    uniqueName: true,
  },
  {
    path: "/upstream-playlists",
    create: { name: "Sports", url: "http://127.0.0.1:1/a.m3u" },
    replace: { name: "Sports 2", url: "http://127.0.0.1:1/b.m3u", refreshMinutes: 60 },
    patch: { enabled: false },
    kept: "refreshMinutes",
    badPatch: { url: "", path: "" },
    refused: {
      name: "X",
      url: "http://127.0.0.1:1/a.m3u",
      userAgentId: "01HZZZZZZZZZZZZZZZZZZZZZZZ",
    },
    uniqueName: true,
  },
  {
    path: "/epgs",
    create: { name: "Freeview", url: "http://127.0.0.1:1/a.xml" },
    replace: { name: "Freeview UK", url: "http://127.0.0.1:1/b.xml", refreshMinutes: 60 },
    patch: { enabled: false },
    kept: "refreshMinutes",
    badPatch: { name: "a/b" },
    refused: { name: "Etc", path: "/etc/passwd" },
    uniqueName: true,
  },
  {
    path: "/proxies",
    create: PROXY,
    replace: { ...PROXY, name: "Box 2", externalUrl: "http://192.168.1.3" },
    patch: { externalPort: 9000 },
    kept: "externalUrl",
    badPatch: { internalPort: 0 },
    uniqueName: true,
  },
  {
    path: "/downstream-playlists",
    create: { name: "Room", streamMode: "direct" },
    replace: { name: "Living room", streamMode: "direct", groups: ["News"] },
    patch: { numberStart: 100 },
    kept: "groups",
    badPatch: { streamMode: "proxy", proxyId: null },
    refused: { name: "Hall", proxyId: "nope" },
    uniqueName: true,
  },
  {
    path: "/api-tokens",
    create: { name: "Home Assistant" },
    replace: { name: "HA", scope: "admin" },
    patch: { scope: "metrics" },
    kept: "name",
    badPatch: { scope: "root" },
  },
];

async function exercise(m: TestManager, t: Case): Promise<void> {
  const call = apiClient(m);
  const headers = (etag: string) => ({
    ...ADMIN_AUTH,
    "content-type": "application/json",
    "if-match": etag,
  });
  const created = await call("POST", t.path, t.create);
  equal(created.status, 201, `${t.path}: ${JSON.stringify(created.body)}`);
  const id = created.body.id;
  const list = await call("GET", t.path);
  equal(list.status, 200);
  deepEqual(list.body.items.map((i: { id: string }) => i.id), [id]);
  if (t.uniqueName) {
    const dup = await call("POST", t.path, {
      ...t.create,
      name: String(t.create.name).toUpperCase(),
    });
    equal(dup.status, 409, `${t.path}: a taken name`);
  }
  const got = await fetch(`${m.base}/api/v1${t.path}/${id}`, { headers: ADMIN_AUTH });
  equal(got.status, 200);
  const etag = got.headers.get("etag")!;
  ok(etag, `${t.path}: GET names the version`);
  equal((await got.json()).name, t.create.name);

  const replaced = await fetch(`${m.base}/api/v1${t.path}/${id}`, {
    method: "PUT",
    headers: headers(etag),
    body: JSON.stringify(t.replace),
  });
  equal(replaced.status, 200, `${t.path}: ${await replaced.clone().text()}`);
  const after = await replaced.json();
  equal(after.name, t.replace.name);
  const etag2 = replaced.headers.get("etag")!;
  notEqual(etag2, etag, `${t.path}: a change makes a new version`);
  // The version read before the change is stale now.
  const stale = await fetch(`${m.base}/api/v1${t.path}/${id}`, {
    method: "PATCH",
    headers: headers(etag),
    body: JSON.stringify(t.patch),
  });
  equal(stale.status, 409, `${t.path}: a stale If-Match`);
  await stale.body?.cancel();

  const patched = await call("PATCH", `${t.path}/${id}`, t.patch);
  equal(patched.status, 200, `${t.path}: ${JSON.stringify(patched.body)}`);
  for (const [k, v] of Object.entries(t.patch)) deepEqual(patched.body[k], v, `${t.path}.${k}`);
  deepEqual(patched.body[t.kept], after[t.kept], `${t.path}: PATCH keeps ${t.kept}`);
  const bad = await call("PATCH", `${t.path}/${id}`, t.badPatch);
  equal(bad.status, 400, `${t.path}: ${JSON.stringify(bad.body)}`);
  ok(Object.keys(bad.body.issues).length > 0);
  deepEqual(
    (await call("GET", `${t.path}/${id}`)).body[t.kept],
    after[t.kept],
    "a refused PATCH changes nothing",
  );

  if (t.refused) {
    const refused = await call("POST", t.path, t.refused);
    equal(refused.status, 422, `${t.path}: ${JSON.stringify(refused.body)}`);
  }
  for (
    const [method, body] of [["GET"], ["PUT", t.replace], ["PATCH", t.patch], ["DELETE"]] as const
  ) {
    equal((await call(method, `${t.path}/nope`, body)).status, 404, `${method} ${t.path}/nope`);
  }
  equal((await call("DELETE", `${t.path}/${id}`)).status, 204);
  equal((await call("GET", `${t.path}/${id}`)).status, 404);
}

for (const t of CASES) {
  Deno.test(
    `the ${t.path} API lists, reads, creates, replaces, patches and deletes`,
    opts,
    async () => {
      const m = await startTestManager();
      try {
        await exercise(m, t);
      } finally {
        await m.close();
      }
    },
  );
}

Deno.test("a user agent or a proxy still in use cannot be deleted (409)", opts, async () => {
  const m = await startTestManager();
  const call = apiClient(m);
  try {
    const ua = await call("POST", "/user-agents", { name: "VLC", userAgent: "VLC/3" });
    await call("POST", "/upstream-playlists", {
      name: "P",
      url: "http://127.0.0.1:1/p.m3u",
      userAgentId: ua.body.id,
    });
    const refusedUa = await call("DELETE", `/user-agents/${ua.body.id}`);
    equal(refusedUa.status, 409);
    ok(refusedUa.body.error.includes('used by playlist "P"'));
    const proxy = await call("POST", "/proxies", PROXY);
    await call("POST", "/downstream-playlists", { name: "Room", proxyId: proxy.body.id });
    equal((await call("DELETE", `/proxies/${proxy.body.id}`)).status, 409);
  } finally {
    await m.close();
  }
});
