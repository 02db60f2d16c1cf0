/**
 * Every kind of change reaches the device outputs on the very next request: downstream settings,
 * groups, filters, numbering, overrides, channel/group/playlist enable, token rotation, a proxy's
 * address, a re-import, a guide import; and a change made by a second manager process on the same
 * KV file within a second.
 */
import { deepEqual, equal, match, notEqual, ok } from "node:assert/strict";
import { parseM3uText } from "../../common/m3u/mod.ts";
import {
  ADMIN_AUTH,
  type ApiAnswer,
  apiClient,
  serveLocal,
  startTestManager,
  type TestManager,
  waitFor,
} from "../../testing/harness.ts";

let upstreamVersion = 1;

function playlistText(): string {
  const rows = [
    ["uk1", "BBC One", "UK"],
    ["uk2", "BBC Two", "UK"],
    ["sp1", "Eurosport 1", "Sport"],
    ["sp2", "Sky Sports F1", "Sport"],
  ];
  if (upstreamVersion > 1) rows.push(["uk3", "Channel 4", "UK"]);
  return "#EXTM3U\n" +
    rows.map(([id, name, group]) =>
      `#EXTINF:-1 tvg-id="${id}" tvg-logo="http://logo.invalid/${id}.png" group-title="${group}",${name}\nhttp://stream.invalid/${id}.ts\n`
    ).join("");
}

function guideText(title: string): string {
  const t = (ms: number) =>
    new Date(ms).toISOString().replace(/[-:T]/g, "").slice(0, 14) + " +0000";
  const now = Date.now();
  return `<?xml version="1.0" encoding="UTF-8"?>\n<tv>\n<channel id="uk2"><display-name>BBC Two</display-name></channel>\n` +
    `<programme start="${t(now - 3600_000)}" stop="${
      t(now + 3600_000)
    }" channel="uk2"><title>${title}</title></programme>\n</tv>\n`;
}

let guideTitle = "Morning News";

function upstreamServer() {
  return serveLocal((req) => {
    const path = new URL(req.url).pathname;
    if (path === "/list.m3u") return new Response(playlistText());
    if (path === "/guide.xml") return new Response(guideText(guideTitle));
    return new Response("no", { status: 404 });
  });
}

async function waitRun(call: ReturnType<typeof apiClient>, path: string, runId: string) {
  await waitFor(async () => {
    const r = await call("GET", path);
    return r.body.lastImport?.id === runId && r.body.lastImport.status !== "running";
  }, path);
  const r = await call("GET", path);
  equal(r.body.lastImport.status, "ok", r.body.lastImport.error);
}

/** Fetches a public output: status, ETag and text. */
async function load(url: string) {
  const res = await fetch(url);
  return { status: res.status, etag: res.headers.get("etag"), text: await res.text() };
}

function names(text: string): string[] {
  return parseM3uText(text).entries.map((e) => e.name);
}

interface Setup {
  m: TestManager;
  call: (method: string, path: string, body?: unknown) => Promise<ApiAnswer>;
  up: { url: string; close(): Promise<void> };
  upstreamId: string;
  downstream: ApiAnswer["body"];
  proxyId: string;
}

async function setUp(m: TestManager): Promise<Setup> {
  const call = apiClient(m);
  const up = upstreamServer();
  const p = await call("POST", "/upstream-playlists", {
    name: "Provider",
    url: `${up.url}/list.m3u`,
  });
  equal(p.status, 201);
  const run = await call("POST", `/upstream-playlists/${p.body.id}/import`);
  await waitRun(call, `/upstream-playlists/${p.body.id}`, run.body.id);
  const proxy = await call("POST", "/proxies", {
    name: "Lounge",
    internalUrl: "http://127.0.0.1",
    internalPort: 8089,
    externalUrl: "http://tv.example",
    externalPort: 9000,
  });
  const d = await call("POST", "/downstream-playlists", {
    name: "Kitchen",
    proxyId: proxy.body.id,
    groups: ["UK", "Sport"],
  });
  equal(d.status, 201, JSON.stringify(d.body));
  return { m, call, up, upstreamId: p.body.id, downstream: d.body, proxyId: proxy.body.id };
}

function downstreamInput(d: ApiAnswer["body"], change: Record<string, unknown>) {
  const {
    id: _id,
    token: _t,
    streamToken: _s,
    createdAt: _c,
    updatedAt: _u,
    playlistUrl: _p,
    guideUrl: _g,
    ...input
  } = d;
  return { ...input, ...change };
}

const local = (m: TestManager, url: string) => m.base + new URL(url).pathname + new URL(url).search;

Deno.test("every kind of change shows in the next playlist and guide request", async () => {
  upstreamVersion = 1;
  guideTitle = "Morning News";
  const m = await startTestManager();
  const s = await setUp(m);
  const { call } = s;
  try {
    let url = local(m, s.downstream.playlistUrl);
    let last = await load(url);
    equal(last.status, 200);
    deepEqual(names(last.text), ["BBC One", "BBC Two", "Eurosport 1", "Sky Sports F1"]);
    /** Applies a change, then checks the very next request shows it under a new ETag. */
    const expectChange = async (
      what: string,
      change: () => Promise<void>,
      check: (t: string) => void,
    ) => {
      await change();
      const next = await load(url);
      equal(next.status, 200, what);
      notEqual(next.etag, last.etag, `${what}: a new ETag`);
      check(next.text);
      last = next;
    };
    const groupsOf = async () => (await call("GET", `/groups`)).body.items;
    const channelsOf = async () => (await call("GET", `/channels?limit=100`)).body.items;

    await expectChange("groups changed by PUT", async () => {
      const r = await call(
        "PUT",
        `/downstream-playlists/${s.downstream.id}`,
        downstreamInput(s.downstream, { groups: ["UK"] }),
      );
      equal(r.status, 200, JSON.stringify(r.body));
    }, (t) => deepEqual(names(t), ["BBC One", "BBC Two"]));

    await expectChange("filters", async () => {
      const r = await call(
        "PUT",
        `/downstream-playlists/${s.downstream.id}`,
        downstreamInput(s.downstream, { groups: ["UK", "Sport"], excludeFilters: ["sky"] }),
      );
      equal(r.status, 200);
    }, (t) => deepEqual(names(t), ["BBC One", "BBC Two", "Eurosport 1"]));

    await expectChange(
      "numbering",
      async () => {
        const r = await call(
          "PUT",
          `/downstream-playlists/${s.downstream.id}`,
          downstreamInput(s.downstream, {
            groups: ["UK", "Sport"],
            numbering: "sequential",
            numberStart: 100,
          }),
        );
        equal(r.status, 200);
      },
      (t) =>
        deepEqual(parseM3uText(t).entries.map((e) => e.attrs["tvg-chno"]), [
          "100",
          "101",
          "102",
          "103",
        ]),
    );

    const bbcOne = (await channelsOf()).find((c: { name: string }) => c.name === "BBC One");
    await expectChange("a channel override", async () => {
      const r = await call("PUT", `/channels/${bbcOne.id}/override`, { name: "BBC One London" });
      equal(r.status, 200);
    }, (t) => equal(names(t)[0], "BBC One London"));

    await expectChange("a channel disabled", async () => {
      const r = await call("PATCH", `/channels/${bbcOne.id}`, { enabled: false });
      equal(r.status, 200);
    }, (t) => ok(!names(t).includes("BBC One London")));

    const sport = (await groupsOf()).find((g: { name: string }) => g.name === "Sport");
    await expectChange("a group disabled", async () => {
      const r = await call("PATCH", `/groups/${sport.id}`, { enabled: false });
      equal(r.status, 200, JSON.stringify(r.body));
    }, (t) => deepEqual(names(t), ["BBC Two"]));

    await expectChange("a group enabled again", async () => {
      const on = await call("PATCH", `/groups/${sport.id}`, { enabled: true });
      equal(on.status, 200);
    }, (t) => deepEqual(names(t), ["BBC Two", "Eurosport 1", "Sky Sports F1"]));

    await expectChange("a group renamed", async () => {
      const r = await call("PUT", `/groups/${sport.id}/override`, { name: "Sports" });
      equal(r.status, 200, JSON.stringify(r.body));
    }, (t) => equal(parseM3uText(t).entries[1].attrs["group-title"], "Sports"));

    await expectChange("the proxy's address", async () => {
      const r = await call("PUT", `/proxies/${s.proxyId}`, {
        name: "Lounge",
        internalUrl: "http://127.0.0.1",
        internalPort: 8089,
        externalUrl: "http://tv2.example",
        externalPort: 9100,
      });
      equal(r.status, 200);
    }, (t) => match(parseM3uText(t).entries[0].url, /^http:\/\/tv2\.example:9100\/stream\//));

    await expectChange("a re-import", async () => {
      upstreamVersion = 2;
      const run = await call("POST", `/upstream-playlists/${s.upstreamId}/import`);
      await waitRun(call, `/upstream-playlists/${s.upstreamId}`, run.body.id);
    }, (t) => ok(names(t).includes("Channel 4")));

    await expectChange("the upstream playlist disabled", async () => {
      const cur = (await call("GET", `/upstream-playlists/${s.upstreamId}`)).body;
      const r = await call("PUT", `/upstream-playlists/${s.upstreamId}`, {
        name: cur.name,
        url: cur.url,
        enabled: false,
      });
      equal(r.status, 200, JSON.stringify(r.body));
    }, (t) => deepEqual(names(t), []));

    // Token rotation: the old URL answers 404 at once, the new one serves.
    const rotated = await call("POST", `/downstream-playlists/${s.downstream.id}/rotate-tokens`);
    equal(rotated.status, 200);
    equal((await load(url)).status, 404, "the old token is refused on the next request");
    url = local(
      m,
      (await call("GET", `/downstream-playlists/${s.downstream.id}`)).body.playlistUrl,
    );
    equal((await load(url)).status, 200);

    // The guide: a guide import shows in the playlist's own guide at once.
    const view = (await call("GET", `/downstream-playlists/${s.downstream.id}`)).body;
    const cur = (await call("GET", `/upstream-playlists/${s.upstreamId}`)).body;
    await call("PUT", `/upstream-playlists/${s.upstreamId}`, {
      name: cur.name,
      url: cur.url,
      enabled: true,
    });
    const guideUrl = local(m, view.guideUrl);
    const g = await call("POST", "/epgs", { name: "Guide", url: `${s.up.url}/guide.xml` });
    equal(g.status, 201, JSON.stringify(g.body));
    const gr = await call("POST", `/epgs/${g.body.id}/import`);
    await waitRun(call, `/epgs/${g.body.id}`, gr.body.id);
    const g1 = await load(guideUrl);
    match(g1.text, /Morning News/);
    guideTitle = "Evening News";
    const gr2 = await call("POST", `/epgs/${g.body.id}/import`);
    await waitRun(call, `/epgs/${g.body.id}`, gr2.body.id);
    const g2 = await load(guideUrl);
    notEqual(g2.etag, g1.etag);
    match(g2.text, /Evening News/);

    // Disabling the downstream playlist closes both URLs at once.
    const off = await call(
      "PUT",
      `/downstream-playlists/${s.downstream.id}`,
      downstreamInput(view, { enabled: false }),
    );
    equal(off.status, 200);
    equal((await load(url)).status, 404);
    equal((await load(guideUrl)).status, 404);
  } finally {
    await s.up.close();
    await m.close();
  }
});

Deno.test("an override saved over someone else's edit is a conflict, not an overwrite", async () => {
  upstreamVersion = 1;
  const m = await startTestManager();
  const s = await setUp(m);
  try {
    const ch = (await s.call("GET", `/channels?limit=100`)).body.items[0];
    const read = await fetch(`${m.base}/api/v1/channels/${ch.id}/override`, {
      headers: ADMIN_AUTH,
    });
    await read.body?.cancel();
    const put = (body: unknown, etag?: string) =>
      fetch(`${m.base}/api/v1/channels/${ch.id}/override`, {
        method: "PUT",
        headers: {
          ...ADMIN_AUTH,
          "content-type": "application/json",
          ...(etag ? { "if-match": etag } : {}),
        },
        body: JSON.stringify(body),
      });
    const first = await put({ name: "First" });
    const etag = first.headers.get("etag")!;
    await first.body?.cancel();
    ok(etag);
    const second = await put({ name: "Second" }, etag);
    equal(second.status, 200);
    await second.body?.cancel();
    // A client still holding the first version loses with 409 and the second edit stays.
    const stale = await put({ name: "Stale" }, etag);
    equal(stale.status, 409);
    match((await stale.json()).error, /changed by someone else/);
    equal((await s.call("GET", `/channels/${ch.id}/override`)).body.name, "Second");
  } finally {
    await s.up.close();
    await m.close();
  }
});

Deno.test("a change made by a second manager process shows within a second", async () => {
  upstreamVersion = 1;
  const m = await startTestManager();
  const s = await setUp(m);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-kv",
      "--unstable-no-legacy-abort",
      new URL("../main.ts", import.meta.url).pathname,
    ],
    env: {
      DATA_DIR: m.config.dataDir,
      SOCKET_ADDRESS: "127.0.0.1",
      INTERNAL_MANAGEMENT_PORT: "0",
      ADMIN_PASSWORD: "correct horse battery",
      ICON_CACHE: "false",
      LOG_LEVEL: "warning",
    },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    // The second manager prints where it listens.
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!/listening on (http:\/\/\S+)\/admin/.test(out)) {
      const r = await reader.read();
      if (r.done) throw new Error(`The second manager ended: ${out}`);
      out += r.value;
    }
    const base = /listening on (http:\/\/\S+)\/admin/.exec(out)![1];
    void reader.read().then(function drain(r): unknown {
      return r.done ? null : reader.read().then(drain);
    });
    const other = apiClient({ base });
    const url = local(m, s.downstream.playlistUrl);
    const before = await load(url);
    deepEqual(names(before.text), ["BBC One", "BBC Two", "Eurosport 1", "Sky Sports F1"]);
    const r = await other(
      "PUT",
      `/downstream-playlists/${s.downstream.id}`,
      downstreamInput(s.downstream, { groups: ["Sport"] }),
    );
    equal(r.status, 200, JSON.stringify(r.body));
    const t0 = Date.now();
    const after = await load(url);
    ok(Date.now() - t0 < 1000);
    notEqual(after.etag, before.etag);
    deepEqual(names(after.text), ["Eurosport 1", "Sky Sports F1"]);
    // An edit of channels in the other process reaches this one's channel index too.
    const ch = (await s.call("GET", `/channels?limit=100`)).body.items.find((c: { name: string }) =>
      c.name === "Eurosport 1"
    );
    equal((await other("PATCH", `/channels/${ch.id}`, { enabled: false })).status, 200);
    deepEqual(names((await load(url)).text), ["Sky Sports F1"]);
    equal((await s.call("GET", `/channels/${ch.id}`)).body.enabled, false);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await s.up.close();
    await m.close();
  }
});

Deno.test("an icon newly cached shows in the next playlist request", async () => {
  const png = await Deno.readFile(new URL("../../testdata/icons/logo.png", import.meta.url));
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => release = r);
  const up = serveLocal(async (req) => {
    const path = new URL(req.url).pathname;
    const base = new URL(req.url).origin;
    if (path === "/list.m3u") {
      return new Response(
        `#EXTM3U\n#EXTINF:-1 tvg-id="one" tvg-logo="${base}/logo.png" group-title="UK",One\nhttp://stream.invalid/1.ts\n`,
      );
    }
    if (path === "/logo.png") {
      await gate;
      return new Response(png, { headers: { "content-type": "image/png" } });
    }
    return new Response("no", { status: 404 });
  });
  const m = await startTestManager({ ICON_CACHE: "true" });
  const call = apiClient(m);
  try {
    const p = await call("POST", "/upstream-playlists", { name: "P", url: `${up.url}/list.m3u` });
    const run = await call("POST", `/upstream-playlists/${p.body.id}/import`);
    await waitRun(call, `/upstream-playlists/${p.body.id}`, run.body.id);
    const d = await call("POST", "/downstream-playlists", {
      name: "Icons",
      streamMode: "direct",
      groups: ["UK"],
    });
    const url = local(m, d.body.playlistUrl);
    const before = await load(url);
    equal(parseM3uText(before.text).entries[0].attrs["tvg-logo"], `${up.url}/logo.png`);
    release();
    await waitFor(
      () => Promise.resolve(m.deps.icons.find(`${up.url}/logo.png`)?.status === "ok"),
      "the icon to be cached",
    );
    const after = await load(url);
    notEqual(after.etag, before.etag);
    match(
      parseM3uText(after.text).entries[0].attrs["tvg-logo"],
      /\/manager\/icons\/[0-9A-Z]{26}\.png$/,
    );
  } finally {
    release();
    await up.close();
    await m.close();
  }
});
