/**
 * HLS through the proxy, from a live two-variant stream that ffmpeg encodes on 127.0.0.1: ffprobe
 * and VLC read it through the proxy, every URI is rewritten, 20 clients share one poller and one
 * segment cache, a drop ends a session at its next request, and an idle session frees its slot.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { listSessions, requestDrop } from "../common/streams/sessions.ts";
import { listSlots } from "../common/streams/slots.ts";
import { probe, runVlc } from "../testing/clients.ts";
import { waitFor } from "../testing/harness.ts";
import { startLiveHls } from "../testing/live_hls.ts";
import { startProxySetup } from "../testing/proxy_setup.ts";

/** Reads a media playlist's segment URIs. */
function segments(text: string): string[] {
  return text.split("\n").filter((l) => l && !l.startsWith("#"));
}

/** Plays like an HLS client: entry, first variant, its newest segments; answers what it got. */
async function play(url: string, userAgent: string, segmentsWanted = 2) {
  const headers = { "user-agent": userAgent };
  const origin = new URL(url).origin;
  const master = await fetch(url, { headers });
  equal(master.status, 200);
  equal(master.headers.get("content-type"), "application/vnd.apple.mpegurl");
  const text = await master.text();
  const variant = segments(text)[0];
  const media = await (await fetch(origin + variant, { headers })).text();
  const got: Uint8Array[] = [];
  for (const seg of segments(media).slice(-segmentsWanted)) {
    const res = await fetch(origin + seg, { headers });
    equal(res.status, 200);
    got.push(new Uint8Array(await res.arrayBuffer()));
  }
  return { master: text, media, got, session: master.headers.get("x-session-id")! };
}

Deno.test("HLS through the proxy: rewritten playlists, ffprobe and VLC read it", async () => {
  const live = await startLiveHls();
  const s = await startProxySetup([{ name: "Live HLS", url: live.url }], { maxConnections: 1 });
  const work = await Deno.makeTempDir({ prefix: "iptv-hls-" });
  try {
    await Deno.chmod(work, 0o777);
    const url = s.streams.get("Live HLS")!;
    match(url, /\.m3u8$/);
    const { master, media, got } = await play(url, "Probe");
    ok(!master.includes(new URL(live.url).host) && !media.includes(new URL(live.url).host));
    equal(segments(master).length, 2, "both variants are offered");
    ok(segments(media).every((u) => /^\/hls\/[0-9a-f]{32}\/[0-9a-z]+\.ts$/.test(u)));
    ok(got.every((b) => b[0] === 0x47));

    const ffprobe = await new Deno.Command("ffprobe", {
      args: ["-v", "error", "-show_entries", "stream=codec_type,codec_name", "-of", "json", url],
      stdout: "piped",
      stderr: "piped",
    }).output();
    equal(ffprobe.code, 0, new TextDecoder().decode(ffprobe.stderr));
    const types = JSON.parse(new TextDecoder().decode(ffprobe.stdout)).streams
      .map((x: { codec_type: string; codec_name: string }) => `${x.codec_type}:${x.codec_name}`);
    ok(types.includes("video:h264") && types.includes("audio:aac"), types.join(","));

    const dst = `${work}/recorded.ts`;
    const { log } = await runVlc(work, [
      ...["-I", "dummy", "--no-video-title-show", "--play-and-exit", "--run-time=5"],
      ...["--sout", `#std{access=file,mux=ts,dst=${dst}}`],
      url,
    ]);
    const size = await Deno.stat(dst).then((x) => x.size, () => 0);
    ok(size > 0, `VLC wrote nothing:\n${log}`);
    const { seconds, ...streams } = await probe(dst);
    deepEqual(streams, { video: ["h264"], audio: ["aac"] }, log);
    ok(seconds >= 1, `VLC recorded ${seconds} s:\n${log}`);
    const sessions = await listSessions(s.m.kv);
    ok(sessions.length >= 1 && sessions.every((x) => x.kind === "hls"));
    ok((await listSlots(s.m.kv)).length <= 1, "one slot for every client of the channel");
  } finally {
    await s.close();
    await live.close();
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("20 HLS clients of one channel share one playlist poller and one segment cache", async () => {
  const live = await startLiveHls();
  const s = await startProxySetup([{ name: "Live HLS", url: live.url }], { maxConnections: 1 });
  try {
    const url = s.streams.get("Live HLS")!;
    live.requests.clear();
    const t0 = Date.now();
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => play(url, `TV ${i}`, 3)));
    const seconds = (Date.now() - t0) / 1000;
    equal(new Set(all.map((a) => a.session)).size, 20, "every client has its own session");
    ok(all.every((a) => a.got.length === 3 && a.got.every((b) => b.length > 0 && b[0] === 0x47)));
    // Each segment was fetched upstream once for all 20; each playlist about once a second.
    const segs = [...live.requests].filter(([p]) => p.endsWith(".ts"));
    ok(segs.length > 0 && segs.every(([, n]) => n === 1), JSON.stringify(segs));
    const polls = [...live.requests].filter(([p]) => p.endsWith(".m3u8"));
    ok(polls.every(([, n]) => n <= Math.ceil(seconds) + 2), JSON.stringify(polls));
    equal((await listSlots(s.m.kv)).length, 1, "one connection slot for 20 clients");
    equal((await listSessions(s.m.kv)).length, 20);
  } finally {
    await s.close();
    await live.close();
  }
});

Deno.test("an HLS session ends at a drop and after idling, and frees its slot", async () => {
  const live = await startLiveHls();
  const s = await startProxySetup([{ name: "Live HLS", url: live.url }], {
    maxConnections: 1,
    env: { HLS_IDLE_TIMEOUT: "2" },
  });
  try {
    const url = s.streams.get("Live HLS")!;
    const a = await play(url, "Kitchen");
    const origin = new URL(url).origin;
    const variant = segments(a.master)[0];
    await requestDrop(s.m.kv, a.session);
    await waitFor(
      async () => {
        const r = await fetch(origin + variant, { headers: { "user-agent": "Kitchen" } });
        await r.body?.cancel();
        return r.status === 404;
      },
      "the dropped session's URLs to stop working",
      2_000,
    );
    await waitFor(async () => (await listSlots(s.m.kv)).length === 0, "the slot to be free");
    // A new session, then silence: it ends by itself.
    const b = await play(url, "Den");
    equal((await listSlots(s.m.kv)).length, 1);
    await waitFor(
      async () => {
        const x = (await listSessions(s.m.kv, { ended: true })).find((y) => y.id === b.session);
        return x?.state === "ended" && x.endReason?.startsWith("idle");
      },
      "the idle session to end",
      10_000,
    );
    await waitFor(async () => (await listSlots(s.m.kv)).length === 0, "the slot to be free");
  } finally {
    await s.close();
    await live.close();
  }
});
