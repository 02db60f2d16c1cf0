/**
 * A playlist's own guide made of stored programme parts: repeated output ids, a channel shown under
 * another id than its guide channel's, both encodings byte for byte, and an ETag that follows the
 * bytes.
 */
import { deepEqual, equal, notEqual, ok } from "node:assert/strict";
import {
  apiClient,
  serveLocal,
  startTestManager,
  type TestManager,
  waitFor,
} from "../../testing/harness.ts";

const H = 3_600_000;

/** Two guide channels, hour-long programmes from three days back to four days ahead. */
function guideText(): string {
  const t = (ms: number) => new Date(ms).toISOString().replace(/\D/g, "").slice(0, 14) + " +0000";
  const first = Math.floor(Date.now() / H) * H - 72 * H;
  let doc = '<?xml version="1.0" encoding="UTF-8"?>\n<tv>' +
    '<channel id="a.guide"><display-name>A</display-name></channel>' +
    '<channel id="b.guide"><display-name>B Guide</display-name></channel>';
  for (const c of ["a.guide", "b.guide"]) {
    for (let s = first; s < first + 168 * H; s += H) {
      doc += `<programme start="${t(s)}" stop="${t(s + H)}" channel="${c}">` +
        `<title>${c} ${t(s)} Straße &amp; 東京</title></programme>\n`;
    }
  }
  return doc + "</tv>\n";
}

const PLAYLIST = [
  "#EXTM3U",
  '#EXTINF:-1 tvg-id="a.guide" group-title="G",A One',
  "http://stream.invalid/1.ts",
  '#EXTINF:-1 tvg-id="a.guide" group-title="G",A Again',
  "http://stream.invalid/2.ts",
  '#EXTINF:-1 tvg-id="mine.b" group-title="G",B Mine',
  "http://stream.invalid/3.ts",
].join("\n");

async function xmllint(xml: string): Promise<string> {
  const file = await Deno.makeTempFile({ suffix: ".xml" });
  try {
    await Deno.writeTextFile(file, xml);
    const out = await new Deno.Command("xmllint", {
      args: ["--noout", "--nonet", "--dtdvalid", "/usr/share/xmltv/xmltv.dtd", file],
      stderr: "piped",
    }).output();
    return out.success ? "" : new TextDecoder().decode(out.stderr);
  } finally {
    await Deno.remove(file);
  }
}

async function imported(m: TestManager, kind: string, body: Record<string, unknown>) {
  const call = apiClient(m);
  const created = await call("POST", `/${kind}`, body);
  equal(created.status, 201, JSON.stringify(created.body));
  const run = (await call("POST", `/${kind}/${created.body.id}/import`)).body.id;
  await waitFor(async () => {
    const r = await call("GET", `/${kind}/${created.body.id}`);
    return r.body.lastImport?.id === run && r.body.lastImport.status !== "running";
  }, kind);
  equal((await call("GET", `/${kind}/${created.body.id}`)).body.lastImport.status, "ok");
  return created.body.id as string;
}

async function bytes(res: Response): Promise<Uint8Array> {
  return new Uint8Array(await res.arrayBuffer());
}

Deno.test(
  "a playlist's guide from stored parts: one channel per output id, re-labelled programmes, both encodings alike",
  async () => {
    const m = await startTestManager();
    const call = apiClient(m);
    const up = serveLocal((req) =>
      new URL(req.url).pathname === "/epg.xml" ? new Response(guideText()) : new Response(PLAYLIST)
    );
    try {
      await imported(m, "upstream-playlists", { name: "P", url: `${up.url}/list.m3u` });
      const epgId = await imported(m, "epgs", { name: "E", url: `${up.url}/epg.xml` });
      const mine = (await call("GET", "/channels?q=B%20Mine")).body.items[0];
      equal(
        (await call("PUT", `/channels/${mine.id}/override`, {
          epg: { epgId, channelId: "b.guide" },
        })).status,
        200,
      );
      const input = {
        name: "Kitchen",
        streamMode: "direct",
        groups: ["G"],
        guidePastDays: 1,
        guideFutureDays: 2,
      };
      const d = await call("POST", "/downstream-playlists", input);
      equal(d.status, 201, JSON.stringify(d.body));
      const url = new URL(d.body.guideUrl);
      const guide = m.base + url.pathname + url.search;

      const plain = await fetch(guide, { headers: { "accept-encoding": "identity" } });
      equal(plain.headers.get("content-encoding"), null);
      const body = await bytes(plain);
      equal(Number(plain.headers.get("content-length")), body.length);
      const xml = new TextDecoder().decode(body);
      equal(await xmllint(xml), "");
      // One <channel> for the repeated output id; the mapped channel under its own id.
      deepEqual([...xml.matchAll(/<channel id="([^"]+)"/g)].map((x) => x[1]), [
        "a.guide",
        "mine.b",
      ]);
      const labels = [...xml.matchAll(/<programme channel="([^"]+)" start="(\d+)/g)];
      ok(!labels.some((x) => x[1] === "b.guide"), "programmes carry the output id");
      for (const id of ["a.guide", "mine.b"]) {
        const starts = labels.filter((x) => x[1] === id).map((x) => x[2]);
        // 1 day back and 2 ahead of hour-long programmes: 72 or 73 of them, each once.
        ok(starts.length === 72 || starts.length === 73, `${id}: ${starts.length}`);
        equal(new Set(starts).size, starts.length);
        deepEqual(starts, [...starts].sort());
      }

      // gzip, as Kodi and TiviMate ask for it: one member that decodes to the same bytes.
      const gz = await fetch(guide, { headers: { "accept-encoding": "gzip" } });
      equal(gz.headers.get("content-encoding"), "gzip");
      const etag = plain.headers.get("etag")!;
      equal(gz.headers.get("etag"), etag);
      const viaFetch = await bytes(gz);
      const file = await fetch(
        m.base + url.pathname.replace(/\.xml$/, ".xml.gz") + url.search,
      );
      equal(file.headers.get("content-type"), "application/gzip");
      const unzipped = await bytes(
        new Response(file.body!.pipeThrough(new DecompressionStream("gzip"))),
      );
      // One cached render answers all three (nothing changed in between).
      equal(file.headers.get("etag"), etag);
      deepEqual(viaFetch, body);
      deepEqual(unzipped, body);

      // A change that leaves the bytes alone keeps the ETag; one that changes them, changes it.
      equal((await call("PUT", `/downstream-playlists/${d.body.id}`, input)).status, 200);
      const next = await fetch(guide, { headers: { "accept-encoding": "identity" } });
      const nextBody = await bytes(next);
      const same = nextBody.length === body.length && nextBody.every((b, i) => b === body[i]);
      equal(next.headers.get("etag") === etag, same);
      const cached = await fetch(guide, {
        headers: { "if-none-match": next.headers.get("etag")! },
      });
      equal(cached.status, 304);
      await cached.body?.cancel();
      equal(
        (await call("PUT", `/channels/${mine.id}/override`, {
          epg: { epgId, channelId: "b.guide" },
          name: "B Renamed",
        })).status,
        200,
      );
      const renamed = await fetch(guide, { headers: { "accept-encoding": "identity" } });
      ok((await renamed.text()).includes("<display-name>B Renamed</display-name>"));
      notEqual(renamed.headers.get("etag"), next.headers.get("etag"));
    } finally {
      await up.close();
      await m.close();
    }
  },
);
