import { equal, match } from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { blockedReason, compileUrlRules, isNetworkUrl, urlScheme } from "./url_rules.ts";

const rules = compileUrlRules(loadConfig({}));

Deno.test("blockedReason() allows plain http streams and HLS by default", () => {
  equal(blockedReason("http://a.example/live/1.ts", rules), null);
  equal(blockedReason("https://a.example/hls/index.m3u8?token=1", rules), null);
  equal(blockedReason("rtmp://a.example/live", rules), null);
});

Deno.test("blockedReason() disables by scheme, path type and regex like the seed", () => {
  match(blockedReason("udp://@239.0.0.1:1234", rules)!, /ALLOWED_URL_SCHEMES/);
  match(blockedReason("http://a.example/list.m3u", rules)!, /BLOCKED_PATH_TYPES/);
  match(blockedReason("http://a.example/manifest.MPD", rules)!, /\.mpd/);
  match(
    blockedReason("http://a.example/get.php?output=playlist.m3u8", rules)!,
    /BLOCKED_URL_REGEXS/,
  );
  match(blockedReason("https://www.youtube.com/watch?v=1", rules)!, /youtube/);
});

Deno.test("blockedReason() never lets pipe://, file:// or relative paths through", () => {
  const open = compileUrlRules({
    allowedUrlSchemes: ["pipe", "file", "http"],
    blockedPathTypes: [],
    blockedUrlRegexes: [],
  });
  match(blockedReason("pipe://ffmpeg -i x", open)!, /never opened/);
  match(blockedReason("file:///etc/passwd", open)!, /never opened/);
  match(blockedReason("/var/media/a.ts", open)!, /not an absolute URL/);
  equal(isNetworkUrl("pipe://x"), false);
  equal(isNetworkUrl("HTTP://x"), true);
  equal(urlScheme("RTSP://x"), "rtsp");
});
