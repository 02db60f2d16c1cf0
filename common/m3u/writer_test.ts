import assert from "node:assert/strict";
import { parseM3uText } from "./parser.ts";
import { writeM3u, writeM3uEntry } from "./writer.ts";
import { iptvOrgFiles, readPlaylist, REAL_PLAYLISTS, withoutLines } from "./_testing.ts";
import type { M3uEntry } from "./types.ts";

function entry(fields: Partial<M3uEntry>): M3uEntry {
  return {
    name: "",
    url: "http://s.example/x",
    duration: -1,
    attrs: {},
    vlcOpts: [],
    kodiProps: [],
    extras: [],
    line: 1,
    ...fields,
  };
}

function roundTrip(text: string, label: string): void {
  const parsed = parseM3uText(text);
  const again = parseM3uText(writeM3u(parsed.header, parsed.entries));
  assert.deepEqual(again.header, parsed.header, label);
  assert.deepEqual(withoutLines(again.entries), withoutLines(parsed.entries), label);
  assert.equal(again.orphans, 0, label);
}

Deno.test("writeM3u() output parses back to the same header and entries for every real playlist", () => {
  for (const [file] of REAL_PLAYLISTS) roundTrip(readPlaylist(file), file);
  for (const file of iptvOrgFiles()) roundTrip(readPlaylist(file), file);
});

Deno.test("writeM3u() output parses back to the same header and entries for every edge fixture", () => {
  for (const name of ["bom", "crlf_mixed", "no_header", "repeated_header", "attributes"]) {
    roundTrip(readPlaylist(`edge/${name}.m3u`), name);
  }
  roundTrip(readPlaylist("edge/directives.m3u"), "directives");
  roundTrip(readPlaylist("edge/orphans.m3u"), "orphans");
});

Deno.test("writeM3uEntry() writes #EXTINF, options, group, extras and the URL in that order", () => {
  const text = writeM3uEntry(entry({
    name: "News, Live 📺",
    attrs: { "tvg-id": "news.example", "group-title": "" },
    vlcOpts: [["http-user-agent", "VLC/3.0"], ["http-referrer", "https://r.example/"]],
    kodiProps: [["inputstream.adaptive.manifest_type", "mpd"]],
    extGrp: "News",
    extras: ["#EXT-X-SOMETHING:1"],
    url: "http://s.example/news.m3u8",
  }));
  assert.equal(
    text,
    [
      '#EXTINF:-1 tvg-id="news.example" group-title="",News, Live 📺',
      "#EXTVLCOPT:http-user-agent=VLC/3.0",
      "#EXTVLCOPT:http-referrer=https://r.example/",
      "#KODIPROP:inputstream.adaptive.manifest_type=mpd",
      "#EXTGRP:News",
      "#EXT-X-SOMETHING:1",
      "http://s.example/news.m3u8",
      "",
    ].join("\n"),
  );
});

Deno.test("writeM3u() writes header attributes on the #EXTM3U line", () => {
  const text = writeM3u({ attrs: { "url-tvg": "http://e.example/a.xml", "tvg-shift": "2" } }, []);
  assert.equal(text, '#EXTM3U url-tvg="http://e.example/a.xml" tvg-shift="2"\n');
  assert.equal(
    writeM3u({ attrs: {} }, [entry({ name: "A", duration: 0 })]),
    "#EXTM3U\n#EXTINF:0,A\nhttp://s.example/x\n",
  );
});

Deno.test("writeM3uEntry() escapes quotes and entity-like text so values read back unchanged", () => {
  const attrs = {
    "tvg-name": 'He said "hi"',
    "tvg-logo": "http://l.example/x.png?a=1&b=2",
    literal: "&amp; and &quot; stay literal",
    mixed: `it's "both"`,
  };
  const text = writeM3uEntry(entry({ name: 'Say "hi", friend', attrs }));
  assert.ok(text.includes('tvg-logo="http://l.example/x.png?a=1&b=2"'), "plain & is not escaped");
  assert.ok(text.includes('tvg-name="He said &quot;hi&quot;"'));
  const [back] = parseM3uText(text).entries;
  assert.deepEqual(back.attrs, attrs);
  assert.equal(back.name, 'Say "hi", friend');
});

Deno.test("writeM3uEntry() keeps every field on its own line when values contain line breaks", () => {
  const text = writeM3uEntry(entry({
    name: "Two\nlines",
    attrs: { "tvg-name": "a\r\nb" },
    vlcOpts: [["http-user-agent", "x\ny"]],
    extGrp: "g\rh",
  }));
  const r = parseM3uText(text);
  assert.equal(r.entries.length, 1);
  assert.deepEqual(r.issues, []);
  assert.equal(r.entries[0].name, "Two lines");
  assert.equal(r.entries[0].attrs["tvg-name"], "a b");
  assert.deepEqual(r.entries[0].vlcOpts, [["http-user-agent", "x y"]]);
  assert.equal(r.entries[0].extGrp, "g h");
});

Deno.test("writeM3uEntry() leaves out attribute names the parser could not read back", () => {
  const text = writeM3uEntry(
    entry({ attrs: { "": "x", "a b": "y", "c=d": "z", ok: "1" }, name: "N" }),
  );
  assert.equal(text, '#EXTINF:-1 ok="1",N\nhttp://s.example/x\n');
});
