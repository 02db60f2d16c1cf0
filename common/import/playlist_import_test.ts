import { deepEqual, equal, match, ok as assert } from "node:assert/strict";
import { serveLocal, testConfig } from "../../testing/harness.ts";
import { listPlaylistChannels, patchChannels } from "../db/channels.ts";
import { listGroups } from "../db/groups.ts";
import { createUpstreamPlaylist, getUpstreamPlaylist } from "../db/upstream_playlists.ts";
import { createUserAgent } from "../db/user_agents.ts";
import type { Channel, ImportRun, UpstreamPlaylistInput } from "../schemas.ts";
import { startImport } from "./playlist_import.ts";

const opts = {};

async function setup(env: Record<string, string> = {}) {
  const config = await testConfig(env);
  const kv = await Deno.openKv(":memory:");
  return {
    config,
    kv,
    async importOnce(id: string): Promise<ImportRun> {
      const { done } = await startImport(kv, id, { settings: config });
      return await done;
    },
    async playlist(input: Partial<UpstreamPlaylistInput>) {
      return await createUpstreamPlaylist(kv, {
        name: "Provider",
        url: "",
        path: "",
        userAgentId: null,
        excludedGroups: [],
        maxConnections: 1,
        refreshMinutes: 0,
        enabled: true,
        ...input,
      });
    },
    async channels(id: string): Promise<Channel[]> {
      return await listPlaylistChannels(kv, await getUpstreamPlaylist(kv, id));
    },
    async close() {
      kv.close();
      await Deno.remove(config.dataDir, { recursive: true });
    },
  };
}

const FIXTURE = Deno.readTextFileSync(
  new URL("../../testdata/m3u/kodinerds_pipe.m3u", import.meta.url),
);

Deno.test(
  "startImport() imports a real playlist over HTTP and disables pipe:// channels",
  opts,
  async () => {
    const t = await setup();
    const up = serveLocal(() => new Response(FIXTURE));
    try {
      const p = await t.playlist({ url: `${up.url}/list.m3u` });
      const run = await t.importOnce(p.id);
      equal(run.status, "ok", run.error ?? "");
      equal(run.counts.channels, 677);
      const chans = await t.channels(p.id);
      equal(chans.length, 677);
      const pipes = chans.filter((c) => c.url.startsWith("pipe://"));
      assert(pipes.length > 0);
      assert(pipes.every((c) => !c.enabled && c.blockedReason?.includes("never opened")));
      const groups = await listGroups(t.kv, p.id);
      assert(groups.length > 1);
      deepEqual(new Set(chans.map((c) => c.groupId)).size, groups.length);
    } finally {
      await up.close();
      await t.close();
    }
  },
);

Deno.test(
  "startImport() sends the playlist's user agent and applies excluded groups and rules",
  opts,
  async () => {
    const t = await setup();
    let seenUa = "";
    const body = [
      "#EXTM3U",
      '#EXTINF:-1 tvg-id="a" group-title="News",A',
      "http://example.invalid/a.ts",
      '#EXTINF:-1 tvg-id="b" group-title="Adult",B',
      "http://example.invalid/b.ts",
      '#EXTINF:-1 tvg-id="c" group-title="News",C',
      "http://example.invalid/c.mpd",
      '#EXTINF:-1 group-title="Music",D',
      "https://www.youtube.com/watch?v=1",
      "#EXTINF:-1,E",
      "file:///etc/passwd",
      "#EXTINF:-1 tvg-id=f,F",
      "http://example.invalid/live/index.m3u8",
    ].join("\r\n");
    const up = serveLocal((req) => {
      seenUa = req.headers.get("user-agent") ?? "";
      return new Response(body);
    });
    try {
      const ua = await createUserAgent(t.kv, { name: "Kodi", userAgent: "Kodi/21.0 test" });
      const p = await t.playlist({ url: up.url, userAgentId: ua.id, excludedGroups: ["Adult"] });
      const run = await t.importOnce(p.id);
      equal(run.status, "ok", run.error ?? "");
      equal(seenUa, "Kodi/21.0 test");
      equal(run.counts.excluded, 1);
      const chans = await t.channels(p.id);
      const by = Object.fromEntries(chans.map((c) => [c.name, c]));
      deepEqual(Object.keys(by).sort(), ["A", "C", "D", "E", "F"]);
      equal(by.A.enabled, true);
      equal(by.C.enabled, false);
      match(by.C.blockedReason!, /\.mpd/);
      equal(by.D.enabled, false);
      match(by.D.blockedReason!, /youtube/);
      equal(by.E.enabled, false);
      equal(by.F.enabled, true, "HLS (.m3u8) stays allowed by default");
      const groups = (await listGroups(t.kv, p.id)).map((g) => g.name).sort();
      deepEqual(groups, ["Music", "News", "Ungrouped"]);
    } finally {
      await up.close();
      await t.close();
    }
  },
);

Deno.test(
  "startImport() re-import keeps ids, states and keep-status and marks missing channels",
  opts,
  async () => {
    const t = await setup();
    let body = [
      "#EXTM3U",
      '#EXTINF:-1 tvg-id="one" group-title="G",One',
      "http://h.invalid/1.ts",
      '#EXTINF:-1 group-title="G",Two',
      "http://h.invalid/2.ts",
      '#EXTINF:-1 group-title="G",Three',
      "http://h.invalid/3.ts",
      '#EXTINF:-1 group-title="H",Four',
      "http://h.invalid/4.ts",
    ].join("\n");
    const up = serveLocal(() => new Response(body));
    try {
      const p = await t.playlist({ url: up.url });
      equal((await t.importOnce(p.id)).status, "ok");
      const first = Object.fromEntries((await t.channels(p.id)).map((c) => [c.name, c]));
      await patchChannels(t.kv, p.id, [first.One.id], { enabled: false });
      await patchChannels(t.kv, p.id, [first.Four.id], { keepStatus: true });
      // One: new URL (matched by tvg-id + name); Two: renamed (matched by URL); Three and Four gone.
      body = [
        "#EXTM3U",
        '#EXTINF:-1 tvg-id="one" group-title="G",One',
        "http://h.invalid/1-new.ts",
        '#EXTINF:-1 group-title="G",Two HD',
        "http://h.invalid/2.ts",
        '#EXTINF:-1 group-title="G",Five',
        "http://h.invalid/5.ts",
      ].join("\n");
      const run = await t.importOnce(p.id);
      equal(run.status, "ok", run.error ?? "");
      equal(run.counts.added, 1);
      equal(run.counts.kept, 2);
      equal(run.counts.missing, 2);
      const next = Object.fromEntries((await t.channels(p.id)).map((c) => [c.name, c]));
      equal(next.One.id, first.One.id);
      equal(next.One.enabled, false, "a disabled channel stays disabled");
      equal(next.One.url, "http://h.invalid/1-new.ts");
      equal(next["Two HD"].id, first.Two.id);
      equal(next.Three.missing, true);
      equal(next.Three.enabled, false);
      equal(next.Four.missing, true);
      equal(next.Four.enabled, true, "keep status keeps a missing channel enabled");
      equal(next.Five.enabled, true);
      assert(!Object.values(first).some((c) => c.id === next.Five.id));
      const groupH = (await listGroups(t.kv, p.id)).find((g) => g.name === "H")!;
      equal(groupH.present, true, "a group with a kept missing channel is still listed");
    } finally {
      await up.close();
      await t.close();
    }
  },
);

function failureCase(
  name: string,
  handler: (req: Request) => Response | Promise<Response>,
  expect: RegExp,
  env: Record<string, string> = {},
) {
  Deno.test(
    `startImport() ${name} fails with a clear message and keeps the previous channels`,
    opts,
    async () => {
      const t = await setup(env);
      let broken = false;
      const up = serveLocal((req) => broken ? handler(req) : new Response(FIXTURE));
      try {
        const p = await t.playlist({ url: `${up.url}/p.m3u` });
        equal((await t.importOnce(p.id)).status, "ok");
        const before = await t.channels(p.id);
        const genBefore = (await getUpstreamPlaylist(t.kv, p.id)).generation;
        broken = true;
        const run = await t.importOnce(p.id);
        equal(run.status, "failed");
        match(run.error!, /^Cannot import playlist "Provider": /);
        match(run.error!, expect);
        const after = await t.channels(p.id);
        equal((await getUpstreamPlaylist(t.kv, p.id)).generation, genBefore);
        deepEqual(after, before);
        // Nothing of the failed generation is left behind.
        let keys = 0;
        for await (const e of t.kv.list<unknown[]>({ prefix: ["channel_chunks", p.id] })) {
          keys += e.value.length;
        }
        equal(keys, before.length);
      } finally {
        await up.close();
        await t.close();
      }
    },
  );
}

failureCase("on a 404", () => new Response("gone", { status: 404 }), /upstream answered 404/);
failureCase(
  "on a timeout",
  () => new Promise((r) => setTimeout(() => r(new Response("#EXTM3U\n")), 3000)),
  /timed out after 1 s/,
  { PLAYLIST_TIMEOUT: "1" },
);
failureCase(
  "on a file that is not M3U",
  () => new Response("<!doctype html><html><body>Login required</body></html>"),
  /not an M3U playlist/,
);
failureCase(
  "on a truncated download",
  () => {
    const part = new TextEncoder().encode(FIXTURE.slice(0, 5000));
    // Announces the full length, sends a part, then closes the connection.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(part);
        c.error(new Error("connection reset"));
      },
    });
    return new Response(stream, { headers: { "content-length": String(FIXTURE.length) } });
  },
  /truncated|download failed|error/i,
);
failureCase(
  "on a file over the size cap",
  () => new Response("#EXTM3U\n" + "#EXTINF:-1,X\nhttp://x.invalid/x.ts\n".repeat(60_000)),
  /over the cap|passed the cap/,
  { MAX_PLAYLIST_MB: "1" },
);
failureCase("on an empty playlist", () => new Response("#EXTM3U\n"), /no entries/);

Deno.test(
  "startImport() reads a local file inside DATA_DIR and refuses paths outside it",
  opts,
  async () => {
    const t = await setup();
    try {
      await Deno.mkdir(`${t.config.dataDir}/imports`);
      await Deno.writeTextFile(`${t.config.dataDir}/imports/list.m3u`, FIXTURE);
      const inside = await t.playlist({ path: "imports/list.m3u" });
      const run = await t.importOnce(inside.id);
      equal(run.status, "ok", run.error ?? "");
      equal(run.counts.channels, 677);
      await Deno.symlink("/etc/hostname", `${t.config.dataDir}/imports/link.m3u`);
      for (
        const path of ["/etc/passwd", "../../etc/passwd", "imports/link.m3u", "file:///etc/passwd"]
      ) {
        const p = await t.playlist({ name: `Bad ${path}`, path });
        const bad = await t.importOnce(p.id);
        equal(bad.status, "failed", path);
        match(bad.error!, /outside DATA_DIR|not a local path|does not exist/);
      }
    } finally {
      await t.close();
    }
  },
);

Deno.test(
  "startImport() refuses a second import of the same playlist while one runs",
  opts,
  async () => {
    const t = await setup();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => release = r);
    const up = serveLocal(async () => {
      await gate;
      return new Response(FIXTURE);
    });
    try {
      const p = await t.playlist({ url: up.url });
      const first = await startImport(t.kv, p.id, { settings: t.config });
      await assertRejects(() => startImport(t.kv, p.id, { settings: t.config }), /already running/);
      release();
      equal((await first.done).status, "ok");
    } finally {
      await up.close();
      await t.close();
    }
  },
);

async function assertRejects(fn: () => Promise<unknown>, re: RegExp) {
  try {
    await fn();
  } catch (err) {
    match((err as Error).message, re);
    return;
  }
  throw new Error("Expected a rejection");
}

Deno.test("startImport() reports a line that is no URL at all instead of making it a channel", async () => {
  const config = await testConfig();
  const kv = await Deno.openKv(":memory:");
  const text = [
    "#EXTM3U",
    '#EXTINF:-1 group-title="A",One',
    "http://stream.invalid/1.ts",
    '#EXTINF:-1 group-title="A",Separator',
    "==========================",
    "#EXTM3U",
    '#EXTINF:-1 group-title="A",Relative',
    "stream/chunklist.m3u8",
  ].join("\n");
  const up = serveLocal(() => new Response(text));
  try {
    const p = await createUpstreamPlaylist(kv, {
      name: "Sections",
      url: up.url,
      path: "",
      userAgentId: null,
      excludedGroups: [],
      maxConnections: 1,
      refreshMinutes: 0,
      enabled: true,
    });
    const run = await (await startImport(kv, p.id, { settings: config })).done;
    equal(run.status, "ok", run.error ?? "");
    const channels = await listPlaylistChannels(kv, await getUpstreamPlaylist(kv, p.id));
    deepEqual(channels.map((c) => c.name), ["One", "Relative"]);
    assert(
      run.warnings.some((w) => /Line 4: "=+" is no stream URL; skipped/.test(w)),
      run.warnings.join("\n"),
    );
  } finally {
    await up.close();
    kv.close();
    await Deno.remove(config.dataDir, { recursive: true });
  }
});
