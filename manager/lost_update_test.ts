/**
 * No lost updates: an admin's edits made while an import runs survive its switch, and deleting an
 * upstream playlist or guide leaves no key of it behind.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { apiClient, serveLocal, startTestManager, waitFor } from "../testing/harness.ts";

function playlist(extra: string[] = []): string {
  const rows = [["a1", "Alpha One", "Alpha"], ["a2", "Alpha Two", "Alpha"], [
    "b1",
    "Beta One",
    "Beta",
  ]];
  for (const n of extra) rows.push([n, n, "Beta"]);
  return "#EXTM3U\n" +
    rows.map(([id, name, g]) =>
      `#EXTINF:-1 tvg-id="${id}" group-title="${g}",${name}\nhttp://stream.invalid/${id}.ts\n`
    ).join("");
}

/** Counts KV keys by their first part. */
async function countKeys(kv: Deno.Kv): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for await (const e of kv.list({ prefix: [] })) {
    const k = String(e.key[0]);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

Deno.test("a group and a channel edited while an import runs keep the admin's edit", async () => {
  const m = await startTestManager();
  const call = apiClient(m);
  let release: () => void = () => {};
  let slow = false;
  let requested = false;
  const up = serveLocal(() => {
    if (!slow) return new Response(playlist());
    requested = true;
    // Half the file, then wait for the test to let the rest through.
    const text = playlist(["Gamma"]);
    const gate = new Promise<void>((r) => release = r);
    return new Response(
      new ReadableStream({
        async start(ctl) {
          const bytes = new TextEncoder().encode(text);
          ctl.enqueue(bytes.slice(0, 40));
          await gate;
          ctl.enqueue(bytes.slice(40));
          ctl.close();
        },
      }),
    );
  });
  try {
    const p = await call("POST", "/upstream-playlists", { name: "P", url: up.url });
    const first = await call("POST", `/upstream-playlists/${p.body.id}/import`);
    await waitFor(
      async () =>
        (await call("GET", `/upstream-playlists/${p.body.id}`)).body.lastImport?.status === "ok",
      "first import",
    );
    slow = true;
    const run = await call("POST", `/upstream-playlists/${p.body.id}/import`);
    equal(run.status, 202);
    ok(run.body.id !== first.body.id);
    // The upstream has sent the first bytes and holds the rest: the import is running.
    await waitFor(() => Promise.resolve(requested), "the download to start");
    await new Promise((r) => setTimeout(r, 100));
    // While it runs: disable a group and a channel.
    const beta = (await call("GET", "/groups")).body.items.find((g: { name: string }) =>
      g.name === "Beta"
    );
    equal((await call("PATCH", `/groups/${beta.id}`, { enabled: false })).status, 200);
    const alpha2 = (await call("GET", "/channels?limit=50")).body.items.find((
      c: { name: string },
    ) => c.name === "Alpha Two");
    equal((await call("PATCH", `/channels/${alpha2.id}`, { enabled: false })).status, 200);
    release();
    await waitFor(async () => {
      const last = (await call("GET", `/upstream-playlists/${p.body.id}`)).body.lastImport;
      return last?.id === run.body.id && last.status !== "running";
    }, "the second import");
    equal((await call("GET", `/upstream-playlists/${p.body.id}`)).body.lastImport.status, "ok");
    const groups = (await call("GET", "/groups")).body.items;
    equal(
      groups.find((g: { name: string }) => g.name === "Beta").enabled,
      false,
      "the group stays disabled",
    );
    const channels = (await call("GET", "/channels?limit=50")).body.items;
    deepEqual(channels.map((c: { name: string }) => c.name), [
      "Alpha One",
      "Alpha Two",
      "Beta One",
      "Gamma",
    ]);
    equal(
      channels.find((c: { name: string }) => c.name === "Alpha Two").enabled,
      false,
      "the channel stays disabled",
    );
  } finally {
    release();
    await up.close();
    await m.close();
  }
});

Deno.test("deleting an upstream playlist or a guide deletes everything that belongs to it", async () => {
  const m = await startTestManager();
  const call = apiClient(m);
  const now = Date.now();
  const t = (ms: number) =>
    new Date(ms).toISOString().replace(/[-:T]/g, "").slice(0, 14) + " +0000";
  const up = serveLocal((req) =>
    new URL(req.url).pathname === "/g.xml"
      ? new Response(
        `<tv><channel id="a1"><display-name>Alpha One</display-name></channel><programme start="${
          t(now)
        }" stop="${t(now + 3600_000)}" channel="a1"><title>News</title></programme></tv>`,
      )
      : new Response(playlist())
  );
  try {
    const before = await countKeys(m.kv);
    const p = await call("POST", "/upstream-playlists", { name: "P", url: `${up.url}/p.m3u` });
    for (let i = 0; i < 3; i++) {
      const run = await call("POST", `/upstream-playlists/${p.body.id}/import`);
      await waitFor(async () => {
        const last = (await call("GET", `/upstream-playlists/${p.body.id}`)).body.lastImport;
        return last?.id === run.body.id && last.status === "ok";
      }, "import");
    }
    const g = await call("POST", "/epgs", { name: "G", url: `${up.url}/g.xml` });
    const gr = await call("POST", `/epgs/${g.body.id}/import`);
    await waitFor(
      async () =>
        (await call("GET", `/epgs/${g.body.id}`)).body.lastImport?.id === gr.body.id &&
        (await call("GET", `/epgs/${g.body.id}`)).body.lastImport.status === "ok",
      "guide import",
    );
    const channels = (await call("GET", "/channels?limit=50")).body.items;
    const group = (await call("GET", "/groups")).body.items[0];
    equal(
      (await call("PUT", `/channels/${channels[0].id}/override`, {
        name: "Renamed",
        epg: { epgId: g.body.id, channelId: "a1" },
      })).status,
      200,
    );
    equal(
      (await call("PUT", `/channels/${channels[1].id}/override`, {
        epg: { epgId: g.body.id, channelId: "a1" },
      })).status,
      200,
    );
    equal((await call("PUT", `/groups/${group.id}/override`, { name: "Shown" })).status, 200);
    equal((await call("PATCH", `/channels/${channels[2].id}`, { enabled: false })).status, 200);
    const full = await countKeys(m.kv);
    ok(
      full.channel_chunks && full.channel_overrides === 2 && full.group_overrides === 1 &&
        full.epg_programmes,
    );

    // The guide goes: its programmes, channels, runs and the mappings to it (the rename stays).
    equal((await call("DELETE", `/epgs/${g.body.id}`)).status, 204);
    const noGuide = await countKeys(m.kv);
    for (
      const k of [
        "epgs",
        "epgs_by_name",
        "epg_channels",
        "epg_programmes",
        "epg_generations",
        "epg_import_runs",
        "epg_import_locks",
      ]
    ) {
      equal(noGuide[k] ?? 0, 0, k);
    }
    equal(noGuide.channel_overrides, 1, "the mapping-only override is gone, the rename stays");
    equal((await call("GET", `/channels/${channels[0].id}/override`)).body.epg, undefined);

    // The playlist goes with its channels, groups, overrides, runs and edit log.
    equal((await call("DELETE", `/upstream-playlists/${p.body.id}`)).status, 204);
    const after = await countKeys(m.kv);
    for (const k of Object.keys(after)) {
      if (k === "revisions") continue;
      equal(after[k], before[k] ?? 0, `${k}: ${after[k]} keys left, ${before[k] ?? 0} before`);
    }
  } finally {
    await up.close();
    await m.close();
  }
});
