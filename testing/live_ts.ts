/**
 * A live MPEG-TS upstream on 127.0.0.1 for tests: each `GET /live.ts` gets its own
 * `ffmpeg -re` looping a short H.264 + AAC clip, streamed as an endless, close-delimited
 * `video/mp2t` body like a real IPTV HTTP-TS upstream. `/status` counts the clients.
 */

/** A running live MPEG-TS upstream. */
export interface LiveTs {
  /** URL of the endless stream (`http://127.0.0.1:<port>/live.ts`). */
  url: string;
  /** Clients streaming now, and clients served since the start. */
  status(): Promise<LiveTsStatus>;
  /** Stops the server, kills every ffmpeg and removes the clip. */
  close(): Promise<void>;
}

/** What `/status` answers. */
export interface LiveTsStatus {
  active: number;
  served: number;
}

/** Makes a 10 s H.264 + AAC MPEG-TS clip with a keyframe every 2 s (25 fps). */
async function makeClip(path: string): Promise<void> {
  const { code, stderr } = await new Deno.Command("ffmpeg", {
    args: [
      ...["-hide_banner", "-loglevel", "error", "-y"],
      ...["-f", "lavfi", "-i", "testsrc=size=640x360:rate=25"],
      ...["-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000"],
      ...["-t", "10", "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-pix_fmt", "yuv420p"],
      ...["-c:a", "aac", "-b:a", "96k", "-f", "mpegts", path],
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(
      `Cannot make the test clip: ffmpeg exited with ${code}: ${
        new TextDecoder().decode(stderr).trim()
      }`,
    );
  }
}

/** Starts the upstream: makes the clip once, then serves it live on 127.0.0.1, port 0. */
export async function startLiveTs(): Promise<LiveTs> {
  const dir = await Deno.makeTempDir({ prefix: "iptv-live-ts-" });
  const clip = `${dir}/clip.ts`;
  try {
    await makeClip(clip);
  } catch (err) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw err;
  }
  const state: LiveTsStatus = { active: 0, served: 0 };
  const children = new Set<Deno.ChildProcess>();

  const kill = (child: Deno.ChildProcess) => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  };

  const live = (): Response => {
    const child = new Deno.Command("ffmpeg", {
      args: [
        ...["-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", clip],
        ...["-c", "copy", "-f", "mpegts", "pipe:1"],
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    children.add(child);
    state.active++;
    state.served++;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      state.active--;
      kill(child);
      children.delete(child);
    };
    child.status.then(end);
    // A pull stream of our own, so a client leaving cancels it and kills its ffmpeg.
    const reader = child.stdout.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { value, done } = await reader.read();
          if (done) {
            end();
            controller.close();
          } else controller.enqueue(value);
        } catch (err) {
          end();
          controller.error(err);
        }
      },
      cancel() {
        end();
        return reader.cancel().catch(() => {});
      },
    });
    return new Response(body, {
      headers: { "content-type": "video/mp2t", "cache-control": "no-cache" },
    });
  };

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/status") return Response.json(state);
    if (path === "/live.ts" && (req.method === "GET" || req.method === "HEAD")) {
      if (req.method === "HEAD") {
        return new Response(null, { headers: { "content-type": "video/mp2t" } });
      }
      return live();
    }
    return new Response("Not found\n", { status: 404 });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;

  return {
    url: `${base}/live.ts`,
    async status() {
      const res = await fetch(`${base}/status`);
      return await res.json() as LiveTsStatus;
    },
    async close() {
      for (const child of children) kill(child);
      await Promise.allSettled([...children].map((c) => c.status));
      // Streaming responses keep shutdown waiting; their ffmpeg is gone, so they end now.
      await server.shutdown();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
