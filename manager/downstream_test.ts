import { deepEqual, equal, match, notEqual, ok } from "node:assert/strict";
import { parseM3uText } from "../common/m3u/mod.ts";
import {
  apiClient,
  serveLocal,
  startTestManager,
  type TestManager,
  waitFor,
} from "../testing/harness.ts";

const opts = {};

function upstreamFile(version: 1 | 2): string {
  const lines = ['#EXTM3U url-tvg="http://provider.invalid/epg.xml"'];
  const news = version === 1
    ? ["BBC One", "BBC Two", "ITV"]
    : ["BBC One", "BBC Two HD", "Channel 4"];
  for (const n of news) {
    lines.push(
      `#EXTINF:-1 tvg-id="${
        n.replace(/\W/g, "").toLowerCase()
      }.uk" tvg-logo="http://logo.invalid/${n.length}.png" group-title="UK News",${n}`,
    );
    lines.push(`http://stream.invalid/uk/${n.length}.ts`);
  }
  lines.push('#EXTINF:-1 tvg-id="e1" group-title="Sport",Eurosport 1');
  lines.push("#EXTVLCOPT:http-user-agent=ProviderApp/1.0");
  lines.push("http://stream.invalid/sport/1.m3u8");
  lines.push('#EXTINF:-1 tvg-id="adult" group-title="Adult",Hidden');
  lines.push("http://stream.invalid/x.ts");
  return lines.join("\r\n") + "\r\n";
}

async function importAndWait(m: TestManager, id: string) {
  const call = apiClient(m);
  const started = await call("POST", `/upstream-playlists/${id}/import`);
  equal(started.status, 202);
  await waitFor(async () => {
    const r = await call("GET", `/upstream-playlists/${id}`);
    return r.body.lastImport?.id === started.body.id && r.body.lastImport.status !== "running";
  }, "import");
  const r = await call("GET", `/upstream-playlists/${id}`);
  equal(r.body.lastImport.status, "ok", r.body.lastImport.error);
}

Deno.test(
  "a downstream playlist is served only with its token, with overrides that survive refreshes",
  opts,
  async () => {
    const m = await startTestManager({
      MANAGEMENT_URL: "http://tv.example",
      EXTERNAL_MANAGEMENT_PORT: "8088",
    });
    const call = apiClient(m);
    let version: 1 | 2 = 1;
    const up = serveLocal(() => new Response(upstreamFile(version)));
    try {
      const p = await call("POST", "/upstream-playlists", { name: "Provider", url: up.url });
      await importAndWait(m, p.body.id);
      const proxy = await call("POST", "/proxies", {
        name: "Living room",
        internalUrl: "http://127.0.0.1",
        internalPort: 8089,
        externalUrl: "http://tv.example",
        externalPort: 9000,
      });
      equal(proxy.status, 201);
      const bad = await call("POST", "/downstream-playlists", { name: "x/y", streamMode: "proxy" });
      equal(bad.status, 400);
      ok(bad.body.issues.name && bad.body.issues.proxyId);
      const d = await call("POST", "/downstream-playlists", {
        name: "Kitchen TV",
        proxyId: proxy.body.id,
        groups: ["Sport", "UK News"],
        excludeFilters: ["itv"],
        filterMode: "any",
        numbering: "sequential",
        numberStart: 10,
      });
      equal(d.status, 201, JSON.stringify(d.body));
      match(
        d.body.playlistUrl,
        /^http:\/\/tv\.example:8088\/manager\/get\/playlist\/Kitchen%20TV\?token=[\w-]{43}$/,
      );
      match(d.body.guideUrl, /\/manager\/get\/playlist\/Kitchen%20TV\/epg\.xml\?token=/);
      const path = new URL(d.body.playlistUrl).pathname;
      const token = new URL(d.body.playlistUrl).searchParams.get("token")!;

      // Without the token, with a wrong one, or for an unknown name: the same 404.
      const answers = await Promise.all([
        fetch(`${m.base}${path}`),
        fetch(`${m.base}${path}?token=wrong`),
        fetch(`${m.base}/manager/get/playlist/Nope?token=${token}`),
      ]);
      const texts = await Promise.all(answers.map((r) => r.text()));
      deepEqual(answers.map((r) => r.status), [404, 404, 404]);
      equal(new Set(texts).size, 1);

      const res = await fetch(`${m.base}${path}?token=${token}`);
      equal(res.status, 200);
      match(res.headers.get("content-type")!, /^audio\/x-mpegurl/);
      const etag = res.headers.get("etag")!;
      ok(etag);
      const text = await res.text();
      const parsed = parseM3uText(text);
      equal(parsed.header.attrs["url-tvg"], d.body.guideUrl);
      deepEqual(parsed.entries.map((e) => e.name), ["Eurosport 1", "BBC One", "BBC Two"]);
      deepEqual(parsed.entries.map((e) => e.attrs["tvg-chno"]), ["10", "11", "12"]);
      deepEqual(parsed.entries.map((e) => e.attrs["group-title"]), ["Sport", "UK News", "UK News"]);
      match(
        parsed.entries[0].url,
        /^http:\/\/tv\.example:9000\/stream\/[\w-]{43}\/[0-9A-Z]{26}\.m3u8$/,
      );
      match(parsed.entries[1].url, /\.ts$/);
      deepEqual(parsed.entries[0].vlcOpts, [], "the proxy sends the upstream user agent itself");
      ok(!text.includes("stream.invalid"), "no upstream URL leaks through proxy mode");

      // ETag and 304; gzip when accepted.
      const again = await fetch(`${m.base}${path}?token=${token}`, {
        headers: { "if-none-match": etag },
      });
      equal(again.status, 304);
      await again.body?.cancel();
      const gz = await fetch(`${m.base}${path}?token=${token}`, {
        headers: { "accept-encoding": "gzip" },
      });
      equal(gz.headers.get("content-encoding"), "gzip");
      equal(await gz.text(), text, "fetch decodes gzip to the same bytes");

      // Overrides: rename a channel, rename a group, renumber; they change the output at once.
      const bbcOne = (await call("GET", "/channels?q=BBC%20One")).body.items[0];
      const ov = await call("PUT", `/channels/${bbcOne.id}/override`, {
        name: "BBC 1",
        tvgId: "bbc1",
      });
      equal(ov.status, 200);
      const groups = (await call("GET", "/groups")).body.items;
      const ukNews = groups.find((g: { name: string }) => g.name === "UK News");
      equal((await call("PUT", `/groups/${ukNews.id}/override`, { name: "News" })).status, 200);
      const changed = await (await fetch(`${m.base}${path}?token=${token}`)).text();
      const parsed2 = parseM3uText(changed);
      deepEqual(parsed2.entries.map((e) => e.name), ["Eurosport 1", "BBC 1", "BBC Two"]);
      equal(parsed2.entries[1].attrs["tvg-id"], "bbc1");
      deepEqual(parsed2.entries.map((e) => e.attrs["group-title"]), ["Sport", "News", "News"]);
      const etag2 = (await fetch(`${m.base}${path}?token=${token}`, { method: "HEAD" })).headers
        .get("etag");
      notEqual(etag2, etag);

      // A changed upstream file: the renamed channel keeps its id and its overrides.
      version = 2;
      await importAndWait(m, p.body.id);
      const after = parseM3uText(await (await fetch(`${m.base}${path}?token=${token}`)).text());
      deepEqual(after.entries.map((e) => e.name), [
        "Eurosport 1",
        "BBC 1",
        "BBC Two HD",
        "Channel 4",
      ]);
      equal(after.entries[1].attrs["tvg-id"], "bbc1");
      deepEqual(after.entries.map((e) => e.attrs["group-title"]), [
        "Sport",
        "News",
        "News",
        "News",
      ]);

      // Disabled channels, groups and playlists drop out.
      const sport = groups.find((g: { name: string }) => g.name === "Sport");
      await call("PATCH", `/groups/${sport.id}`, { enabled: false });
      const noSport = parseM3uText(await (await fetch(`${m.base}${path}?token=${token}`)).text());
      equal(noSport.entries.some((e) => e.name === "Eurosport 1"), false);
      const dEdit = await call("PUT", `/downstream-playlists/${d.body.id}`, {
        name: "Kitchen TV",
        streamMode: "direct",
        groups: ["News"],
        enabled: true,
      });
      equal(dEdit.status, 200);
      const direct = parseM3uText(await (await fetch(`${m.base}${path}?token=${token}`)).text());
      ok(direct.entries.every((e) => e.url.startsWith("http://stream.invalid/uk/")));
      await call("PUT", `/downstream-playlists/${d.body.id}`, {
        name: "Kitchen TV",
        streamMode: "direct",
        groups: ["News"],
        enabled: false,
      });
      equal((await fetch(`${m.base}${path}?token=${token}`)).status, 404);

      // New tokens: the old URL stops working.
      const rotated = await call("POST", `/downstream-playlists/${d.body.id}/rotate-tokens`);
      notEqual(rotated.body.playlistUrl, d.body.playlistUrl);
    } finally {
      await up.close();
      await m.close();
    }
  },
);
