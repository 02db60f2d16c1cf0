import assert from "node:assert/strict";
import { M3uParser, parseM3uText } from "./parser.ts";
import { iptvOrgFiles, readPlaylist, readPlaylistBytes, REAL_PLAYLISTS } from "./_testing.ts";
import type { M3uEntry } from "./types.ts";

function find(entries: M3uEntry[], name: string): M3uEntry {
  const e = entries.find((x) => x.name === name);
  assert.ok(e, `no entry named ${name}`);
  return e;
}

// Real playlists (testdata/m3u, counts from testdata/README.md).

Deno.test("parseM3uText() finds 13,123 entries in the 305 iptv-org files, 29 of them header-only", () => {
  const files = iptvOrgFiles();
  assert.equal(files.length, 305);
  let entries = 0;
  let headerOnly = 0;
  for (const file of files) {
    const r = parseM3uText(readPlaylist(file));
    assert.ok(r.sawExtM3u, file);
    assert.equal(r.orphans, 0, file);
    assert.deepEqual(r.issues, [], file);
    entries += r.entries.length;
    if (r.entries.length === 0) headerOnly++;
  }
  assert.equal(entries, 13_123);
  assert.equal(headerOnly, 29);
});

for (const [file, count, orphans] of REAL_PLAYLISTS) {
  Deno.test(`parseM3uText() finds ${count} entries and ${orphans} orphans in ${file}`, () => {
    const r = parseM3uText(readPlaylist(file));
    assert.equal(r.entries.length, count);
    assert.equal(r.orphans, orphans);
    assert.equal(r.issues.length, orphans);
    assert.ok(r.sawExtM3u);
    for (const e of r.entries) assert.ok(e.url.length > 0 && e.name.length > 0, `line ${e.line}`);
  });
}

Deno.test("parseM3uText() keeps @feed suffixes of iptv-org tvg-ids and the CRLF-free name", () => {
  const { entries } = parseM3uText(readPlaylist("iptv-org-streams/us.m3u"));
  const e = entries[0];
  assert.equal(e.attrs["tvg-id"], "CinePremiere.us@SD");
  assert.equal(e.name, "Cine Premiere (720p)");
  assert.equal(e.line, 2);
  assert.ok(e.url.startsWith("https://service-stitcher.clusters.pluto.tv/v1/stitch/embed/hls/"));
  assert.ok(!e.url.endsWith("\r"));
});

Deno.test("parseM3uText() reads http-referrer and http-user-agent from attributes and #EXTVLCOPT", () => {
  const ar = parseM3uText(readPlaylist("iptv-org-streams/ar.m3u")).entries;
  const xtrema = find(ar, "Xtrema Accion");
  assert.equal(xtrema.attrs["http-referrer"], "https://xtrematv.com/?p=1434");
  assert.deepEqual(xtrema.vlcOpts, [["http-referrer", "https://xtrematv.com/?p=1434"]]);
  assert.equal(xtrema.url, "https://stmv6.voxtvhd.com.br/cineaccion/cineaccion/playlist.m3u8");

  const am = parseM3uText(readPlaylist("iptv-org-streams/am_ucom.m3u")).entries;
  const ua = "Mozilla/5.0 (iPhone; CPU iPhone OS 12_2 like Mac OS X) AppleWebKit/605.1.15 " +
    "(KHTML,like Gecko) Mobile/15E148";
  const fiveTv = find(am, "5 ԹԻՎԻ (480p) [Not 24/7]");
  assert.equal(fiveTv.attrs["http-user-agent"], ua);
  assert.deepEqual(fiveTv.vlcOpts, [["http-user-agent", ua]]);
});

Deno.test("parseM3uText() reads the 6 KB x-tvg-url header of free-tv", () => {
  const r = parseM3uText(readPlaylist("free-tv_playlist_2026-08-22.m3u8"));
  const urls = r.header.attrs["x-tvg-url"].split(",").map((u) => u.trim());
  assert.equal(urls[0], "https://epgshare01.online/epgshare01/epg_ripper_AL1.xml.gz");
  assert.ok(urls.length > 50 && urls.every((u) => u.startsWith("https://")));
  assert.deepEqual(Object.keys(r.header.attrs), ["x-tvg-url"]);
});

Deno.test("parseM3uText() collects #KODIPROP lines of kodinerds DASH entries", () => {
  const e = parseM3uText(readPlaylist("kodinerds_dash.m3u")).entries[0];
  assert.equal(e.name, "Das Erste HD");
  assert.equal(e.attrs["tvg-id"], "DasErste.de");
  assert.deepEqual(e.kodiProps, [
    ["inputstreamaddon", "inputstream.adaptive"],
    ["inputstream.adaptive.manifest_type", "mpd"],
  ]);
  assert.equal(e.url, "http://daserste-live.ard-mcdn.de/daserste/replay/dash/de/manifest.mpd");
});

Deno.test("parseM3uText() keeps pipe:// command lines as plain URL strings", () => {
  const { entries } = parseM3uText(readPlaylist("kodinerds_pipe.m3u"));
  assert.ok(entries.every((e) => e.url.startsWith("pipe://")));
  assert.ok(entries[0].url.startsWith("pipe://ffmpeg -loglevel fatal -i https://daserste-live"));
  assert.ok(entries[0].url.endsWith("-f mpegts pipe:1"));
});

Deno.test("parseM3uText() reads radio attributes, IPv6 hosts and a URL line starting with a quote", () => {
  const radio = parseM3uText(readPlaylist("fanmingming_radio-index.m3u"));
  assert.equal(radio.entries[0].attrs.radio, "true");
  assert.equal(radio.entries[0].name, "Today’s Hits");
  assert.equal(radio.entries[0].attrs["group-title"], "网络广播");
  const quoted = radio.entries.find((e) => e.line === 338);
  assert.equal(quoted?.url, '"https://satellitepull.cnr.cn/live/wxybwyshgb/playlist.m3u8');
  assert.deepEqual(radio.issues.map((i) => i.line), [376, 417, 418]);
  assert.ok(radio.issues.every((i) => i.message === "#EXTINF without a URL"));

  const ipv6 = parseM3uText(readPlaylist("fanmingming_tv-ipv6.m3u")).entries[0];
  assert.equal(ipv6.name, "CCTV-1");
  assert.equal(
    ipv6.url,
    "http://[2409:8087:3869:8021:1001::e5]:6610/PLTV/88888910/224/3221225642/index.m3u8",
  );
});

Deno.test("parseM3uText() stays linear on lines with unterminated quotes and no `=`", () => {
  const text = '#EXTINF:-1 tvg-name="open quote\n#EXTVLCOPT:no-equals\n'.repeat(100_000);
  const t0 = performance.now();
  const r = parseM3uText(text);
  const ms = performance.now() - t0;
  assert.equal(r.orphans, 100_000);
  assert.equal(r.entries.length, 0);
  // A search running past each line's end would rescan megabytes per line (minutes).
  assert.ok(ms < 2000, `${Math.round(ms)} ms`);
});

// Edge cases (testdata/m3u/edge).

Deno.test("parseM3uText() strips a UTF-8 BOM before #EXTM3U", () => {
  const r = parseM3uText(readPlaylist("edge/bom.m3u"));
  assert.ok(r.sawExtM3u);
  assert.deepEqual(r.header.attrs, { "url-tvg": "http://epg.example/guide.xml" });
  assert.equal(r.entries[0].attrs["tvg-id"], "one.example");
});

Deno.test("parseM3uText() splits CRLF, LF and lone CR lines and trims each line", () => {
  const r = parseM3uText(readPlaylist("edge/crlf_mixed.m3u"));
  assert.deepEqual(
    r.entries.map((e) => [e.name, e.url, e.attrs["tvg-id"], e.line]),
    [
      ["CRLF channel", "http://s.example/crlf", "crlf", 2],
      ["LF channel", "http://s.example/lf", "lf", 5],
      ["CR channel", "http://s.example/cr", "cr", 8],
      ["Last channel", "http://s.example/last", "last", 11],
    ],
  );
  assert.deepEqual(r.issues, []);
});

Deno.test("parseM3uText() reads #EXTINF durations with and without attributes or names", () => {
  const r = parseM3uText(readPlaylist("edge/no_header.m3u"));
  assert.equal(r.sawExtM3u, false);
  assert.deepEqual(r.header.attrs, {});
  assert.deepEqual(r.entries.map((e) => [e.duration, e.name]), [
    [-1, "Minus one"],
    [0, "Zero"],
    [-1, "Spaced"],
    [-1, "No duration"],
    [10.5, "Ten and a half"],
    [-1, "Garbage duration"],
    [-1, "lower case directive"],
  ]);
  assert.deepEqual(r.entries[0].attrs, {});
  assert.deepEqual(r.entries[6].attrs, { "tvg-id": "lower" });
});

Deno.test("parseM3uText() merges repeated #EXTM3U lines, later values winning", () => {
  const r = parseM3uText(readPlaylist("edge/repeated_header.m3u"));
  assert.deepEqual(r.header.attrs, {
    "url-tvg": "http://a.example/epg.xml",
    "tvg-shift": "2",
    "x-tvg-url": "http://b.example/epg.xml.gz",
    catchup: "append",
  });
  assert.deepEqual(r.entries.map((e) => e.name), ["A", "B"]);
});

Deno.test("parseM3uText() reads quoted, unquoted, empty, unspaced and &amp; attributes", () => {
  const e = parseM3uText(readPlaylist("edge/attributes.m3u")).entries;
  assert.deepEqual(e[0].attrs, {
    "tvg-id": "dq",
    "tvg-name": "sq",
    "tvg-chno": "7",
    "tvg-logo": "",
    "group-title": "News",
  });
  assert.deepEqual(e[1].attrs, { "tvg-id": "a", "tvg-name": "b", "group-title": "c" });
  assert.equal(e[1].name, "No spaces");
  assert.equal(e[2].attrs["tvg-logo"], "http://l.example/x.png?a=1&b=2");
  assert.equal(e[2].attrs["group-title"], "Rock & Pop");
  assert.deepEqual(e[3].attrs, { "tvg-name": "Sports, Live", "group-title": "A, B" });
  assert.equal(e[3].name, 'Sky Sports, Main Event "Live" 🏈⚽');
  assert.deepEqual(e[4].attrs, { "tvg-id": "unq", "group-title": "Movies" });
  assert.equal(e[4].name, "Unquoted");
  assert.deepEqual(e[5].attrs, { "tvg-id": "it's", "tvg-name": 'say "hi"' });
});

Deno.test("parseM3uText() survives malformed #EXTINF attribute text", () => {
  const r = parseM3uText(
    [
      '#EXTINF:-1 tvg-name="Unterminated, still named',
      "http://s.example/1",
      '#EXTINF:-1 bare words "quoted, token" ="no key" tvg-id="x",Name, with comma',
      "http://s.example/2",
      '#EXTINF:-1tvg-id="glued" TVG-Name="Upper"',
      "http://s.example/3",
      "#EXTINFO:-1,Not an EXTINF tag",
      "http://s.example/4",
    ].join("\n"),
  );
  const [a, b, c, d] = r.entries;
  assert.deepEqual([a.attrs, a.name], [{ "tvg-name": "Unterminated" }, "still named"]);
  assert.deepEqual([b.attrs, b.name], [{ "tvg-id": "x" }, "Name, with comma"]);
  assert.deepEqual([c.duration, c.attrs, c.name], [
    -1,
    { "tvg-id": "glued", "tvg-name": "Upper" },
    "",
  ]);
  assert.deepEqual([d.name, d.line], ["http://s.example/4", 8]);
  assert.deepEqual(r.issues, [{ line: 8, message: "URL without #EXTINF" }]);
});

Deno.test("parseM3uText() attaches #EXTVLCOPT, #KODIPROP, #EXTGRP and extra directives", () => {
  const [d1, d2] = parseM3uText(readPlaylist("edge/directives.m3u")).entries;
  assert.deepEqual(d1.vlcOpts, [
    ["http-user-agent", "Mozilla/5.0 (X11; Linux)"],
    ["http-referrer", "https://ref.example/"],
  ]);
  assert.deepEqual(d1.kodiProps, [
    ["inputstream.adaptive.license_key", "https://lic.example/?id=1&key=a=b"],
    ["inputstreamaddon", "inputstream.adaptive"],
  ]);
  assert.equal(d1.extGrp, "Sport");
  assert.deepEqual(d1.extras, ["#EXT-X-SOMETHING:value=1", "# a comment inside the entry"]);
  assert.equal(d1.url, "http://s.example/d1");
  // An option line before an #EXTINF belongs to the next entry, as in VLC.
  assert.deepEqual(d2.vlcOpts, [["http-user-agent", "lower"]]);
  assert.deepEqual([d2.extras, "extGrp" in d2], [[], false]);
});

Deno.test("parseM3uText() counts orphan #EXTINF lines and keeps URLs without #EXTINF", () => {
  const r = parseM3uText(readPlaylist("edge/orphans.m3u"));
  assert.equal(r.orphans, 3);
  assert.deepEqual(r.entries, [
    {
      name: "http://s.example/bare",
      url: "http://s.example/bare",
      duration: -1,
      attrs: {},
      vlcOpts: [],
      kodiProps: [],
      extras: [],
      line: 2,
    },
    {
      name: "Kept",
      url: '"http://s.example/quoted',
      duration: -1,
      attrs: {},
      vlcOpts: [],
      kodiProps: [],
      extras: [],
      line: 5,
    },
  ]);
  assert.deepEqual(r.issues, [
    { line: 2, message: "URL without #EXTINF" },
    { line: 3, message: "#EXTINF without a URL" },
    { line: 4, message: "#EXTINF without a URL" },
    { line: 7, message: "#EXTINF without a URL" },
  ]);
});

Deno.test("parseM3uText() reads a windows-1252 file once it is decoded", () => {
  const text = new TextDecoder("windows-1252").decode(readPlaylistBytes("edge/latin1.m3u"));
  const [tele, zdf] = parseM3uText(text).entries;
  assert.equal(tele.name, "Télé 5 – Prix 5 €");
  assert.equal(tele.attrs["group-title"], "Télévision");
  assert.equal(zdf.name, "ZDF Österreich");
});

Deno.test("M3uParser returns each entry from the push that completes its URL line", () => {
  const p = new M3uParser();
  assert.deepEqual(p.push("#EXTM3U tvg-shift=1\r"), []);
  assert.deepEqual(p.header.attrs, { "tvg-shift": "1" });
  assert.deepEqual(p.push('\n#EXTINF:-1 tvg-id="a",A\r\nhttp://s.example/a'), []);
  const [a] = p.push("\r");
  assert.deepEqual([a.url, a.line], ["http://s.example/a", 2]);
  assert.deepEqual(p.push("\n#EXTINF:-1,B\nhttp://s.example/b"), []);
  assert.deepEqual(p.end().map((e) => [e.name, e.line]), [["B", 4]]);
  assert.equal(p.orphans, 0);
});

Deno.test("M3uParser caps the issue list", () => {
  const p = new M3uParser({ maxIssues: 5 });
  p.push("http://s.example/x\n".repeat(20));
  p.end();
  assert.equal(p.issues.length, 5);
});
