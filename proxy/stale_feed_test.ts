/**
 * The proxy looks channels up in its caches without reading KV first; the one commit a stream
 * makes is checked against the stamps those caches were at. Here a second proxy has a change
 * feed that never polls (on a KV handle of its own, as another process would have): what the
 * manager changed meanwhile still decides, on the very next request. (A stopped feed stands for
 * one that has not polled yet: it reads KV only when sync() asks it to.)
 */
import { equal, ok } from "node:assert/strict";
import { parseM3uText } from "../common/m3u/mod.ts";
import { ChangeFeed } from "../common/kv/change_feed.ts";
import { listSessions } from "../common/streams/sessions.ts";
import { listSlots } from "../common/streams/slots.ts";
import { startPacketUpstream, startProxySetup } from "../testing/proxy_setup.ts";
import { startProxy } from "./server.ts";

Deno.test("a proxy whose feed lags still refuses a rotated token and serves the new one at once", async () => {
  const up = startPacketUpstream();
  const s = await startProxySetup([{ name: "One", url: `${up.base}/ch/1.ts` }], {
    maxConnections: 2,
  });
  const kv = await Deno.openKv(`${s.m.config.dataDir}/iptv.kv`);
  const feed = await new ChangeFeed(kv).start();
  await feed.close();
  const lagging = await startProxy(kv, { ...s.m.config, proxyName: "Lagging" }, {
    quiet: true,
    feed,
  });
  const on = (url: string) => `http://127.0.0.1:${lagging.port}${new URL(url).pathname}`;
  try {
    const oldUrl = on(s.streams.get("One")!);
    const warm = await fetch(oldUrl);
    equal(warm.status, 200);
    await warm.body!.cancel();
    await waitUntil(async () => (await listSlots(s.m.kv, s.upstreamId)).length === 0);
    const served = up.served;

    const rotated = await s.call("POST", `/downstream-playlists/${s.downstreamId}/rotate-tokens`);
    equal(rotated.status, 200);
    // The lagging proxy's cache still holds the old token; its commit's check does not.
    const stale = await fetch(oldUrl);
    equal(stale.status, 404);
    await stale.body?.cancel();
    equal(up.served, served, "no upstream request for a rotated token");
    equal((await listSlots(s.m.kv, s.upstreamId)).length, 0);
    equal((await listSessions(s.m.kv)).length, 0);

    // The new token is not in its cache yet: a miss reads the feed and finds it.
    const d = (await s.call("GET", `/downstream-playlists/${s.downstreamId}`)).body;
    const list = await fetch(
      s.m.base + new URL(d.playlistUrl).pathname + new URL(d.playlistUrl).search,
    );
    const fresh = on(parseM3uText(await list.text()).entries[0].url);
    ok(fresh !== oldUrl);
    const res = await fetch(fresh);
    equal(res.status, 200);
    const sessions = await listSessions(s.m.kv);
    equal(sessions.length, 1);
    equal(sessions[0].proxy, "Lagging");
    await res.body!.cancel();
  } finally {
    await lagging.shutdown();
    kv.close();
    await s.close();
    await up.close();
  }
});

async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
