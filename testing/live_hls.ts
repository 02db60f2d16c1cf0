/**
 * A live HLS upstream on 127.0.0.1 for tests: ffmpeg encodes a test pattern in real time into a
 * master playlist with two variants (360p and 180p), 1 s segments in a sliding window of 6, and
 * a small server serves the folder, counting requests per path.
 */

/** A running live HLS upstream. */
export interface LiveHls {
  /** URL of the master playlist */
  url: string;
  /** requests per path so far */
  requests: Map<string, number>;
  close(): Promise<void>;
}

/** Starts ffmpeg and the server; resolves once both variants have a playlist with segments. */
export async function startLiveHls(): Promise<LiveHls> {
  const dir = await Deno.makeTempDir({ prefix: "iptv-live-hls-" });
  const ffmpeg = new Deno.Command("ffmpeg", {
    args: [
      ...["-hide_banner", "-loglevel", "error", "-y", "-re"],
      ...["-f", "lavfi", "-i", "testsrc=size=640x360:rate=25"],
      ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"],
      ...["-filter_complex", "[0:v]split=2[a][b];[b]scale=320:180[b2]"],
      ...["-map", "[a]", "-map", "[b2]", "-map", "1:a", "-map", "1:a"],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "25"],
      ...["-keyint_min", "25", "-sc_threshold", "0", "-pix_fmt", "yuv420p"],
      ...["-b:v:0", "400k", "-b:v:1", "150k", "-c:a", "aac", "-b:a", "64k"],
      ...["-f", "hls", "-hls_time", "1", "-hls_list_size", "6"],
      ...["-hls_flags", "delete_segments+independent_segments+omit_endlist"],
      ...["-var_stream_map", "v:0,a:0,name:360p v:1,a:1,name:180p"],
      ...["-master_pl_name", "master.m3u8"],
      ...["-hls_segment_filename", `${dir}/%v/seg_%05d.ts`, `${dir}/%v/index.m3u8`],
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(ffmpeg.stderr).text();
  const requests = new Map<string, number>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = new URL(req.url).pathname;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    if (path.includes("..")) return new Response("no\n", { status: 400 });
    try {
      const bytes = await Deno.readFile(`${dir}${path}`);
      const type = path.endsWith(".m3u8") ? "application/vnd.apple.mpegurl" : "video/mp2t";
      return new Response(bytes, { headers: { "content-type": type } });
    } catch {
      return new Response("not found\n", { status: 404 });
    }
  });
  const close = async () => {
    try {
      ffmpeg.kill("SIGKILL");
    } catch { /* already gone */ }
    await ffmpeg.status;
    await stderr;
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  };
  const until = Date.now() + 20_000;
  const ready = async (variant: string) => {
    try {
      return (await Deno.readTextFile(`${dir}/${variant}/index.m3u8`)).split("#EXTINF").length > 3;
    } catch {
      return false;
    }
  };
  while (!(await ready("360p") && await ready("180p"))) {
    if (Date.now() > until) {
      await close();
      throw new Error(`ffmpeg made no live HLS within 20 s: ${await stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url: `http://127.0.0.1:${server.addr.port}/master.m3u8`, requests, close };
}
