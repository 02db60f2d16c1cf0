import { deepEqual, equal, match, ok } from "node:assert/strict";
import { parseM3uText } from "../common/m3u/mod.ts";
import {
  apiClient,
  Client,
  serveLocal,
  startTestManager,
  type TestManager,
  waitFor,
} from "../testing/harness.ts";

const opts = {};
const DAY = 86_400_000;

/** The real Freeview guide with every time moved so its first day is today. */
function freeviewToday(): string {
  const text = Deno.readTextFileSync(
    new URL("../testdata/xmltv/freeview-epg_uk-ie_2026-08-22.xml", import.meta.url),
  );
  const first = Date.UTC(2026, 7, 22);
  const shift = Math.floor((Date.now() - first) / DAY) * DAY;
  return text.replace(
    /(start|stop)="(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)/g,
    (_, attr, y, mo, d, h, mi, s) => {
      const t = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) + shift);
      const p = (n: number) => String(n).padStart(2, "0");
      return `${attr}="${t.getUTCFullYear()}${p(t.getUTCMonth() + 1)}${p(t.getUTCDate())}${
        p(t.getUTCHours())
      }${p(t.getUTCMinutes())}${p(t.getUTCSeconds())}`;
    },
  );
}

const PLAYLIST = [
  "#EXTM3U",
  '#EXTINF:-1 tvg-id="RTEOne.ie" group-title="Ireland",RTE One HD',
  "http://stream.invalid/1.ts",
  '#EXTINF:-1 group-title="Ireland",Virgin Media Two',
  "http://stream.invalid/2.ts",
  '#EXTINF:-1 tvg-id="nothing.here" group-title="Ireland",No Guide Channel',
  "http://stream.invalid/3.ts",
  '#EXTINF:-1 group-title="Ireland",Mapped By Hand',
  "http://stream.invalid/4.ts",
  '#EXTINF:-1 tvg-id="TG4.ie" group-title="Other",Not In This Playlist',
  "http://stream.invalid/5.ts",
].join("\n");

async function waitImport(m: TestManager, path: string, runId: string) {
  const call = apiClient(m);
  await waitFor(async () => {
    const r = await call("GET", path);
    return r.body.lastImport?.id === runId && r.body.lastImport.status !== "running";
  }, path);
  const r = await call("GET", path);
  equal(r.body.lastImport.status, "ok", r.body.lastImport.error);
}

async function xmllint(xml: string): Promise<{ ok: boolean; err: string }> {
  const file = await Deno.makeTempFile({ suffix: ".xml" });
  await Deno.writeTextFile(file, xml);
  const out = await new Deno.Command("xmllint", {
    args: ["--noout", "--nonet", "--dtdvalid", "/usr/share/xmltv/xmltv.dtd", file],
    stderr: "piped",
  }).output();
  await Deno.remove(file);
  return { ok: out.success, err: new TextDecoder().decode(out.stderr) };
}

Deno.test(
  "a downstream playlist's guide holds exactly its channels, under its tvg-ids, and is DTD-valid",
  opts,
  async () => {
    const m = await startTestManager();
    const call = apiClient(m);
    const guide = freeviewToday();
    const up = serveLocal((req) =>
      new URL(req.url).pathname === "/epg.xml" ? new Response(guide) : new Response(PLAYLIST)
    );
    try {
      const p = await call("POST", "/upstream-playlists", { name: "P", url: `${up.url}/list.m3u` });
      await waitImport(
        m,
        `/upstream-playlists/${p.body.id}`,
        (await call("POST", `/upstream-playlists/${p.body.id}/import`)).body.id,
      );
      const e = await call("POST", "/epgs", { name: "Freeview", url: `${up.url}/epg.xml` });
      equal(e.status, 201, JSON.stringify(e.body));
      await waitImport(
        m,
        `/epgs/${e.body.id}`,
        (await call("POST", `/epgs/${e.body.id}/import`)).body.id,
      );

      const byHand = (await call("GET", "/channels?q=Mapped%20By%20Hand")).body.items[0];
      equal(
        (await call("PUT", `/channels/${byHand.id}/override`, {
          epg: { epgId: e.body.id, channelId: "RTENews.ie" },
          tvgId: "my.news",
        })).status,
        200,
      );
      const d = await call("POST", "/downstream-playlists", {
        name: "Irish TV",
        streamMode: "direct",
        groups: ["Ireland"],
        guidePastDays: 1,
        guideFutureDays: 2,
      });
      equal(d.status, 201);
      const playlistPath = new URL(d.body.playlistUrl);
      const guidePath = new URL(d.body.guideUrl);
      const m3u = parseM3uText(
        await (await fetch(m.base + playlistPath.pathname + playlistPath.search)).text(),
      );
      deepEqual(
        m3u.entries.map((x) => [x.name, x.attrs["tvg-id"]]),
        [
          ["RTE One HD", "RTEOne.ie"],
          ["Virgin Media Two", "VirginMediaTwo.ie"], // found by name: the playlist now emits its id
          ["No Guide Channel", "nothing.here"],
          ["Mapped By Hand", "my.news"],
        ],
      );

      equal((await fetch(m.base + guidePath.pathname)).status, 404);
      const res = await fetch(m.base + guidePath.pathname + guidePath.search);
      equal(res.status, 200);
      match(res.headers.get("content-type")!, /xml/);
      const xml = await res.text();
      const lint = await xmllint(xml);
      ok(lint.ok, lint.err);
      const channelIds = [...xml.matchAll(/<channel id="([^"]+)"/g)].map((x) => x[1]);
      deepEqual(channelIds, ["RTEOne.ie", "VirginMediaTwo.ie", "nothing.here", "my.news"]);
      const progChannels = new Set(
        [...xml.matchAll(/<programme [^>]*channel="([^"]+)"/g)].map((x) => x[1]),
      );
      deepEqual([...progChannels].sort(), ["RTEOne.ie", "VirginMediaTwo.ie", "my.news"]);
      ok(!xml.includes('channel="TG4.ie"'), "channels of other playlists stay out");
      ok(xml.includes("<display-name>Mapped By Hand</display-name>"), "names come from our data");
      const starts = [...xml.matchAll(/<programme start="(\d{8})/g)].map((x) => x[1]);
      const fmt = (t: number) => new Date(t).toISOString().slice(0, 10).replace(/-/g, "");
      ok(starts.every((s) => s >= fmt(Date.now() - 2 * DAY) && s <= fmt(Date.now() + 2 * DAY)));

      const gz = await fetch(
        m.base + guidePath.pathname.replace(/\.xml$/, ".xml.gz") + guidePath.search,
      );
      equal(gz.status, 200);
      equal(gz.headers.get("content-type"), "application/gzip");
      const unzipped = await new Response(gz.body!.pipeThrough(new DecompressionStream("gzip")))
        .text();
      equal(unzipped, xml);

      // The admin sees which channels have no guide data, and how the others were found.
      const admin = new Client(m.base);
      await admin.login("admin", "correct horse battery");
      const { html } = await admin.page(`/admin/downstream/${d.body.id}/view`);
      match(html, /1 of 4 channels have no guide data/);
      deepEqual([...html.matchAll(/data-guide="([\w-]+)"/g)].map((x) => x[1]), [
        "tvg-id",
        "name",
        "none",
        "manual",
      ]);

      // The seed's whole-guide URL needs a downstream playlist's token.
      const token = playlistPath.searchParams.get("token");
      equal((await fetch(`${m.base}/manager/get/epg/Freeview`)).status, 404);
      const whole = await fetch(`${m.base}/manager/get/epg/Freeview?token=${token}`);
      equal(whole.status, 200);
      const wholeXml = await whole.text();
      ok((await xmllint(wholeXml)).ok);
      equal([...wholeXml.matchAll(/<channel id=/g)].length, 9);
    } finally {
      await up.close();
      await m.close();
    }
  },
);
