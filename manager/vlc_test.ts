import { deepEqual, equal, ok } from "node:assert/strict";
import { probe, runVlc } from "../testing/clients.ts";
import { startLiveTs } from "../testing/live_ts.ts";
import { serveLocal, startTestManager, type TestManager, waitFor } from "../testing/harness.ts";

const opts = {};
const AUTH = { authorization: "Basic " + btoa("admin:correct horse battery") };
// deno-lint-ignore no-explicit-any
async function call(m: TestManager, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${m.base}/api/v1${path}`, {
    method,
    headers: { ...AUTH, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  ok(res.ok, `${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

async function importAndWait(m: TestManager, id: string): Promise<void> {
  const started = await call(m, "POST", `/upstream-playlists/${id}/import`);
  const view = await waitFor(async () => {
    const r = await call(m, "GET", `/upstream-playlists/${id}`);
    return r.lastImport?.id === started.id && r.lastImport.status !== "running" && r;
  }, "import");
  equal(view.lastImport.status, "ok", view.lastImport.error);
}

Deno.test("VLC plays a live channel from a direct-mode downstream playlist", opts, async () => {
  const live = await startLiveTs();
  const upstream = serveLocal(() =>
    new Response(
      [
        "#EXTM3U",
        '#EXTINF:-1 tvg-id="test.live" group-title="Live",Test Live',
        live.url,
        '#EXTINF:-1 tvg-id="other" group-title="Other",Not Published',
        "http://127.0.0.1:9/other.ts",
        "",
      ].join("\n"),
      { headers: { "content-type": "audio/x-mpegurl" } },
    )
  );
  const m = await startTestManager();
  const work = await Deno.makeTempDir({ prefix: "iptv-vlc-" });
  try {
    // VLC runs as nobody: it needs a home for its config and a place to write.
    await Deno.chmod(work, 0o777);
    const p = await call(m, "POST", "/upstream-playlists", {
      name: "Live provider",
      url: upstream.url,
    });
    await importAndWait(m, p.id);
    const d = await call(m, "POST", "/downstream-playlists", {
      name: "Living Room",
      streamMode: "direct",
      groups: ["Live"],
    });
    const published = new URL(d.playlistUrl);
    const url = `${m.base}${published.pathname}${published.search}`;

    const listed = await fetch(url);
    equal(listed.status, 200);
    const text = await listed.text();
    ok(text.includes(live.url), "direct mode hands out the upstream URL");
    ok(!text.includes("Not Published"));

    const dst = `${work}/recorded.ts`;
    const { log } = await runVlc(work, [
      ...["-I", "dummy", "--no-video-title-show", "--play-and-exit", "--run-time=4"],
      ...["--sout", `#std{access=file,mux=ts,dst=${dst}}`],
      url,
    ]);
    const size = await Deno.stat(dst).then((s) => s.size, () => 0);
    ok(size > 0, `VLC wrote nothing to ${dst}:\n${log}`);
    const { seconds, ...streams } = await probe(dst);
    deepEqual(streams, { video: ["h264"], audio: ["aac"] }, log);
    // --run-time=4 on a real-time (-re) stream: a few seconds of it, not a stray packet.
    ok(seconds >= 1.5, `VLC recorded only ${seconds} s:\n${log}`);
    ok((await live.status()).served >= 1, "the live upstream saw a client");
    // VLC has gone: the upstream noticed and stopped that client's ffmpeg.
    await waitFor(
      async () => (await live.status()).active === 0,
      "the upstream to see VLC leave",
      5_000,
    );
  } finally {
    await upstream.close();
    await m.close();
    await live.close();
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
});
