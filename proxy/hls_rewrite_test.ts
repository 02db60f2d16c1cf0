import { equal, ok } from "node:assert/strict";
import { extensionOf, isHlsPlaylist, rewritePlaylist } from "./hls_rewrite.ts";

const MASTER = `#EXTM3U
#EXT-X-VERSION:6
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="en",URI="audio/en.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360
360p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=250000
https://cdn.example/180p/index.m3u8?token=abc
#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=50000,URI="iframes.m3u8"
`;

const MEDIA = `#EXTM3U\r
#EXT-X-TARGETDURATION:2\r
#EXT-X-MEDIA-SEQUENCE:41\r
#EXT-X-KEY:METHOD=AES-128,URI="../keys/k1.bin",IV=0x1\r
#EXT-X-MAP:URI="init.mp4"\r
#EXTINF:2.000,\r
seg_00041.ts\r
#EXTINF:2.000,\r
/abs/seg_00042.ts\r
`;

Deno.test("rewritePlaylist() sends every URI of a master playlist through the map", () => {
  const seen: string[] = [];
  const out = rewritePlaylist(MASTER, "http://up.example/live/master.m3u8", (url, kind) => {
    seen.push(`${kind} ${url}`);
    return `/hls/K/${seen.length}${extensionOf(url)}`;
  });
  equal(
    seen.join("\n"),
    [
      "playlist http://up.example/live/audio/en.m3u8",
      "playlist http://up.example/live/360p/index.m3u8",
      "playlist https://cdn.example/180p/index.m3u8?token=abc",
      "playlist http://up.example/live/iframes.m3u8",
    ].join("\n"),
  );
  ok(out.includes('URI="/hls/K/1.m3u8"'));
  ok(out.includes("\n/hls/K/2.m3u8\n"));
  ok(!out.includes("up.example") && !out.includes("cdn.example"), "no upstream URL is left");
});

Deno.test("rewritePlaylist() rewrites segments, keys and maps of a media playlist (CRLF too)", () => {
  const seen: string[] = [];
  const out = rewritePlaylist(MEDIA, "http://up.example/live/360p/index.m3u8", (url, kind) => {
    seen.push(`${kind} ${url}`);
    return `/hls/K/${seen.length}${extensionOf(url)}`;
  });
  equal(
    seen.join("\n"),
    [
      "media http://up.example/live/keys/k1.bin",
      "media http://up.example/live/360p/init.mp4",
      "media http://up.example/live/360p/seg_00041.ts",
      "media http://up.example/abs/seg_00042.ts",
    ].join("\n"),
  );
  ok(out.includes('#EXT-X-KEY:METHOD=AES-128,URI="/hls/K/1.bin",IV=0x1'));
  ok(out.includes("#EXT-X-MEDIA-SEQUENCE:41"));
  ok(out.includes("\n/hls/K/3.ts\n"), "the segment keeps its .ts extension");
});

Deno.test("isHlsPlaylist() and extensionOf()", () => {
  ok(isHlsPlaylist(MEDIA));
  ok(!isHlsPlaylist("#EXTM3U\nhttp://x/a.ts\n"), "a plain M3U channel list is no HLS playlist");
  equal(extensionOf("http://x/a/seg.TS?x=1"), ".ts");
  equal(extensionOf("http://x/a/seg"), "");
});
