import { deepEqual, equal, throws } from "node:assert/strict";
import type { Channel } from "../schemas.ts";
import { splitKodiSuffix, upstreamRequest } from "./upstream_request.ts";

function channel(over: Partial<Channel>): Channel {
  return {
    id: "c1",
    playlistId: "p1",
    groupId: "g1",
    seq: 0,
    name: "One",
    url: "http://up.example/one.ts",
    duration: -1,
    attrs: {},
    vlcOpts: [],
    kodiProps: [],
    extras: [],
    enabled: true,
    keepStatus: false,
    missing: false,
    blockedReason: null,
    firstSeenAt: "",
    lastSeenAt: "",
    ...over,
  };
}

const opts = { playlistUserAgent: null, defaultUserAgent: "Default/1.0" };

Deno.test("upstreamRequest() sends the channel's own user agent and referrer, quotes removed", () => {
  const r = upstreamRequest(
    channel({
      vlcOpts: [["http-user-agent", '"ProviderApp/2.0"'], [
        "http-referrer",
        "'http://ref.example/'",
      ]],
    }),
    { url: "http://up.example/list.m3u" },
    opts,
  );
  deepEqual(r.headers, { "user-agent": "ProviderApp/2.0", referer: "http://ref.example/" });
});

Deno.test("upstreamRequest() falls back to the playlist's user agent, then USER_AGENT_STRING", () => {
  const up = { url: "http://up.example/list.m3u" };
  equal(
    upstreamRequest(channel({}), up, { ...opts, playlistUserAgent: "Box/1" }).headers["user-agent"],
    "Box/1",
  );
  equal(upstreamRequest(channel({}), up, opts).headers["user-agent"], "Default/1.0");
  equal(
    upstreamRequest(channel({ attrs: { "http-user-agent": "Attr/3" } }), up, opts)
      .headers["user-agent"],
    "Attr/3",
  );
});

Deno.test("upstreamRequest() splits Kodi's header suffix off the URL and decodes it", () => {
  const r = upstreamRequest(
    channel({
      url:
        "http://up.example/live/1.m3u8|User-Agent=Kodi%20Box%2F19&Referer=http%3A%2F%2Fsite.example%2F",
    }),
    { url: "http://up.example/list.m3u" },
    opts,
  );
  equal(r.url, "http://up.example/live/1.m3u8");
  deepEqual(r.headers, { "user-agent": "Kodi Box/19", referer: "http://site.example/" });
  deepEqual(splitKodiSuffix("http://x/a.ts"), { url: "http://x/a.ts", headers: {} });
});

Deno.test("upstreamRequest() resolves a relative stream URL against its playlist's URL", () => {
  const r = upstreamRequest(
    channel({ url: "stream/chunklist.m3u8" }),
    { url: "http://up.example/lists/tv.m3u" },
    opts,
  );
  equal(r.url, "http://up.example/lists/stream/chunklist.m3u8");
  throws(() => upstreamRequest(channel({ url: "=======" }), { url: "" }, opts), TypeError);
});
