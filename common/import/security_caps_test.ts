/**
 * Attacks through the size of what a provider sends: gzip bombs (a playlist and a guide), an
 * endless stream of tiny entries, and one huge text node in a guide. Caps count what is parsed,
 * a run over a cap fails with a message naming the variable, and the data imported before stays.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { serveLocal, testConfig } from "../../testing/harness.ts";
import { listPlaylistChannels } from "../db/channels.ts";
import { createEpg, getEpg } from "../db/epgs.ts";
import { createUpstreamPlaylist, getUpstreamPlaylist } from "../db/upstream_playlists.ts";
import { listEpgChannels } from "../xmltv/store.ts";
import { startEpgImport } from "./epg_import.ts";
import { startImport } from "./playlist_import.ts";

const opts = {};
const FIXTURE = Deno.readTextFileSync(
  new URL("../../testdata/m3u/kodinerds_pipe.m3u", import.meta.url),
);
const GUIDE = await Deno.readFile(
  new URL("../../testdata/xmltv/freeview-epg_uk-ie_2026-08-22.xml", import.meta.url),
);
const enc = new TextEncoder();

/** Gzips `count` repetitions of `unit` after `head` (and `tail` at the end) without holding them. */
async function gzip(
  head: string,
  unit: string,
  count: number,
  tail = "",
): Promise<Uint8Array<ArrayBuffer>> {
  const piece = enc.encode(unit.repeat(Math.max(1, Math.floor(65536 / unit.length))));
  const perPiece = Math.max(1, Math.floor(65536 / unit.length));
  let left = count;
  const source = new ReadableStream<Uint8Array<ArrayBuffer>>({
    start(c) {
      c.enqueue(enc.encode(head));
    },
    pull(c) {
      if (left <= 0) {
        c.enqueue(enc.encode(tail));
        return c.close();
      }
      const n = Math.min(left, perPiece);
      c.enqueue(n === perPiece ? piece : enc.encode(unit.repeat(n)));
      left -= n;
    },
  });
  const gz = source.pipeThrough<Uint8Array<ArrayBuffer>>(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(gz).arrayBuffer());
}

async function playlistSetup(env: Record<string, string>) {
  const config = await testConfig(env);
  const kv = await Deno.openKv(":memory:");
  const importOnce = async (id: string) =>
    await (await startImport(kv, id, { settings: config })).done;
  const channels = async (id: string) =>
    await listPlaylistChannels(kv, await getUpstreamPlaylist(kv, id));
  const playlist = (fields: { url?: string; path?: string; name?: string }) =>
    createUpstreamPlaylist(kv, {
      name: fields.name ?? "Provider",
      url: fields.url ?? "",
      path: fields.path ?? "",
      userAgentId: null,
      excludedGroups: [],
      maxConnections: 1,
      refreshMinutes: 0,
      enabled: true,
    });
  const close = async () => {
    kv.close();
    await Deno.remove(config.dataDir, { recursive: true });
  };
  return { config, kv, importOnce, channels, playlist, close };
}

Deno.test(
  "a playlist gzip bomb fails on MAX_PLAYLIST_MB counted unpacked, and the channels stay",
  opts,
  async () => {
    const t = await playlistSetup({ MAX_PLAYLIST_MB: "2" });
    // 40 MB of entries in a few hundred kilobytes.
    const bomb = await gzip("#EXTM3U\n", "#EXTINF:-1,Bomb\nhttp://x.invalid/a.ts\n", 1_100_000);
    ok(bomb.length < 2 * 1048576, `${bomb.length} bytes packed: under the cap as sent`);
    let sent: Uint8Array<ArrayBuffer> | string = FIXTURE;
    let contentEncoding = false;
    const up = serveLocal(() =>
      new Response(sent, contentEncoding ? { headers: { "content-encoding": "gzip" } } : {})
    );
    try {
      const p = await t.playlist({ url: `${up.url}/list.m3u.gz` });
      equal((await t.importOnce(p.id)).status, "ok");
      const before = await t.channels(p.id);
      const generation = (await getUpstreamPlaylist(t.kv, p.id)).generation;
      for (const viaHeader of [false, true]) {
        sent = bomb;
        contentEncoding = viaHeader;
        const run = await t.importOnce(p.id);
        equal(run.status, "failed");
        match(
          run.error!,
          viaHeader
            ? /passed the cap of 2\.0 MB \(MAX_PLAYLIST_MB\)/
            : /unpacks to more than the cap of 2\.0 MB \(MAX_PLAYLIST_MB counts unpacked bytes\)/,
        );
        ok(run.counts.entries < 60_000, `${run.counts.entries} entries read before the cap`);
        equal((await getUpstreamPlaylist(t.kv, p.id)).generation, generation);
        deepEqual(await t.channels(p.id), before);
      }
      // The same bomb as a local file.
      await Deno.writeFile(`${t.config.dataDir}/bomb.m3u.gz`, bomb);
      const local = await t.playlist({ path: "bomb.m3u.gz", name: "Local" });
      const run = await t.importOnce(local.id);
      equal(run.status, "failed");
      match(run.error!, /unpacks to more than the cap/);
    } finally {
      await up.close();
      await t.close();
    }
  },
);

Deno.test(
  "an endless stream of tiny entries stops at MAX_PLAYLIST_ENTRIES, and the channels stay",
  opts,
  async () => {
    const t = await playlistSetup({ MAX_PLAYLIST_ENTRIES: "5000", PLAYLIST_TIMEOUT: "30" });
    let endless = false;
    let cancelled = false;
    const up = serveLocal(() => {
      if (!endless) return new Response(FIXTURE);
      let n = 0;
      return new Response(
        new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(enc.encode("#EXTM3U\n"));
          },
          pull(c) {
            let chunk = "";
            for (let i = 0; i < 500; i++) chunk += `#EXTINF:-1,E${n++}\nhttp://x.invalid/${n}\n`;
            c.enqueue(enc.encode(chunk));
          },
          cancel() {
            cancelled = true;
          },
        }),
      );
    });
    try {
      const p = await t.playlist({ url: up.url });
      equal((await t.importOnce(p.id)).status, "ok");
      const before = await t.channels(p.id);
      endless = true;
      const run = await t.importOnce(p.id);
      equal(run.status, "failed");
      match(run.error!, /the playlist has more than 5000 entries \(MAX_PLAYLIST_ENTRIES\)/);
      deepEqual(await t.channels(p.id), before);
      for (let i = 0; i < 100 && !cancelled; i++) await new Promise((r) => setTimeout(r, 20));
      ok(cancelled, "the download was stopped");
    } finally {
      await up.close();
      await t.close();
    }
  },
);

async function guideSetup(env: Record<string, string>) {
  const config = await testConfig(env);
  const kv = await Deno.openKv(":memory:");
  return {
    config,
    kv,
    async importOnce(id: string) {
      const { done } = await startEpgImport(kv, id, { settings: config, oldGenerationGraceMs: 0 });
      return await done;
    },
    epg: (url: string) =>
      createEpg(kv, {
        name: "Guide",
        url,
        path: "",
        userAgentId: null,
        refreshMinutes: 0,
        enabled: true,
      }),
    async close() {
      kv.close();
      await Deno.remove(config.dataDir, { recursive: true });
    },
  };
}

const PROGRAMME =
  `<programme start="20260822060000 +0000" stop="20260822070000 +0000" channel="bomb">` +
  `<title>Bomb</title><desc>Filler text of a guide that unpacks far beyond its size.</desc></programme>\n`;

Deno.test(
  "a guide gzip bomb fails on MAX_EPG_MB counted unpacked, and the guide stays",
  opts,
  async () => {
    const t = await guideSetup({ MAX_EPG_MB: "2" });
    const bomb = await gzip('<?xml version="1.0"?>\n<tv>\n', PROGRAMME, 200_000, "</tv>\n");
    ok(bomb.length < 1048576);
    let sent = GUIDE;
    const up = serveLocal(() => new Response(sent));
    try {
      const epg = await t.epg(`${up.url}/guide.xml.gz`);
      equal((await t.importOnce(epg.id)).status, "ok");
      const before = await getEpg(t.kv, epg.id);
      const channels = await listEpgChannels(t.kv, before);
      sent = bomb;
      const run = await t.importOnce(epg.id);
      equal(run.status, "failed");
      match(run.error!, /^Cannot import guide "Guide": /);
      match(
        run.error!,
        /unpacks to more than the cap of 2\.0 MB \(MAX_EPG_MB counts unpacked bytes\)/,
      );
      const after = await getEpg(t.kv, epg.id);
      equal(after.generation, before.generation);
      deepEqual(await listEpgChannels(t.kv, after), channels);
    } finally {
      await up.close();
      await t.close();
    }
  },
);

Deno.test(
  "a guide with a 50 MB text node imports with the text cut to 64 KB, in bounded memory",
  opts,
  async () => {
    const t = await guideSetup({ MAX_EPG_MB: "64", EPG_TIMEOUT: "60" });
    const head =
      '<?xml version="1.0"?>\n<tv><channel id="bomb"><display-name>B</display-name></channel>' +
      `<programme start="20260822060000 +0000" stop="20260822070000 +0000" channel="bomb">` +
      "<title>Huge</title><desc>";
    const tail = "</desc></programme>" + PROGRAMME + "</tv>\n";
    const bomb = await gzip(head, "All work and no play makes a long text node. ", 1_100_000, tail);
    ok(bomb.length < 1048576, `${bomb.length} bytes packed`);
    const up = serveLocal(() => new Response(bomb));
    let peak = 0;
    const base = Deno.memoryUsage().rss;
    const sampler = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss - base), 10);
    try {
      const epg = await t.epg(`${up.url}/guide.xml.gz`);
      const run = await t.importOnce(epg.id);
      equal(run.status, "ok", run.error ?? "");
      ok(run.warnings.some((w) => /^Cut 1 texts, tags or comments longer than 65536/.test(w)));
      // Cut to 64 KB, the programme is still too large for one KV value: skipped, the next kept.
      equal(run.counts.programmes, 1);
      equal(run.counts.skipped, 1);
      ok(peak < 250 * 1048576, `RSS grew by ${(peak / 1048576).toFixed(0)} MB`);
    } finally {
      clearInterval(sampler);
      await up.close();
      await t.close();
    }
  },
);
