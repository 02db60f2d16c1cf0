import { deepEqual, equal, match, ok } from "node:assert/strict";
import {
  ADMIN_AUTH,
  apiClient,
  serveLocal,
  startTestManager,
  waitFor,
} from "../testing/harness.ts";

const opts = {};
const AUTH = ADMIN_AUTH;

Deno.test("the user agent API creates, reads, updates, lists and deletes", opts, async () => {
  const m = await startTestManager();
  const call = apiClient(m);
  try {
    const created = await call("POST", "/user-agents", { name: "VLC", userAgent: "VLC/3.0.20" });
    equal(created.status, 201);
    match(created.body.id, /^[0-9A-Z]{26}$/);
    equal((await call("GET", `/user-agents/${created.body.id}`)).body.userAgent, "VLC/3.0.20");
    const dup = await call("POST", "/user-agents", { name: "vlc", userAgent: "x" });
    equal(dup.status, 409);
    match(dup.body.error, /already taken/);
    const bad = await call("POST", "/user-agents", { name: "", userAgent: 5 });
    equal(bad.status, 400);
    ok(bad.body.issues.name && bad.body.issues.userAgent);
    const upd = await call("PUT", `/user-agents/${created.body.id}`, {
      name: "VLC 3",
      userAgent: "VLC/3.0.21",
    });
    equal(upd.status, 200);
    equal(upd.body.name, "VLC 3");
    const list = await call("GET", "/user-agents");
    deepEqual(list.body.items.map((u: { name: string }) => u.name), ["VLC 3"]);
    equal(list.body.cursor, null);
    equal((await call("GET", "/user-agents/nope")).status, 404);
    equal((await call("DELETE", `/user-agents/${created.body.id}`)).status, 204);
    equal((await call("GET", `/user-agents/${created.body.id}`)).status, 404);
    // The name is free again after the delete.
    equal((await call("POST", "/user-agents", { name: "VLC 3", userAgent: "x" })).status, 201);
  } finally {
    await m.close();
  }
});

Deno.test(
  "the playlist API validates input and refuses unknown user agents and outside paths",
  opts,
  async () => {
    const m = await startTestManager();
    const call = apiClient(m);
    try {
      const none = await call("POST", "/upstream-playlists", { name: "P" });
      equal(none.status, 400);
      ok(none.body.issues.url);
      const ftp = await call("POST", "/upstream-playlists", { name: "P", url: "ftp://x/y.m3u" });
      equal(ftp.status, 400);
      const ua = await call("POST", "/upstream-playlists", {
        name: "P",
        url: "http://127.0.0.1:1/x.m3u",
        userAgentId: "01HZZZZZZZZZZZZZZZZZZZZZZZ",
      });
      equal(ua.status, 422);
      ok(ua.body.issues.userAgentId);
      const outside = await call("POST", "/upstream-playlists", { name: "P", path: "/etc/passwd" });
      equal(outside.status, 422);
      match(outside.body.error, /outside DATA_DIR/);
      const p = await call("POST", "/upstream-playlists", {
        name: "P",
        url: "http://127.0.0.1:1/x.m3u",
        excludedGroups: ["Adult"],
        maxConnections: 2,
        refreshMinutes: 60,
      });
      equal(p.status, 201);
      deepEqual(p.body.excludedGroups, ["Adult"]);
      equal(p.body.lastImport, null);
      const edit = await call("PUT", `/upstream-playlists/${p.body.id}`, {
        name: "P2",
        url: "http://127.0.0.1:1/y.m3u",
        enabled: false,
      });
      equal(edit.status, 200);
      equal(edit.body.enabled, false);
      equal(
        (await call("POST", "/upstream-playlists", { name: "p2", url: "http://a/b" })).status,
        409,
      );
      const doc = await call("GET", "/openapi.json");
      equal(doc.status, 200);
      ok(doc.body.paths["/upstream-playlists/{id}/import"].post);
      ok(doc.body.components.schemas.UpstreamPlaylistInput);
      ok(doc.body.components.schemas.Channel);
    } finally {
      await m.close();
    }
  },
);

Deno.test(
  "importing through the API fills groups and channels that filter and page",
  opts,
  async () => {
    const m = await startTestManager();
    const call = apiClient(m);
    const lines = ["#EXTM3U"];
    for (let i = 0; i < 250; i++) {
      const group = ["News", "Sport", "Kids"][i % 3];
      lines.push(`#EXTINF:-1 tvg-id="c${i}" group-title="${group}",Channel ${i} ${group}`);
      lines.push(`http://stream.invalid/${i}.ts`);
    }
    const up = serveLocal(() => new Response(lines.join("\n")));
    try {
      const p = await call("POST", "/upstream-playlists", { name: "Big", url: up.url });
      const started = await call("POST", `/upstream-playlists/${p.body.id}/import`);
      equal(started.status, 202);
      equal(started.body.status, "running");
      const done = await waitFor(async () => {
        const r = await call("GET", `/upstream-playlists/${p.body.id}`);
        return r.body.lastImport?.status !== "running" ? r.body : null;
      }, "import to finish");
      equal(done.lastImport.status, "ok", done.lastImport.error);
      equal(done.lastImport.counts.channels, 250);
      ok(done.lastImport.durationMs >= 0);
      equal(done.channelCount, 250);

      const groups = await call("GET", `/groups?playlistId=${p.body.id}`);
      deepEqual(groups.body.items.map((g: { name: string }) => g.name), ["Kids", "News", "Sport"]);
      const sport = groups.body.items.find((g: { name: string }) => g.name === "Sport");
      equal(sport.channelCount, 83);
      const names = await fetch(`${m.base}/api/v1/groups/names`, { headers: AUTH });
      equal(await names.text(), "Kids\nNews\nSport\n");

      const page1 = await call("GET", "/channels?limit=100");
      equal(page1.body.items.length, 100);
      equal(page1.body.total, 250);
      equal(page1.body.cursor, "100");
      const page3 = await call("GET", "/channels?limit=100&cursor=200");
      equal(page3.body.items.length, 50);
      equal(page3.body.cursor, null);
      equal(page3.body.items[0].name, "Channel 200 Kids");
      const search = await call("GET", "/channels?q=channel%2012&limit=50");
      deepEqual(
        search.body.items.map((c: { name: string }) => c.name),
        [
          "Channel 12 News",
          "Channel 120 News",
          "Channel 121 Sport",
          "Channel 122 Kids",
          "Channel 123 News",
          "Channel 124 Sport",
          "Channel 125 Kids",
          "Channel 126 News",
          "Channel 127 Sport",
          "Channel 128 Kids",
          "Channel 129 News",
        ],
      );
      const byGroup = await call("GET", `/channels?groupId=${sport.id}&limit=1000`);
      equal(byGroup.body.total, 83);
      ok(byGroup.body.items.every((c: { name: string }) => c.name.endsWith("Sport")));
      equal((await call("GET", "/channels?limit=0")).status, 400);

      const one = page1.body.items[0];
      const patched = await call("PATCH", `/channels/${one.id}`, {
        enabled: false,
        keepStatus: true,
      });
      equal(patched.status, 200);
      equal(patched.body.enabled, false);
      equal(patched.body.keepStatus, true);
      equal((await call("GET", `/channels/${one.id}`)).body.enabled, false);
      equal((await call("GET", "/channels?enabled=false")).body.total, 1);
      equal((await call("PATCH", "/channels/nope", { enabled: true })).status, 404);

      const bulk = await call("POST", "/channels/bulk", {
        groupId: sport.id,
        set: { enabled: false },
      });
      equal(bulk.body.updated, 83);
      equal((await call("GET", "/channels?enabled=false")).body.total, 84);
      const g = await call("PATCH", `/groups/${sport.id}`, { enabled: false });
      equal(g.body.enabled, false);

      // Admin states survive a refresh of the same file.
      const again = await call("POST", `/upstream-playlists/${p.body.id}/import`);
      equal(again.status, 202);
      await waitFor(async () => {
        const r = await call("GET", `/upstream-playlists/${p.body.id}`);
        return r.body.lastImport?.id === again.body.id && r.body.lastImport.status === "ok";
      }, "second import");
      equal((await call("GET", "/channels?enabled=false")).body.total, 84);
      equal((await call("GET", `/channels/${one.id}`)).body.keepStatus, true);

      equal((await call("DELETE", `/upstream-playlists/${p.body.id}`)).status, 204);
      equal((await call("GET", "/channels")).body.total, 0);
      equal((await call("GET", "/groups")).body.items.length, 0);
    } finally {
      await up.close();
      await m.close();
    }
  },
);

Deno.test("starting an import of an unknown playlist answers 404", opts, async () => {
  const m = await startTestManager();
  try {
    equal((await apiClient(m)("POST", "/upstream-playlists/nope/import")).status, 404);
  } finally {
    await m.close();
  }
});
