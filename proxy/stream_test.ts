/**
 * The streaming proxy against real upstreams on 127.0.0.1: only known channels for a valid token,
 * sessions in KV, connection limits under a burst, shared upstream connections, failures that
 * release their slot, and drops that cut a stream at once.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { listSessions, requestDrop } from "../common/streams/sessions.ts";
import { listSlots } from "../common/streams/slots.ts";
import { probe } from "../testing/clients.ts";
import { waitFor } from "../testing/harness.ts";
import { startLiveTs } from "../testing/live_ts.ts";
import { readSome, startPacketUpstream, startProxySetup } from "../testing/proxy_setup.ts";

Deno.test("a channel streams only for a valid token and only if the playlist has it", async () => {
  const up = startPacketUpstream();
  const s = await startProxySetup([{ name: "One", url: `${up.base}/ch/1.ts` }]);
  try {
    const url = s.streams.get("One")!;
    const u = new URL(url);
    const [, , token, file] = u.pathname.split("/");
    const refused = await Promise.all([
      fetch(`${u.origin}/stream/${"x".repeat(43)}/${file}`),
      fetch(`${u.origin}/stream/${token}/01J0000000000000000000000.ts`),
      fetch(`${u.origin}/stream/${token}`),
      fetch(`${u.origin}/?url=${encodeURIComponent(`${up.base}/ch/1.ts`)}`),
    ]);
    deepEqual(refused.map((r) => r.status), [404, 404, 404, 404]);
    await Promise.all(refused.map((r) => r.body?.cancel()));
    equal(up.served, 0, "nothing went upstream for a refused request");

    const res = await fetch(url);
    equal(res.status, 200);
    equal(res.headers.get("content-type"), "video/mp2t");
    const bytes = await readSome(res, 188 * 1000);
    ok(bytes.length >= 188 * 1000);
    equal(bytes[0], 0x47);
    equal(bytes[188], 0x47);
    // The client left: its session ends with its bytes, the upstream connection closes.
    await waitFor(
      async () => (await listSessions(s.m.kv, { ended: true }))[0]?.state === "ended",
      "session end",
    );
    const [session] = await listSessions(s.m.kv, { ended: true });
    equal(session.channelName, "One");
    equal(session.endReason, "client left");
    ok(session.bytes >= 188 * 1000);
    await waitFor(() => Promise.resolve(up.open === 0), "the upstream connection to close");
  } finally {
    await s.close();
    await up.close();
  }
});

Deno.test("50 simultaneous requests on a 3-connection playlist open exactly 3 upstream connections", async () => {
  const up = startPacketUpstream();
  const channels = Array.from(
    { length: 50 },
    (_, i) => ({ name: `Ch ${i}`, url: `${up.base}/ch/${i}.ts` }),
  );
  const s = await startProxySetup(channels, { maxConnections: 3 });
  try {
    const answers = await Promise.all(
      [...s.streams.values()].map((u, i) => fetch(u, { headers: { "user-agent": `Client ${i}` } })),
    );
    const ok200 = answers.filter((r) => r.status === 200);
    const refused = answers.filter((r) => r.status === 503);
    equal(ok200.length, 3);
    equal(refused.length, 47);
    equal(refused[0].headers.get("retry-after"), "10");
    match(await refused[0].text(), /All 3 connections of playlist "Provider" are in use/);
    await Promise.all(refused.slice(1).map((r) => r.body?.cancel()));
    equal(up.served, 3, "exactly 3 upstream connections were opened");
    equal((await listSlots(s.m.kv, s.upstreamId)).length, 3);
    await Promise.all(ok200.map((r) => r.body!.cancel()));
    await waitFor(async () => (await listSlots(s.m.kv)).length === 0, "every slot to be free");
    await waitFor(() => Promise.resolve(up.open === 0), "every upstream connection to close");
  } finally {
    await s.close();
    await up.close();
  }
});

Deno.test("20 clients of one channel share one upstream connection, counted once", async () => {
  const up = startPacketUpstream();
  const s = await startProxySetup([{ name: "One", url: `${up.base}/ch/1.ts` }], {
    maxConnections: 1,
  });
  try {
    const url = s.streams.get("One")!;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => fetch(url, { headers: { "user-agent": `TV ${i}` } })),
    );
    deepEqual(answers.map((r) => r.status), Array(20).fill(200));
    const got = await Promise.all(answers.map((r) => readSome(r, 188 * 500)));
    for (const b of got) {
      ok(b.length >= 188 * 500);
      // Every client starts at a packet boundary.
      equal(b[0], 0x47);
      equal(b[188 * 7], 0x47);
    }
    equal(up.served, 1);
    equal((await listSlots(s.m.kv)).length <= 1, true);
    await waitFor(async () => (await listSlots(s.m.kv)).length === 0, "the slot to be free");
  } finally {
    await s.close();
    await up.close();
  }
});

Deno.test("upstream failures answer 502 or 504 with a message and release the slot", async () => {
  const up = startPacketUpstream({ endAfter: 188 * 350 * 2 });
  const s = await startProxySetup([
    { name: "Missing", url: `${up.base}/status/404` },
    { name: "Broken", url: `${up.base}/status/500` },
    { name: "Slow", url: `${up.base}/slow` },
    { name: "Loop", url: `${up.base}/loop` },
    { name: "Ends", url: `${up.base}/ok/1.ts` },
  ], { maxConnections: 1, env: { STREAM_TIMEOUT: "1" } });
  try {
    const get = (name: string) => fetch(s.streams.get(name)!);
    const missing = await get("Missing");
    equal(missing.status, 502);
    match(await missing.text(), /Cannot stream "Missing": upstream answered 404/);
    const broken = await get("Broken");
    equal(broken.status, 502);
    match(await broken.text(), /upstream answered 500/);
    const slow = await get("Slow");
    equal(slow.status, 504);
    match(await slow.text(), /did not answer within 1 s/);
    const loop = await get("Loop");
    equal(loop.status, 502);
    match(await loop.text(), /more than 5 redirects/);
    equal((await listSlots(s.m.kv)).length, 0, "no failure keeps its slot");
    // An upstream that ends mid-stream ends the client's response and the session.
    const ends = await get("Ends");
    equal(ends.status, 200);
    const body = new Uint8Array(await ends.arrayBuffer());
    equal(body.length, 188 * 350 * 2);
    await waitFor(async () => {
      const all = await listSessions(s.m.kv, { ended: true });
      return all.some((x) => x.channelName === "Ends" && x.endReason === "upstream ended");
    }, "the session to end");
    await waitFor(async () => (await listSlots(s.m.kv)).length === 0, "the slot to be free");
  } finally {
    await s.close();
    await up.close();
  }
});

Deno.test("a drop cuts the stream at once, in one process", async () => {
  const up = startPacketUpstream();
  const s = await startProxySetup([{ name: "One", url: `${up.base}/ch/1.ts` }], {
    maxConnections: 1,
  });
  try {
    const res = await fetch(s.streams.get("One")!);
    const id = res.headers.get("x-session-id")!;
    ok(id);
    const reader = res.body!.getReader();
    await reader.read();
    const t0 = performance.now();
    await requestDrop(s.m.kv, id);
    // Read until the stream ends (cut: an error, or done).
    try {
      while (!(await reader.read()).done) { /* draining what was queued */ }
    } catch { /* cut */ }
    const ms = performance.now() - t0;
    ok(ms < 1000, `ended after ${ms} ms`);
    await waitFor(
      async () =>
        (await listSessions(s.m.kv, { ended: true }))[0]?.endReason === "dropped by an admin",
      "drop recorded",
    );
    await waitFor(async () => (await listSlots(s.m.kv)).length === 0, "the slot to be free");
  } finally {
    await s.close();
    await up.close();
  }
});

Deno.test("disabling a channel or rotating tokens ends its sessions within a second", async () => {
  const up = startPacketUpstream();
  const s = await startProxySetup([
    { name: "One", url: `${up.base}/ch/1.ts` },
    { name: "Two", url: `${up.base}/ch/2.ts` },
  ]);
  try {
    const one = await fetch(s.streams.get("One")!);
    const two = await fetch(s.streams.get("Two")!);
    const ended = (res: Response) =>
      (async () => {
        const r = res.body!.getReader();
        try {
          while (!(await r.read()).done) { /* draining */ }
        } catch { /* cut */ }
        return performance.now();
      })();
    const oneEnded = ended(one);
    const twoEnded = ended(two);
    const channel = (await s.call("GET", "/channels?limit=10")).body.items.find((
      c: { name: string },
    ) => c.name === "One");
    const t0 = performance.now();
    equal((await s.call("PATCH", `/channels/${channel.id}`, { enabled: false })).status, 200);
    ok((await oneEnded) - t0 < 1000);
    const t1 = performance.now();
    equal(
      (await s.call("POST", `/downstream-playlists/${s.downstreamId}/rotate-tokens`)).status,
      200,
    );
    ok((await twoEnded) - t1 < 1000);
    // The old stream URL no longer opens anything.
    const again = await fetch(s.streams.get("Two")!);
    equal(again.status, 404);
    await again.body?.cancel();
  } finally {
    await s.close();
    await up.close();
  }
});

Deno.test("a client switching channels on a one-connection playlist takes over its old slot", async () => {
  const up = startPacketUpstream();
  const s = await startProxySetup([
    { name: "One", url: `${up.base}/ch/1.ts` },
    { name: "Two", url: `${up.base}/ch/2.ts` },
  ], { maxConnections: 1 });
  try {
    const headers = { "user-agent": "Living room TV" };
    const one = await fetch(s.streams.get("One")!, { headers });
    equal(one.status, 200);
    const stranger = await fetch(s.streams.get("Two")!, { headers: { "user-agent": "Other TV" } });
    equal(stranger.status, 503, "another client is refused");
    await stranger.body?.cancel();
    const two = await fetch(s.streams.get("Two")!, { headers });
    equal(two.status, 200, "the same client switching is not");
    await one.body?.cancel();
    await readSome(two, 188 * 100);
    const sessions = await listSessions(s.m.kv, { ended: true });
    ok(
      sessions.some((x) =>
        x.channelName === "One" && x.endReason === "the client switched channels"
      ),
    );
    await waitFor(async () => (await listSlots(s.m.kv)).length === 0, "the slot to be free");
  } finally {
    await s.close();
    await up.close();
  }
});

Deno.test("a live MPEG-TS channel reaches three clients through one connection, valid to ffprobe", async () => {
  const live = await startLiveTs();
  const s = await startProxySetup([{ name: "Live", url: live.url }], { maxConnections: 1 });
  const dir = await Deno.makeTempDir({ prefix: "iptv-ts-" });
  try {
    const url = s.streams.get("Live")!;
    const first = await fetch(url, { headers: { "user-agent": "TV 0" } });
    const firstBytes = readSome(first, 100_000);
    // The others join a running stream: they start at a packet boundary.
    await new Promise((r) => setTimeout(r, 300));
    const others = await Promise.all(
      [1, 2].map((i) => fetch(url, { headers: { "user-agent": `TV ${i}` } })),
    );
    const got = [await firstBytes, ...await Promise.all(others.map((r) => readSome(r, 100_000)))];
    equal((await live.status()).served, 1, "one upstream connection for three clients");
    for (const [i, bytes] of got.entries()) {
      const file = `${dir}/client${i}.ts`;
      await Deno.writeFile(file, bytes);
      const { video, audio } = await probe(file);
      deepEqual({ video, audio }, { video: ["h264"], audio: ["aac"] }, `client ${i}`);
    }
  } finally {
    await s.close();
    await live.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a client that falls too far behind is let go; the others keep watching", async () => {
  // About 13 MB/s: a client that reads nothing is 8 MB behind within a second or two.
  const up = startPacketUpstream({ everyMs: 5 });
  const s = await startProxySetup([{ name: "Fast", url: `${up.base}/ch/1.ts` }]);
  try {
    const url = s.streams.get("Fast")!;
    const reader = await fetch(url, { headers: { "user-agent": "Reader" } });
    const sleeper = await fetch(url, { headers: { "user-agent": "Sleeper" } });
    const sleeperId = sleeper.headers.get("x-session-id")!;
    const r = reader.body!.getReader();
    let read = 0;
    const until = Date.now() + 10_000;
    let ended = false;
    while (!ended && Date.now() < until) {
      const chunk = await r.read();
      read += chunk.value?.length ?? 0;
      const session = (await listSessions(s.m.kv, { ended: true })).find((x) => x.id === sleeperId);
      ended = session?.state === "ended";
    }
    ok(ended, "the sleeping client was let go");
    const session = (await listSessions(s.m.kv, { ended: true })).find((x) => x.id === sleeperId)!;
    match(session.endReason ?? "", /too slow/);
    // The reader goes on.
    const more = await r.read();
    ok(!more.done && more.value.length > 0);
    ok(read > 8 * 1048576);
    await r.cancel();
    await sleeper.body?.cancel();
  } finally {
    await s.close();
    await up.close();
  }
});

Deno.test("a stream URL on an internal address the rules do not open is refused before connecting", async () => {
  const up = startPacketUpstream();
  // 127.0.0.2 is loopback but neither the playlist's own host (127.0.0.1) nor allowed.
  const port = new URL(up.base).port;
  const s = await startProxySetup([
    { name: "Inside", url: `http://127.0.0.2:${port}/ch/1.ts` },
  ], { maxConnections: 1 });
  try {
    const res = await fetch(s.streams.get("Inside")!);
    equal(res.status, 502);
    match(await res.text(), /Refused to fetch from 127\.0\.0\.2.*loopback/);
    equal(up.served, 0, "no request reached the upstream");
    equal((await listSlots(s.m.kv)).length, 0);
  } finally {
    await s.close();
    await up.close();
  }
});
