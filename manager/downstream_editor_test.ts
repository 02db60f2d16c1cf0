/** The JSON API of the downstream playlist editor, and picks against bare names, over real HTTP. */
import { deepEqual, equal, ok } from "node:assert/strict";
import { downstreamPlaylistKey } from "../common/db/keys.ts";
import { parseM3uText } from "../common/m3u/mod.ts";
import { PlaylistMembers } from "../common/output/membership.ts";
import { ADMIN_AUTH, apiClient, Client, startTestManager, waitFor } from "../testing/harness.ts";
import { addTwoProviders } from "../testing/two_providers.ts";

/** The channel names of a downstream playlist's M3U, fetched as a device does. */
async function m3uNames(base: string, playlistUrl: string): Promise<string[]> {
  const u = new URL(playlistUrl);
  const res = await fetch(`${base}${u.pathname}${u.search}`);
  equal(res.status, 200);
  return parseM3uText(await res.text()).entries.map((e) => e.name);
}

Deno.test("the editor API lists groups with their upstream playlist and count, and previews", async () => {
  const m = await startTestManager();
  const call = apiClient(m);
  const providers = await addTwoProviders(m);
  const { "Provider A": a, "Provider B": b } = providers.ids;
  try {
    const choices = await call("GET", "/downstream-playlists/editor/groups");
    equal(choices.status, 200, JSON.stringify(choices.body));
    deepEqual(choices.body.playlists.map((p: { name: string }) => p.name), [
      "Provider A",
      "Provider B",
    ]);
    deepEqual(
      choices.body.groups.map((g: { playlistId: string; label: string; channels: number }) => [
        g.playlistId,
        g.label,
        g.channels,
      ]),
      [[b, "News", 1], [a, "Sport", 1], [a, "UK", 2], [b, "UK", 2]],
    );

    // B's UK before A's: the picks tell the two apart and order them; the guide matches two.
    const picks = [{ playlistId: b, name: "UK" }, { playlistId: a, name: "UK" }];
    const preview = await waitFor(async () => {
      const r = await call("POST", "/downstream-playlists/editor/preview", { groups: picks });
      equal(r.status, 200, JSON.stringify(r.body));
      // The guide index follows the guide's import through the change feed.
      return r.body.withoutGuide === 2 ? r.body : null;
    }, "the guide to match");
    deepEqual(preview.channels.map((c: { name: string }) => c.name), [
      "Channel 4",
      "Channel 5",
      "BBC One",
      "ITV",
    ]);
    equal(preview.total, 4);
    deepEqual(preview.perEntry, [2, 2]);
    deepEqual(preview.channels[2].guide, { by: "tvg-id", name: "BBC One HD" });
    equal(preview.channels[1].guide, null);
    ok(preview.channels[0].logo.endsWith("/logo/channel4.png"), preview.channels[0].logo);

    // A bare name, as saved before picks existed: UK of both, in upstream playlist order.
    const bare = await call("POST", "/downstream-playlists/editor/preview", {
      groups: ["UK", { playlistId: a, name: "Sport" }],
      numbering: "sequential",
      numberStart: 100,
      excludeFilters: ["itv"],
      limit: 3,
    });
    equal(bare.status, 200);
    deepEqual(bare.body.channels.map((c: { name: string }) => c.name), [
      "BBC One",
      "Channel 4",
      "Channel 5",
    ]);
    deepEqual(bare.body.channels.map((c: { number: number }) => c.number), [100, 101, 102]);
    deepEqual([bare.body.total, bare.body.perEntry], [4, [3, 1]]);

    // Mistakes are a 400 with the field named, not a 500.
    const badRegex = await call("POST", "/downstream-playlists/editor/preview", {
      filterMode: "regex",
      excludeFilters: ["("],
    });
    equal(badRegex.status, 400);
    ok(badRegex.body.issues["excludeFilters.0"], JSON.stringify(badRegex.body));
    const badPick = await call("POST", "/downstream-playlists/editor/preview", {
      groups: [{ name: "UK" }],
    });
    equal(badPick.status, 400);

    const doc = await (await fetch(`${m.base}/api/v1/openapi.json`, { headers: ADMIN_AUTH }))
      .json();
    ok(doc.paths["/downstream-playlists/editor/groups"]?.get);
    ok(doc.paths["/downstream-playlists/editor/preview"]?.post);
  } finally {
    await providers.close();
    await m.close();
  }
});

Deno.test("a bare name still matches in every upstream playlist, a pick only in its own", async () => {
  const m = await startTestManager();
  const call = apiClient(m);
  const providers = await addTwoProviders(m);
  const { "Provider A": a, "Provider B": b } = providers.ids;
  try {
    const picked = await call("POST", "/downstream-playlists", {
      name: "Picked",
      streamMode: "direct",
      groups: [{ playlistId: b, name: "UK" }, "Sport"],
    });
    equal(picked.status, 201, JSON.stringify(picked.body));
    deepEqual(picked.body.groups, [{ playlistId: b, name: "UK" }, "Sport"]);
    deepEqual(await m3uNames(m.base, picked.body.playlistUrl), [
      "Channel 4",
      "Channel 5",
      "Sky Sports",
    ]);

    // A record written before picks existed (bare names only) loads and lists UK of both.
    const old = await call("POST", "/downstream-playlists", {
      name: "Old",
      streamMode: "direct",
      groups: ["Sport"],
    });
    const key = downstreamPlaylistKey(old.body.id);
    const stored = (await m.kv.get<Record<string, unknown>>(key)).value!;
    await m.kv.set(key, { ...stored, groups: ["UK", "News"] });
    const loaded = await call("GET", `/downstream-playlists/${old.body.id}`);
    equal(loaded.status, 200);
    deepEqual(loaded.body.groups, ["UK", "News"]);
    // The API still takes the old form; replaced with bare names, it lists UK of both playlists.
    const renamed = await call("PUT", `/downstream-playlists/${old.body.id}`, {
      name: "Old renamed",
      streamMode: "direct",
      groups: ["UK", "News"],
    });
    equal(renamed.status, 200, JSON.stringify(renamed.body));
    deepEqual(await m3uNames(m.base, renamed.body.playlistUrl), [
      "BBC One",
      "ITV",
      "Channel 4",
      "Channel 5",
      "CNN",
    ]);

    // Saved again with picks (what the editor sends): from then on only the picked playlist's.
    const resaved = await call("PUT", `/downstream-playlists/${old.body.id}`, {
      name: "Old renamed",
      streamMode: "direct",
      groups: [{ playlistId: a, name: "UK" }, { playlistId: b, name: "News" }],
    });
    equal(resaved.status, 200, JSON.stringify(resaved.body));
    deepEqual(await m3uNames(m.base, resaved.body.playlistUrl), ["BBC One", "ITV", "CNN"]);
  } finally {
    await providers.close();
    await m.close();
  }
});

Deno.test("without JavaScript the form posts the same groups field: bare names and picks", async () => {
  const m = await startTestManager();
  const call = apiClient(m);
  const providers = await addTwoProviders(m);
  const { "Provider B": b } = providers.ids;
  try {
    const browser = new Client(m.base);
    equal((await browser.login("admin", "correct horse battery")).status, 303);
    const { html } = await browser.page("/admin/downstream/new");
    ok(html.includes('data-island="DownstreamGroups"'), "the editor island is mounted");
    ok(/<noscript>.*<textarea[^>]*name="groups"/s.test(html), "a textarea is the fallback");
    const pick = JSON.stringify({ playlistId: b, name: "UK" });
    const saved = await browser.postForm("/admin/downstream", {
      name: "Typed",
      streamMode: "direct",
      groups: `Sport\r\n${pick}\r\n\r\n`,
      enabled: "on",
    });
    equal(saved.status, 303, await saved.text());
    const id = /\/admin\/downstream\/([^/]+)\/view/.exec(saved.headers.get("location")!)![1];
    const stored = await call("GET", `/downstream-playlists/${id}`);
    deepEqual(stored.body.groups, ["Sport", { playlistId: b, name: "UK" }]);
    deepEqual(await m3uNames(m.base, stored.body.playlistUrl), [
      "Sky Sports",
      "Channel 4",
      "Channel 5",
    ]);
    // The edit page hands the same entries to the island and to the fallback textarea.
    const edit = (await browser.page(`/admin/downstream/${id}`)).html;
    ok(edit.includes("Sport\n{&quot;playlistId&quot;"), "the textarea holds one entry a line");
  } finally {
    await providers.close();
    await m.close();
  }
});

Deno.test("the streaming proxy's membership follows picks and bare names alike", async () => {
  const m = await startTestManager();
  const call = apiClient(m);
  const providers = await addTwoProviders(m);
  const { "Provider B": b } = providers.ids;
  try {
    const channels = (await call("GET", "/channels?limit=100")).body.items as {
      id: string;
      name: string;
    }[];
    const idOf = (name: string) => channels.find((c) => c.name === name)!.id;
    const picked = await call("POST", "/downstream-playlists", {
      name: "Picked",
      streamMode: "direct",
      groups: [{ playlistId: b, name: "UK" }],
    });
    const bare = await call("POST", "/downstream-playlists", {
      name: "Bare",
      streamMode: "direct",
      groups: ["UK"],
    });
    // The class the proxy asks whether a stream token may open a channel, over the same data.
    const members = new PlaylistMembers(m.kv, m.deps.feed, m.deps.index);
    const contains = (p: { body: { id: string } }, name: string) =>
      members.contains(p.body.id, idOf(name));
    await waitFor(() => contains(bare, "BBC One"), "the feed to see both playlists");
    equal(await contains(bare, "Channel 4"), true);
    equal(await contains(picked, "Channel 4"), true);
    equal(await contains(picked, "BBC One"), false, "A's UK is not B's");
  } finally {
    await providers.close();
    await m.close();
  }
});
