/**
 * The proxy benchmark's rig: an upstream (nginx sending one large MPEG-TS file with sendfile, as
 * fast as a reader takes it under `/ch/<n>.ts`, at a live rate under `/live/<n>.ts`), the peer
 * (nginx as a reverse proxy tuned for live streams: one worker, `proxy_buffering off`,
 * `proxy_buffer_size 64k`, upstream keepalive), and our proxy as its own process
 * (`deno run -A --unstable-no-legacy-abort proxy/main.ts`) on a KV file prepared beforehand
 * through the manager's API: an upstream playlist of every channel, imported, and a downstream
 * playlist of them whose stream URLs point at the proxy.
 */
import { loadConfig } from "../common/config.ts";
import { parseM3uText } from "../common/m3u/mod.ts";
import { ensureIslandBundle } from "../manager/islands/bundle.ts";
import { startManager } from "../manager/server.ts";
import { apiClient, waitFor } from "../testing/harness.ts";
import { type Nginx, startNginx } from "./_nginx.ts";
import { freePort, spawnLogged } from "./_proc.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const PROXY_NAME = "Bench proxy";

/** What the rig serves and how. */
export interface RigOptions {
  /** channels with an unthrottled upstream (`/ch/<n>.ts`) */
  fast: number;
  /** channels at a live rate (`/live/<n>.ts`) */
  live: number;
  /** bytes per second of each live upstream connection */
  liveRate: number;
  /** size of the upstream file in bytes (a connection ends when it has read it all) */
  fileBytes: number;
  /** the upstream playlist's connection limit (taken as a slot per upstream connection) */
  maxConnections: number;
}

/** Stream URLs of the channels, `fast` then `live`, in channel order. */
export interface ChannelUrls {
  fast: string[];
  live: string[];
}

/** Our proxy as a child process. */
export interface ProxyProcess {
  pid: number;
  base: string;
  stderr(): string;
  close(): Promise<void>;
}

/** The running rig. */
export interface ProxyRig {
  options: RigOptions;
  upstream: Nginx;
  peer: Nginx;
  proxy: ProxyProcess;
  /** Stops our proxy and starts it again on the same port and KV file (a fresh process). */
  restartProxy(): Promise<void>;
  /** the KV file the proxy uses, opened here too (drop requests, session lists) */
  kv: Deno.Kv;
  /** the channels straight from the upstream, through nginx, and through our proxy */
  direct: ChannelUrls;
  nginx: ChannelUrls;
  ours: ChannelUrls;
  close(): Promise<void>;
}

/** 188-byte MPEG-TS null packets (PID 0x1FFF), `count` of them. */
function nullPackets(count: number): Uint8Array {
  const packet = new Uint8Array(188).fill(0xff);
  packet.set([0x47, 0x1f, 0xff, 0x10]);
  const out = new Uint8Array(188 * count);
  for (let i = 0; i < count; i++) out.set(packet, i * 188);
  return out;
}

/** Writes the upstream file: whole packets, about `bytes` long. */
async function writeStreamFile(path: string, bytes: number): Promise<void> {
  const block = nullPackets(5577); // ~1 MB
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    for (let n = 0; n < bytes; n += block.length) {
      let at = 0;
      while (at < block.length) at += await file.write(block.subarray(at));
    }
  } finally {
    file.close();
  }
}

/** The upstream: the file under every channel path, and the playlist naming them all. */
function startUpstream(dir: string, rate: number): Promise<Nginx> {
  return startNginx(`${dir}/upstream`, {
    http: (port) =>
      `  default_type video/mp2t;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port};
    root ${dir}/www;
    location /ch/ { rewrite ^ /stream.ts break; }
    # A live channel: 64 KB sends paced to the rate, as a live source trickles.
    location /live/ {
      limit_rate ${rate};
      sendfile_max_chunk 64k;
      rewrite ^ /stream.ts break;
    }
  }`,
  });
}

/** The peer: nginx as a reverse proxy tuned for live streams, in front of the upstream. */
function startPeer(dir: string, upstreamPort: number): Promise<Nginx> {
  return startNginx(`${dir}/peer`, {
    connections: 4096,
    http: (port) =>
      `  upstream origin {
    server 127.0.0.1:${upstreamPort};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_buffer_size 64k;
      # Not used with buffering off, but nginx checks them against proxy_busy_buffers_size.
      proxy_buffers 4 64k;
    }
  }`,
  });
}

/**
 * Imports the upstream playlist and publishes a downstream playlist bound to a proxy named
 * PROXY_NAME on `proxyPort`, through a manager started here and stopped again; answers the
 * downstream playlist's stream paths by channel name.
 */
async function prepareKv(
  kv: Deno.Kv,
  dataDir: string,
  opts: { playlistUrl: string; proxyPort: number; maxConnections: number },
): Promise<Map<string, string>> {
  const config = loadConfig({
    DATA_DIR: dataDir,
    SOCKET_ADDRESS: "127.0.0.1",
    INTERNAL_MANAGEMENT_PORT: "0",
    INTERNAL_PROXY_PORT: "0",
    ADMIN_PASSWORD: "correct horse battery",
    LOG_LEVEL: "warning",
    ICON_CACHE: "false",
  });
  const m = await startManager(kv, config, { scheduler: false, quiet: true });
  const base = `http://127.0.0.1:${m.port}`;
  const call = apiClient({ base });
  const ok = (r: { status: number; body: unknown }, what: string) => {
    if (r.status >= 300) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body as Record<string, string>;
  };
  try {
    await ensureIslandBundle();
    const p = ok(
      await call("POST", "/upstream-playlists", {
        name: "Bench provider",
        url: opts.playlistUrl,
        maxConnections: opts.maxConnections,
      }),
      "Creating the upstream playlist",
    );
    const run = ok(await call("POST", `/upstream-playlists/${p.id}/import`), "The import");
    await waitFor(
      async () => {
        const last = (await call("GET", `/upstream-playlists/${p.id}`)).body.lastImport;
        if (last?.id === run.id && last.status === "failed") throw new Error(last.error);
        return last?.id === run.id && last.status === "ok";
      },
      "the import",
      60_000,
    );
    const proxy = ok(
      await call("POST", "/proxies", {
        name: PROXY_NAME,
        internalUrl: "http://127.0.0.1",
        internalPort: opts.proxyPort,
        externalUrl: "http://127.0.0.1",
        externalPort: opts.proxyPort,
      }),
      "Creating the proxy",
    );
    const d = ok(
      await call("POST", "/downstream-playlists", {
        name: "Bench",
        proxyId: proxy.id,
        groups: ["Fast", "Live"],
      }),
      "Creating the downstream playlist",
    );
    const u = new URL(d.playlistUrl);
    const text = await (await fetch(`${base}${u.pathname}${u.search}`)).text();
    return new Map(parseM3uText(text).entries.map((e) => [e.name, new URL(e.url).pathname]));
  } finally {
    await m.shutdown();
  }
}

/** Starts `proxy/main.ts` as `deno task proxy` does, and waits until it answers. */
async function spawnProxy(dataDir: string, port: number): Promise<ProxyProcess> {
  const child = spawnLogged(Deno.execPath(), {
    args: ["run", "-A", "--unstable-no-legacy-abort", "proxy/main.ts"],
    cwd: ROOT,
    env: {
      DATA_DIR: dataDir,
      SOCKET_ADDRESS: "127.0.0.1",
      INTERNAL_PROXY_PORT: String(port),
      EXTERNAL_PROXY_PORT: String(port),
      PROXY_NAME,
      LOG_LEVEL: "warning",
    },
  });
  const close = () => child.stop();
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exited()) throw new Error(`The proxy exited:\n${child.stderr()}`);
        try {
          return (await fetch(`${base}/healthz`)).ok;
        } catch {
          return false;
        }
      },
      "the proxy to listen",
      60_000,
    );
  } catch (err) {
    await close();
    throw err;
  }
  return { pid: child.pid, base, stderr: child.stderr, close };
}

/** Starts the rig in a temp folder (on /dev/shm when there is one: the file stays in memory). */
export async function startProxyRig(options: RigOptions): Promise<ProxyRig> {
  const shm = await Deno.stat("/dev/shm").then((s) => s.isDirectory, () => false);
  const dir = await Deno.makeTempDir({ prefix: "iptv-proxy-bench-", dir: shm ? "/dev/shm" : "" });
  const cleanup: (() => Promise<void>)[] = [() => Deno.remove(dir, { recursive: true })];
  const close = async () => {
    for (const c of cleanup.reverse()) await c().catch((err) => console.error(err));
  };
  try {
    await Deno.chmod(dir, 0o755);
    await Deno.mkdir(`${dir}/www`, { mode: 0o755 });
    await writeStreamFile(`${dir}/www/stream.ts`, options.fileBytes);
    const names = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);
    const lines = ["#EXTM3U"];
    for (const [group, path, n] of [["Fast", "ch", options.fast], ["Live", "live", options.live]]) {
      names(group as string, n as number).forEach((name, i) =>
        lines.push(`#EXTINF:-1 group-title="${group}",${name}`, `__UPSTREAM__/${path}/${i + 1}.ts`)
      );
    }
    const upstream = await startUpstream(dir, options.liveRate);
    cleanup.push(() => upstream.close());
    await Deno.writeTextFile(
      `${dir}/www/playlist.m3u`,
      `${lines.join("\n").replaceAll("__UPSTREAM__", upstream.base)}\n`,
    );
    await Deno.chmod(`${dir}/www/stream.ts`, 0o644);
    await Deno.chmod(`${dir}/www/playlist.m3u`, 0o644);
    const peer = await startPeer(dir, upstream.port);
    cleanup.push(() => peer.close());

    // The KV file on disk, where a real DATA_DIR is (its commits are synced there).
    const dataDir = await Deno.makeTempDir({ prefix: "iptv-proxy-bench-data-" });
    cleanup.push(() => Deno.remove(dataDir, { recursive: true }));
    const kv = await Deno.openKv(`${dataDir}/iptv.kv`);
    cleanup.push(() => Promise.resolve(kv.close()));
    const port = freePort();
    const paths = await prepareKv(kv, dataDir, {
      playlistUrl: `${upstream.base}/playlist.m3u`,
      proxyPort: port,
      maxConnections: options.maxConnections,
    });
    let proxy = await spawnProxy(dataDir, port);
    cleanup.push(() => proxy.close());

    const urls = (base: string, of: (group: string, path: string, n: number) => string) => ({
      fast: names("Fast", options.fast).map((_, i) => `${base}${of("Fast", "ch", i + 1)}`),
      live: names("Live", options.live).map((_, i) => `${base}${of("Live", "live", i + 1)}`),
    });
    const direct = urls(upstream.base, (_, path, n) => `/${path}/${n}.ts`);
    const nginx = urls(peer.base, (_, path, n) => `/${path}/${n}.ts`);
    const ours = urls(proxy.base, (group, _, n) => {
      const path = paths.get(`${group} ${n}`);
      if (!path) throw new Error(`"${group} ${n}" is not in the downstream playlist`);
      return path;
    });
    return {
      options,
      upstream,
      peer,
      get proxy() {
        return proxy;
      },
      async restartProxy() {
        await proxy.close();
        proxy = await spawnProxy(dataDir, port);
      },
      kv,
      direct,
      nginx,
      ours,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
