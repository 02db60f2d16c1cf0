/**
 * One upstream connection fanned out to its clients: a source faster than its clients (a file
 * rather than a live channel) is read at the pace of its fastest client, not read ahead until
 * the clients are cut as too slow.
 */
import { equal, ok } from "node:assert/strict";
import { listSessions } from "../common/streams/sessions.ts";
import { serveLocal } from "../testing/harness.ts";
import { startProxySetup } from "../testing/proxy_setup.ts";
import { CLIENT_MAX_BEHIND } from "./shared_upstream.ts";

/** An upstream that sends MPEG-TS null packets as fast as it is read, and counts them. */
function startFastUpstream() {
  const chunk = new Uint8Array(188 * 350).fill(0xff);
  for (let i = 0; i < chunk.length; i += 188) chunk.set([0x47, 0x1f, 0xff, 0x10], i);
  const state = { sent: 0 };
  const server = serveLocal(() =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull(ctl) {
          ctl.enqueue(chunk);
          state.sent += chunk.length;
        },
      }, { highWaterMark: 0 }),
      { headers: { "content-type": "video/mp2t" } },
    )
  );
  return { ...server, state };
}

Deno.test("a client slower than its source (a file, not a live channel) is paced, not cut", async () => {
  const up = startFastUpstream();
  const s = await startProxySetup([{ name: "Movie", url: `${up.url}/movie.ts` }]);
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  try {
    const res = await fetch(s.streams.get("Movie")!);
    equal(res.status, 200);
    reader = res.body!.getReader();
    await reader.read();
    // A player with a full buffer stops reading for a while; the source would send on at once.
    await new Promise((r) => setTimeout(r, 1000));
    // What the proxy queued, plus what the sockets on both sides hold (some MB on loopback).
    ok(
      up.state.sent < 4 * CLIENT_MAX_BEHIND,
      `the proxy read ${up.state.sent} bytes ahead of a client that took one chunk`,
    );
    let read = 0;
    while (read < 2 * CLIENT_MAX_BEHIND) {
      const r = await reader.read();
      ok(!r.done, `the stream ended after ${read} bytes`);
      read += r.value.length;
    }
    await reader.cancel();
    reader = null;
    await new Promise((r) => setTimeout(r, 100));
    const [session] = await listSessions(s.m.kv, { ended: true });
    ok(session.endReason === null || session.endReason === "client left", session.endReason!);
  } finally {
    // A stream left unread would keep the proxy's shutdown waiting.
    await reader?.cancel().catch(() => {});
    await s.close();
    await up.close();
  }
});
