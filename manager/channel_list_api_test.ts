/**
 * The channel list's JSON API: guide channels searched with what is on now, views of channels
 * with their guide match, inline edits checked by version (409 when stale), and bulk enable,
 * disable and rename over a filter, Japanese names included.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { apiClient, Client, startTestManager, waitFor } from "../testing/harness.ts";
import { channelListFixture } from "../testing/channel_list_fixture.ts";

Deno.test("the guide channel search finds channels by name or id with what is on now", async () => {
  const fx = await channelListFixture();
  try {
    const call = apiClient(fx.manager);
    const news = await call("GET", "/guide-channels?q=news");
    equal(news.status, 200);
    // Exact and prefix matches come first.
    deepEqual(news.body.items.map((c: { id: string }) => c.id), ["news.uk", "worldnews.uk"]);
    const first = news.body.items[0];
    equal(first.name, "News 24");
    equal(first.epgName, "Guide");
    equal(first.now.title, "Morning & Evening News");
    equal(first.logo, `${fx.upstream}/logos/news.svg`, "ICON_CACHE=false shows the logo's own URL");
    equal(news.body.items[1].now, null, "nothing on now");

    const jp = await call("GET", `/guide-channels?q=${encodeURIComponent("ＮＨＫ")}`);
    deepEqual(jp.body.items.map((c: { id: string }) => c.id), ["nhk.jp"]);
    equal(jp.body.items[0].now.title, "ニュース７");

    const all = await call("GET", "/guide-channels?limit=2");
    equal(all.body.total, 4);
    equal(all.body.cursor, "2");
    equal((await call("GET", "/guide-channels?limit=2&cursor=2")).body.items.length, 2);
    equal((await call("GET", "/guide-channels?limit=0")).status, 400);
  } finally {
    await fx.close();
  }
});

Deno.test("an inline edit names the version it read and a stale one answers 409", async () => {
  const fx = await channelListFixture();
  try {
    const call = apiClient(fx.manager);
    const views = await call("GET", `/channel-views?q=${encodeURIComponent("日テレ")}`);
    equal(views.body.total, 1);
    const ntv = views.body.items[0];
    equal(ntv.version, null);
    equal(ntv.guide, null, "no guide knows it");
    equal(ntv.logo, null, "no logo: a placeholder");

    const edit = (body: unknown, version: string | null) =>
      fetch(`${fx.manager.base}/api/v1/channels/${ntv.id}/override`, {
        method: "PATCH",
        headers: {
          ...fx.auth,
          "content-type": "application/json",
          "if-match": `"${version ?? ""}"`,
        },
        body: JSON.stringify(body),
      });
    const a = await edit({ number: 4 }, null);
    equal(a.status, 200);
    deepEqual(await a.json(), { number: 4 });
    const v1 = a.headers.get("etag")!.replaceAll('"', "");
    ok(v1);

    // A second editor still holding the page from before the first edit.
    const stale = await edit({ name: "NTV" }, null);
    equal(stale.status, 409);
    const err = await stale.json();
    ok(/changed by someone else/.test(err.error), err.error);

    // With the version read, the edit goes through and keeps the number.
    const b = await edit({ name: "NTV" }, v1);
    equal(b.status, 200);
    deepEqual(await b.json(), { number: 4, name: "NTV" });
    // The search finds a channel by the name the admin gave it, in the list and the raw API.
    deepEqual(
      (await call("GET", "/channel-views?q=ntv")).body.items.map((c: { id: string }) => c.id),
      [ntv.id],
    );
    equal((await call("GET", "/channels?q=ntv")).body.total, 1);

    // A mapping must name a guide channel that exists; a picked one is the match.
    const v2 = (await call("GET", `/channel-views/${ntv.id}`)).body.version;
    const bad = await edit({ epg: { epgId: fx.epgId, channelId: "nope" } }, v2);
    equal(bad.status, 422);
    const mapped = await edit({ epg: { epgId: fx.epgId, channelId: "news.uk" } }, v2);
    equal(mapped.status, 200);
    const view = (await call("GET", `/channel-views/${ntv.id}`)).body;
    equal(view.name, "NTV");
    equal(view.importedName, "日テレ");
    equal(view.number, 4);
    deepEqual(view.guide && [view.guide.channelId, view.guide.by], ["news.uk", "manual"]);

    // null clears a field.
    const cleared = await edit({ name: null, epg: null }, view.version);
    deepEqual(await cleared.json(), { number: 4 });
    equal((await call("GET", `/channel-views/${ntv.id}`)).body.guide, null);
  } finally {
    await fx.close();
  }
});

Deno.test("bulk disable and rename act on every channel of a filter, Japanese names too", async () => {
  const fx = await channelListFixture();
  try {
    const call = apiClient(fx.manager);
    // Channels with and without guide data, matched the way the outputs match them.
    equal((await call("GET", "/channel-views?guide=some")).body.total, 2);
    const none = await call("POST", "/channels/bulk", { guide: "none", set: { enabled: false } });
    equal(none.body.updated, 3);
    equal((await call("POST", "/channels/bulk", { set: { enabled: true } })).body.updated, 3);
    const q = "テレ";
    const matching = await call("GET", `/channel-views?q=${encodeURIComponent(q)}`);
    deepEqual(
      matching.body.items.map((c: { name: string }) => c.name),
      ["NHK Eテレ", "日テレ", "テレビ朝日"],
    );
    const off = await call("POST", "/channels/bulk", { q, set: { enabled: false } });
    equal(off.body.updated, 3);
    equal((await call("GET", "/channel-views?enabled=false")).body.total, 3);
    // Matched by guide name: News 24 is found by its tvg-id and keeps its logo.
    const news = (await call("GET", "/channel-views?q=News")).body.items[0];
    deepEqual([news.enabled, news.guide.channelId, news.guide.by], [true, "news.uk", "tvg-id"]);

    const preview = await call("POST", "/channels/bulk-rename", {
      q,
      rename: { mode: "prefix", text: "[JP] " },
      dryRun: true,
    });
    equal(preview.status, 200);
    deepEqual(preview.body, {
      matched: 3,
      changed: 3,
      samples: [
        { id: matching.body.items[0].id, from: "NHK Eテレ", to: "[JP] NHK Eテレ" },
        { id: matching.body.items[1].id, from: "日テレ", to: "[JP] 日テレ" },
        { id: matching.body.items[2].id, from: "テレビ朝日", to: "[JP] テレビ朝日" },
      ],
    });
    equal((await call("GET", "/channel-views?q=NHK")).body.items[1].name, "NHK Eテレ", "dry run");

    const done = await call("POST", "/channels/bulk-rename", {
      q,
      rename: { mode: "prefix", text: "[JP] " },
    });
    equal(done.body.changed, 3);
    const again = await call("POST", "/channels/bulk-rename", {
      q,
      rename: { mode: "prefix", text: "[JP] " },
    });
    equal(again.body.changed, 0, "a prefix is not added twice");
    // The new names are searched too, and a bulk action on them acts on the same channels.
    equal((await call("GET", `/channel-views?q=${encodeURIComponent("[jp]")}`)).body.total, 3);
    const on = await call("POST", "/channels/bulk", { q: "[JP]", set: { enabled: true } });
    equal(on.body.updated, 3);
    equal((await call("POST", "/channels/bulk", { q, set: { enabled: false } })).body.updated, 3);
    const replaced = await call("POST", "/channels/bulk-rename", {
      q,
      rename: { mode: "replace", find: "^\\[JP\\] (.+)テレ$", replace: "$1TV", regex: true },
    });
    equal(replaced.body.changed, 2);
    deepEqual(
      (await call("GET", `/channel-views?q=${encodeURIComponent(q)}`)).body.items.map((
        c: { name: string },
      ) => c.name),
      ["NHK ETV", "日TV", "[JP] テレビ朝日"],
    );
    const bad = await call("POST", "/channels/bulk-rename", {
      q,
      rename: { mode: "replace", find: "(", regex: true },
    });
    equal(bad.status, 400);
    deepEqual(Object.keys(bad.body.issues), ["rename.find"]);

    const reset = await call("POST", "/channels/bulk-rename", { q, rename: { mode: "reset" } });
    equal(reset.body.changed, 3);
    const names = (await call("GET", `/channel-views?q=${encodeURIComponent(q)}`)).body.items;
    ok(names.every((c: { name: string; importedName: string }) => c.name === c.importedName));
    ok(names.every((c: { version: string | null }) => c.version === null), "no overrides left");
  } finally {
    await fx.close();
  }
});

Deno.test("the guide channel search answers an empty page before any guide is imported", async () => {
  const m = await startTestManager();
  try {
    const r = await apiClient(m)("GET", "/guide-channels?q=x");
    deepEqual(r.body, { items: [], cursor: null, total: 0 });
    // The new routes are in the OpenAPI document, the edit with its If-Match header.
    const doc = (await apiClient(m)("GET", "/openapi.json")).body;
    ok(doc.paths["/guide-channels"].get && doc.paths["/channel-views"].get);
    ok(doc.paths["/channels/bulk-rename"].post);
    const patch = doc.paths["/channels/{id}/override"].patch;
    ok(
      patch.parameters.some((p: { name: string; in: string }) =>
        p.name === "if-match" && p.in === "header"
      ),
    );
    ok(patch.responses["409"]);
  } finally {
    await m.close();
  }
});

Deno.test("the rename form renames the filter's channels without JavaScript", async () => {
  const fx = await channelListFixture();
  try {
    const admin = new Client(fx.manager.base);
    await admin.login("admin", "correct horse battery");
    await admin.page("/admin/channels");
    const res = await admin.postForm("/admin/channels/rename", {
      q: "テレ",
      playlistId: "",
      groupId: "",
      enabled: "",
      mode: "suffix",
      text: " (JP)",
    });
    equal(res.status, 303);
    equal(res.headers.get("location"), `/admin/channels?q=${encodeURIComponent("テレ")}`);
    const { html } = await admin.page(res.headers.get("location")!);
    ok(html.includes("Renamed 3 of 3 channels"), "the notice");
    ok(html.includes('value="日テレ (JP)"'), "the new name in the list");
    const bad = await admin.postForm("/admin/channels/rename", { mode: "replace", find: "" });
    equal(bad.status, 303);
    ok((await admin.page("/admin/channels")).html.includes("Nothing renamed: Say what to find"));
  } finally {
    await fx.close();
  }
});

Deno.test("with the icon cache on, logos are shown from its copies", async () => {
  const fx = await channelListFixture({ env: { ICON_CACHE: "true" } });
  try {
    const news = await waitFor(async () => {
      const v = (await fx.call("GET", "/channel-views?q=News")).body.items[0];
      return v.logo?.startsWith("/manager/icons/") ? v : null;
    }, "the cached copy of the logo");
    match(news.logo, /^\/manager\/icons\/[0-9A-Z]{26}\.svg$/);
    const icon = await fetch(fx.manager.base + news.logo);
    equal(icon.headers.get("content-type"), "image/svg+xml");
    await icon.body?.cancel();
    const ntv = (await fx.call("GET", `/channel-views?q=${encodeURIComponent("日テレ")}`)).body;
    equal(ntv.items[0].logo, null, "no logo: the page shows a placeholder");
    const guide = await waitFor(async () => {
      const g = (await fx.call("GET", "/guide-channels?q=news.uk")).body.items[0];
      return g.logo?.startsWith("/manager/icons/") ? g : null;
    }, "the guide channel's cached logo");
    equal(guide.logo, news.logo, "one copy per source URL");
  } finally {
    await fx.close();
  }
});
