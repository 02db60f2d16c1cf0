/**
 * Playlist serving benchmark: a 10,000-channel downstream playlist (~2.6 MB in proxy mode)
 * served by a manager running as a child process, against nginx (sendfile, one worker) serving
 * the same bytes from a file, both loaded by `wrk -t2 -c16` for 10 s, identity and gzip (nginx
 * `gzip_static on`). Manager, nginx and wrk are child processes, killed at the end.
 * Run alone: deno run -A bench/playlist_serve_bench.ts
 */
import { generatePlaylist } from "./_playlist.ts";
import { type ManagerProcess, servePlaylist, spawnManager } from "./import_bench.ts";
import { type Nginx, startNginx } from "./_nginx.ts";
import { cpuTicks } from "./_proc.ts";

/** One server and encoding. `ratio` is the rate over nginx's for the same encoding. */
export interface PlaylistServeRow {
  server: string;
  encoding: string;
  rps: number;
  ratio: number;
}

/** What the playlist serving benchmark measured. */
export interface PlaylistServeResult {
  rows: PlaylistServeRow[];
  /** size of the identity body in KB (1,000 bytes) */
  sizeKb: number;
}

/** Options of `benchPlaylistServe`. */
export interface PlaylistServeOptions {
  /** channels in the playlist; default 10,000 */
  channels?: number;
  /** seconds of load per server and encoding; default 10 */
  seconds?: number;
  /**
   * The seconds are split into this many wrk runs, nginx and ours taking turns, so that a
   * neighbour's burst of CPU use hits both alike; default 5 (five `-d2s` runs each).
   */
  rounds?: number;
}

const CHANNELS = 10_000;

/** Runs a command to its end; throws with its stderr when it fails. */
async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdin: "null", stdout: "piped", stderr: "piped" })
    .output();
  const dec = new TextDecoder();
  if (out.code !== 0) {
    throw new Error(`${cmd} exited with ${out.code}: ${dec.decode(out.stderr).trim()}`);
  }
  return dec.decode(out.stdout);
}

/** Imports a generated playlist and publishes all its groups; answers the playlist's URL. */
async function publishPlaylist(manager: ManagerProcess, channels: number): Promise<string> {
  const upstream = servePlaylist(generatePlaylist(channels));
  try {
    const p = await manager.api<{ id: string }>("POST", "/api/v1/upstream-playlists", {
      name: "Bench playlist",
      url: upstream.url,
      refreshMinutes: 0,
    });
    const run = await manager.api<{ id: string }>(
      "POST",
      `/api/v1/upstream-playlists/${p.id}/import`,
    );
    const until = Date.now() + 120_000;
    for (;;) {
      if (Date.now() > until) throw new Error("The import did not finish within 120 s");
      await new Promise((r) => setTimeout(r, 50));
      const view = await manager.api<{ lastImport: { id: string; status: string; error: string } }>(
        "GET",
        `/api/v1/upstream-playlists/${p.id}`,
      );
      const last = view.lastImport;
      if (!last || last.id !== run.id || last.status === "running") continue;
      if (last.status !== "ok") throw new Error(`The import failed: ${last.error}`);
      break;
    }
  } finally {
    await upstream.close();
  }
  const groups = await manager.api<{ items: { name: string }[] }>("GET", "/api/v1/groups");
  // Proxy mode, as devices are usually given: every URL carries the proxy's host and a token.
  const proxy = await manager.api<{ id: string }>("POST", "/api/v1/proxies", {
    name: "Bench proxy",
    internalUrl: "http://127.0.0.1",
    internalPort: 8089,
    externalUrl: "http://tv.example.net",
    externalPort: 8089,
  });
  const d = await manager.api<{ playlistUrl: string }>("POST", "/api/v1/downstream-playlists", {
    name: "Bench",
    streamMode: "proxy",
    proxyId: proxy.id,
    groups: [...new Set(groups.items.map((g) => g.name))],
  });
  const u = new URL(d.playlistUrl);
  return `${manager.base}${u.pathname}${u.search}`;
}

/**
 * Waits until a process has been idle (under 3% of a core) for two seconds in a row: after an
 * import the manager fetches the playlist's logos in the background, which is not what we
 * measure here.
 */
async function waitIdle(pid: number, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let quiet = 0;
  let last = cpuTicks(pid);
  while (quiet < 2) {
    if (Date.now() > until) {
      console.warn(`Process ${pid} did not become idle in ${timeoutMs / 1000} s; measuring anyway`);
      return;
    }
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpuTicks(pid);
    quiet = now - last < 3 ? quiet + 1 : 0;
    last = now;
  }
}

/** Starts nginx serving `dir`/www (one worker, sendfile, gzip_static) on a free loopback port. */
function serveFiles(dir: string): Promise<Nginx> {
  return startNginx(dir, {
    http: (port) =>
      `  types { audio/x-mpegurl m3u; }
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port};
    root ${dir}/www;
    location / { gzip_static on; }
  }`,
  });
}

/** Runs `wrk -t2 -c16` against a URL (killed if it overstays); answers its Requests/sec. */
async function wrk(url: string, seconds: number, gzip: boolean): Promise<number> {
  const headers = gzip ? ["-H", "Accept-Encoding: gzip"] : [];
  const child = new Deno.Command("wrk", {
    args: ["-t2", "-c16", `-d${seconds}s`, ...headers, url],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const guard = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, (seconds + 30) * 1000);
  const result = await child.output().finally(() => clearTimeout(guard));
  const out = new TextDecoder().decode(result.stdout);
  const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (result.code !== 0 || !m) {
    throw new Error(
      `wrk failed (${result.code}): ${out}${new TextDecoder().decode(result.stderr)}`,
    );
  }
  if (/Non-2xx or 3xx responses|Socket errors/.test(out)) {
    throw new Error(`wrk saw errors:\n${out}`);
  }
  return Number(m[1]);
}

/** Mean Requests/sec of `rounds` equal wrk runs per URL, the URLs taking turns. */
async function wrkTurns(
  urls: string[],
  options: { seconds: number; rounds: number; gzip: boolean },
): Promise<number[]> {
  const sums = urls.map(() => 0);
  const each = Math.max(1, Math.round(options.seconds / options.rounds));
  for (let i = 0; i < options.rounds; i++) {
    for (const [j, url] of urls.entries()) sums[j] += await wrk(url, each, options.gzip);
  }
  return sums.map((sum) => sum / options.rounds);
}

/** Checks that a URL answers the expected bytes in the given encoding. */
async function expectBody(url: string, gzip: boolean, want: Uint8Array): Promise<void> {
  const res = await fetch(url, { headers: { "accept-encoding": gzip ? "gzip" : "identity" } });
  const body = new Uint8Array(await res.arrayBuffer());
  const enc = res.headers.get("content-encoding");
  if (res.status !== 200 || (gzip ? enc !== "gzip" : enc !== null)) {
    throw new Error(`${url} answered ${res.status} with content-encoding ${enc}`);
  }
  if (body.length !== want.length || !body.every((b, i) => b === want[i])) {
    throw new Error(`${url} answered other bytes than the manager's playlist`);
  }
}

/** Measures our playlist endpoint against nginx's static file serving of the same bytes. */
export async function benchPlaylistServe(
  options: PlaylistServeOptions = {},
): Promise<PlaylistServeResult> {
  const channels = options.channels ?? CHANNELS;
  const seconds = options.seconds ?? 10;
  const rounds = options.rounds ?? 5;
  const dir = await Deno.makeTempDir({ prefix: "iptv-serve-bench-" });
  let manager: ManagerProcess | null = null;
  let nginx: Nginx | null = null;
  try {
    manager = await spawnManager();
    const ours = await publishPlaylist(manager, channels);
    await waitIdle(manager.pid);
    const res = await fetch(ours, { headers: { "accept-encoding": "identity" } });
    if (!res.ok) throw new Error(`The playlist answered ${res.status}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    await Deno.mkdir(`${dir}/www`);
    await Deno.writeFile(`${dir}/www/playlist.m3u`, bytes);
    await run("gzip", ["-k", `${dir}/www/playlist.m3u`]);
    await Deno.chmod(dir, 0o755);
    await Deno.chmod(`${dir}/www`, 0o755);
    await Deno.chmod(`${dir}/www/playlist.m3u`, 0o644);
    await Deno.chmod(`${dir}/www/playlist.m3u.gz`, 0o644);
    nginx = await serveFiles(dir);
    const theirs = `${nginx.base}/playlist.m3u`;
    for (const gzip of [false, true]) {
      await expectBody(ours, gzip, bytes);
      await expectBody(theirs, gzip, bytes);
    }

    const rows: PlaylistServeRow[] = [];
    for (const gzip of [false, true]) {
      const encoding = gzip ? "gzip" : "identity";
      const [base, rps] = await wrkTurns([theirs, ours], { seconds, rounds, gzip });
      rows.push({ server: "nginx", encoding, rps: base, ratio: 1 });
      rows.push({ server: "manager", encoding, rps, ratio: rps / base });
    }
    return { rows, sizeKb: bytes.length / 1000 };
  } finally {
    await nginx?.close();
    await manager?.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** The result as a Markdown table. */
export function playlistServeTable(r: PlaylistServeResult): string {
  const lines = [
    `Playlist of ${r.sizeKb.toFixed(0)} KB; wrk -t2 -c16, nginx and the manager taking turns`,
    "",
    "| server | encoding | requests/s | vs nginx |",
    "|---|---|---:|---:|",
    ...r.rows.map((row) =>
      `| ${row.server} | ${row.encoding} | ${row.rps.toFixed(0)} | ${row.ratio.toFixed(2)}x |`
    ),
  ];
  return lines.join("\n");
}

if (import.meta.main) {
  console.log(playlistServeTable(await benchPlaylistServe()));
}
