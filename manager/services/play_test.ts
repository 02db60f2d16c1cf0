import { equal } from "node:assert/strict";
import { playKind } from "./play.ts";

Deno.test("playKind() picks the player by the stream's extension", () => {
  equal(playKind("http://provider.example/live/news.m3u8"), "hls");
  equal(playKind("http://provider.example/live/1234.ts"), "mpegts");
  // Extensionless IPTV stream URLs are MPEG-TS, as the proxy's URL ends .ts for them.
  equal(playKind("http://provider.example:8080/user/pass/1234"), "mpegts");
  equal(playKind("http://provider.example/vod/film.mp4"), "native");
});
