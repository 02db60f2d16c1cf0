/**
 * Test helpers for the streaming proxy: a manager and a proxy sharing one process (as `deno task
 * start` runs them), an upstream playlist of channels served by a given upstream, imported, and a
 * downstream playlist of them whose stream URLs point at the proxy.
 */
import { parseM3uText } from "../common/m3u/mod.ts";
import { type RunningProxy, startProxy } from "../proxy/server.ts";
import { apiClient, serveLocal, startTestManager, type TestManager, waitFor } from "./harness.ts";

/** A manager, a proxy and one downstream playlist of streams. */
export interface ProxySetup {
  m: TestManager;
  proxy: RunningProxy;
  call: ReturnType<typeof apiClient>;
  upstreamId: string;
  downstreamId: string;
  /** stream URLs on the proxy, in playlist order, by channel name */
  streams: Map<string, string>;
  close(): Promise<void>;
}

/** A channel of the upstream playlist: its name and its upstream URL. */
export interface UpstreamChannel {
  name: string;
  url: string;
  /** extra M3U lines before the URL (#EXTVLCOPT …) */
  options?: string[];
}

/** Starts everything; `maxConnections` is the upstream playlist's limit. */
export async function startProxySetup(
  channels: UpstreamChannel[],
  opts: { maxConnections?: number; env?: Record<string, string>; separateProxy?: boolean } = {},
): Promise<ProxySetup> {
  const m = await startTestManager(opts.env);
  const proxy = await startProxy(m.kv, m.config, {
    quiet: true,
    feed: m.deps.feed,
    index: m.deps.index,
    members: m.deps.members,
  });
  const call = apiClient(m);
  const text = "#EXTM3U\n" +
    channels.map((c) =>
      `#EXTINF:-1 tvg-id="${c.name}" group-title="Live",${c.name}\n${
        (c.options ?? []).map((o) => `${o}\n`).join("")
      }${c.url}\n`
    ).join("");
  const list = serveLocal(() => new Response(text));
  try {
    const p = await call("POST", "/upstream-playlists", {
      name: "Provider",
      url: list.url,
      maxConnections: opts.maxConnections ?? 0,
    });
    if (p.status !== 201) throw new Error(JSON.stringify(p.body));
    const run = await call("POST", `/upstream-playlists/${p.body.id}/import`);
    await waitFor(async () => {
      const last = (await call("GET", `/upstream-playlists/${p.body.id}`)).body.lastImport;
      return last?.id === run.body.id && last.status !== "running";
    }, "import");
    const registered = (await call("GET", "/proxies")).body.items[0];
    const d = await call("POST", "/downstream-playlists", {
      name: "Living room",
      proxyId: registered.id,
      groups: ["Live"],
    });
    if (d.status !== 201) throw new Error(JSON.stringify(d.body));
    const playlist = await fetch(
      m.base + new URL(d.body.playlistUrl).pathname + new URL(d.body.playlistUrl).search,
    );
    const streams = new Map<string, string>();
    for (const e of parseM3uText(await playlist.text()).entries) {
      // The playlist names the proxy's external address: reach it on loopback.
      const u = new URL(e.url);
      streams.set(e.name, `http://127.0.0.1:${proxy.port}${u.pathname}`);
    }
    return {
      m,
      proxy,
      call,
      upstreamId: p.body.id,
      downstreamId: d.body.id,
      streams,
      async close() {
        await proxy.shutdown();
        await m.close();
      },
    };
  } catch (err) {
    await proxy.shutdown();
    await m.close();
    throw err;
  } finally {
    await list.close();
  }
}

/** An endless upstream of MPEG-TS null packets; counts connections, open and served. */
export interface PacketUpstream {
  base: string;
  /** open connections now, and connections served since the start */
  open: number;
  served: number;
  close(): Promise<void>;
}

/** One 188-byte MPEG-TS null packet (PID 0x1FFF). */
function nullPacket(): Uint8Array {
  const p = new Uint8Array(188).fill(0xff);
  p.set([0x47, 0x1f, 0xff, 0x10]);
  return p;
}

/**
 * Serves `/ch/<n>.ts` as endless MPEG-TS (about 1 MB/s), `/ok/<n>.ts` as a stream that ends after
 * `endAfter` bytes, `/status/<code>` answering that status, `/slow` never answering, `/loop`
 * redirecting to itself, `/stall` sending a little and then nothing.
 */
export function startPacketUpstream(
  opts: { endAfter?: number; everyMs?: number } = {},
): PacketUpstream {
  const chunk = new Uint8Array(188 * 350);
  const packet = nullPacket();
  for (let i = 0; i < 350; i++) chunk.set(packet, i * 188);
  const state = { open: 0, served: 0 };
  const timers = new Set<ReturnType<typeof setInterval>>();
  const hanging = new Set<(r: Response) => void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname;
    const status = /^\/status\/(\d{3})$/.exec(path);
    if (status) return new Response("no\n", { status: Number(status[1]) });
    if (path === "/loop") {
      return new Response(null, { status: 302, headers: { location: "/loop" } });
    }
    // Answers only when the server closes (the proxy's timeout comes first).
    if (path === "/slow") return new Promise<Response>((resolve) => hanging.add(resolve));
    const endless = path.startsWith("/ch/");
    const ending = path.startsWith("/ok/");
    const stall = path === "/stall";
    if (!endless && !ending && !stall) return new Response("not found\n", { status: 404 });
    state.open++;
    state.served++;
    let sent = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    let closed = false;
    const done = () => {
      if (closed) return;
      closed = true;
      state.open--;
      clearInterval(timer);
      if (timer !== undefined) timers.delete(timer);
    };
    const body = new ReadableStream<Uint8Array>({
      start(ctl) {
        const tick = () => {
          if (stall && sent > 0) return;
          if (ending && sent >= (opts.endAfter ?? 188 * 350 * 3)) {
            done();
            ctl.close();
            return;
          }
          try {
            ctl.enqueue(chunk);
            sent += chunk.length;
          } catch {
            done();
          }
        };
        tick();
        timer = setInterval(tick, opts.everyMs ?? 60);
        timers.add(timer);
      },
      cancel: done,
    });
    return new Response(body, { headers: { "content-type": "video/mp2t" } });
  });
  return {
    base: `http://127.0.0.1:${server.addr.port}`,
    get open() {
      return state.open;
    },
    get served() {
      return state.served;
    },
    async close() {
      for (const t of timers) clearInterval(t);
      for (const answer of hanging) answer(new Response("closing\n", { status: 503 }));
      await server.shutdown();
    },
  };
}

/** Reads a response body until `bytes` arrived (or it ended); answers what arrived. */
export async function readSome(res: Response, bytes: number): Promise<Uint8Array> {
  const reader = res.body!.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  while (n < bytes) {
    const r = await reader.read();
    if (r.done) break;
    parts.push(r.value);
    n += r.value.length;
  }
  await reader.cancel();
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
