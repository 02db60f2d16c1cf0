/**
 * Streaming proxy benchmark: our proxy as its own process (`deno run -A
 * --unstable-no-legacy-abort proxy/main.ts` on a KV file prepared through the manager's API)
 * against nginx as a reverse proxy tuned for live streams, both in front of the same upstream
 * (nginx sending a large MPEG-TS file with sendfile, unthrottled or at a live rate), loaded by a
 * streaming client process of its own, the two proxies taking turns round by round:
 * 1. throughput and CPU per GB of 50 clients on 50 channels, every one of our streams then cut
 *    by a drop of its session;
 * 2. 200 clients on 10 channels (our 10 upstream connections against nginx's 200), unthrottled
 *    and at a live rate;
 * 3. time to first byte added over a direct request to the upstream, 200 sequential requests;
 * 4. drop latency, in one process (manager and proxy together) and across processes;
 * 5. the proxy's RSS under (1) and (2).
 * Run alone: deno run -A bench/proxy_bench.ts
 */
import { requestDrop } from "../common/streams/sessions.ts";
import { startProxySetup } from "../testing/proxy_setup.ts";
import { cpuTicks, loadAverage, rssMb } from "./_proc.ts";
import { proxyBenchTables } from "./_proxy_tables.ts";
import { type ProxyRig, startProxyRig } from "./_proxy_rig.ts";
import { nowMs, openStream, type RawStream, spawnClients } from "./_stream_clients.ts";

/** Bytes a second of each live upstream connection: 2 MiB/s (16.8 Mbit/s), a high-rate channel. */
export const LIVE_RATE = 2 * 1048576;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Who serves the clients in a load run: a proxy, or the upstream itself (no proxy). */
export type Server = "ours" | "nginx" | "direct";

/** The sums of the rounds one server ran in one scenario. */
export interface LoadFigures {
  server: Server;
  rounds: number;
  /** measured window, summed over the rounds */
  seconds: number;
  /** body bytes the clients got in the windows */
  bytes: number;
  /**
   * CPU seconds in the windows: the proxy (our process, nginx's worker; none for direct), the
   * client process, the upstream's worker
   */
  cpuS: number;
  clientCpuS: number;
  upstreamCpuS: number;
  /** highest RSS of the proxy process (nginx: its worker) at the end of a window */
  rssMb: number;
  streams: number;
  /** requests not answered 200, over the rounds */
  refused: number;
  /** streams that ended before the end of their window, over the rounds */
  endedEarly: number;
  /** the slowest and fastest client of a window, in bytes a second */
  minStreamRate: number;
  maxStreamRate: number;
  /** TCP connections to the upstream the clients' round added (highest of the rounds) */
  upstreamConnections: number;
  /** ours only, when its sessions were dropped after the window: streams ended, worst delay */
  drop: { ended: number; of: number; worstMs: number } | null;
}

/** One scenario: the same clients on both proxies (and, for reference, on the upstream). */
export interface LoadScenario {
  ours: LoadFigures;
  nginx: LoadFigures;
  direct: LoadFigures | null;
}

/** Everything the benchmark measured. */
export interface ProxyBenchResult {
  throughput: LoadScenario;
  sharingFast: LoadScenario;
  sharingLive: LoadScenario;
  liveRate: number;
  /**
   * time to first byte, ms, request by request; `bare` and `bareKv` are the floor
   * (bench/_passthrough.ts without and with one KV commit per request)
   */
  ttfb: { direct: number[]; ours: number[]; nginx: number[]; bare: number[]; bareKv: number[] };
  /** from the drop request to the client's stream end, ms */
  drops: { inProcess: number[]; crossProcess: number[] };
  /** the proxy process idle, before any client */
  idleRssMb: number;
  seconds: number;
}

/** Options of `benchProxy`. */
export interface ProxyBenchOptions {
  /**
   * Rounds per server of the unthrottled runs, the servers taking turns (many short rounds spread
   * a neighbour's burst of CPU use over both); default 5. The live-rate run has 2 rounds of 4 s.
   */
  rounds?: number;
  /** measured seconds per round of the unthrottled runs; default 2 */
  seconds?: number;
}

/** TCP connections to `port` on 127.0.0.1 now (the client ends, from /proc/net/tcp). */
function connectionsTo(port: number): number {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  return Deno.readTextFileSync("/proc/net/tcp").split("\n").slice(1).filter((line) => {
    const f = line.trim().split(/\s+/);
    return f[2]?.endsWith(hex) && f[3] === "01";
  }).length;
}

function emptyFigures(server: Server, streams: number): LoadFigures {
  return {
    server,
    rounds: 0,
    seconds: 0,
    bytes: 0,
    cpuS: 0,
    clientCpuS: 0,
    upstreamCpuS: 0,
    rssMb: 0,
    streams,
    refused: 0,
    endedEarly: 0,
    minStreamRate: Infinity,
    maxStreamRate: 0,
    upstreamConnections: 0,
    drop: null,
  };
}

/** One round: the clients connect, settle for `warmupMs`, are measured for `seconds`. */
async function loadRound(
  rig: ProxyRig,
  into: LoadFigures,
  urls: string[],
  opts: { warmupMs: number; seconds: number; drop: boolean },
): Promise<void> {
  const pid = into.server === "ours"
    ? rig.proxy.pid
    : into.server === "nginx"
    ? rig.peer.workerPids()[0]
    : null;
  const upstreamPid = rig.upstream.workerPids()[0];
  const connectionsBefore = connectionsTo(rig.upstream.port);
  const clients = await spawnClients(urls);
  try {
    into.refused += clients.ready.status.filter((s) => s !== 200).length;
    await sleep(opts.warmupMs);
    const cpu = () => [pid ? cpuTicks(pid) : 0, cpuTicks(clients.pid), cpuTicks(upstreamPid)];
    const cpu0 = cpu();
    const m0 = await clients.mark();
    await sleep(opts.seconds * 1000);
    const cpu1 = cpu();
    const m1 = await clients.mark();
    const seconds = (m1.at - m0.at) / 1000;
    into.rounds++;
    into.seconds += seconds;
    into.bytes += m1.bytes.reduce((a, b) => a + b, 0) - m0.bytes.reduce((a, b) => a + b, 0);
    into.cpuS += (cpu1[0] - cpu0[0]) / 100;
    into.clientCpuS += (cpu1[1] - cpu0[1]) / 100;
    into.upstreamCpuS += (cpu1[2] - cpu0[2]) / 100;
    if (pid) into.rssMb = Math.max(into.rssMb, rssMb(pid));
    into.endedEarly += m1.ended;
    const rates = m1.bytes.map((b, i) => (b - m0.bytes[i]) / seconds);
    into.minStreamRate = Math.min(into.minStreamRate, ...rates);
    into.maxStreamRate = Math.max(into.maxStreamRate, ...rates);
    into.upstreamConnections = Math.max(
      into.upstreamConnections,
      connectionsTo(rig.upstream.port) - connectionsBefore,
    );
    if (opts.drop) {
      // Every stream must still be cuttable under full load: drop every session at once.
      const t0 = nowMs();
      for (const id of clients.ready.sessions) if (id) await requestDrop(rig.kv, id);
      const ends = (await clients.ends()).filter((_, i) => clients.ready.status[i] === 200);
      const ended = ends.filter((e): e is number => e !== null);
      const worst = Math.max(...ended.map((e) => e - t0));
      into.drop = {
        ended: (into.drop?.ended ?? 0) + ended.length,
        of: (into.drop?.of ?? 0) + ends.length,
        worstMs: Math.max(into.drop?.worstMs ?? 0, worst),
      };
    }
  } finally {
    await clients.close();
  }
  // Let the proxy end the sessions (KV writes) before the next round starts.
  await sleep(700);
}

/**
 * Runs a scenario in a fresh proxy process (its RSS is this scenario's): the same client URLs
 * on each server, taking turns, nginx first in odd rounds.
 */
async function scenario(
  rig: ProxyRig,
  urls: { ours: string[]; nginx: string[]; direct?: string[] },
  opts: { rounds: number; warmupMs: number; seconds: number; drop: boolean },
): Promise<LoadScenario> {
  await rig.restartProxy();
  const out: LoadScenario = {
    ours: emptyFigures("ours", urls.ours.length),
    nginx: emptyFigures("nginx", urls.nginx.length),
    direct: urls.direct ? emptyFigures("direct", urls.direct.length) : null,
  };
  for (let r = 0; r < opts.rounds; r++) {
    const order: Server[] = r % 2 === 0 ? ["nginx", "ours"] : ["ours", "nginx"];
    if (urls.direct) order.push("direct");
    for (const server of order) {
      await loadRound(rig, out[server]!, urls[server]!, {
        ...opts,
        drop: opts.drop && server === "ours",
      });
    }
  }
  return out;
}

/** Time to first byte of one request on a fresh connection, in ms (the stream is closed). */
async function firstByte(url: string, userAgent: string): Promise<number> {
  const s = await openStream(url, userAgent);
  s.close();
  await s.ended;
  if (s.status !== 200) throw new Error(`${url} answered ${s.status}`);
  return s.firstByteAt - s.startedAt;
}

/** A bare Deno passthrough (bench/_passthrough.ts) as a child process, on the rig's upstream. */
async function startPassthrough(origin: string, kvPath?: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./_passthrough.ts", import.meta.url).pathname, origin]
      .concat(kvPath ? [kvPath] : []),
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const port = Number((await lines.read()).value?.trim());
  if (!port) throw new Error("The passthrough did not start");
  return {
    url: (upstreamUrl: string) => `http://127.0.0.1:${port}${new URL(upstreamUrl).pathname}`,
    async close() {
      child.kill();
      await child.status;
      await lines.cancel();
    },
  };
}

/**
 * 200 sequential requests, each on a channel of its own (so each one of ours opens its upstream
 * connection, takes a slot and writes a session): direct, ours, nginx and the two floors (a bare
 * Deno passthrough, and the same making one KV commit on the same disk) back to back.
 */
async function ttfbRuns(rig: ProxyRig): Promise<ProxyBenchResult["ttfb"]> {
  const out: ProxyBenchResult["ttfb"] = { direct: [], ours: [], nginx: [], bare: [], bareKv: [] };
  const dir = await Deno.makeTempDir({ prefix: "proxy-bench-floor-" });
  const origin = new URL(rig.direct.fast[0]).origin;
  const bare = await startPassthrough(origin);
  const bareKv = await startPassthrough(origin, `${dir}/floor.kv`);
  const urls = {
    direct: rig.direct,
    ours: rig.ours,
    nginx: rig.nginx,
    bare: { fast: rig.direct.fast.map(bare.url), live: rig.direct.live.map(bare.url) },
    bareKv: { fast: rig.direct.fast.map(bareKv.url), live: rig.direct.live.map(bareKv.url) },
  };
  const kinds = ["direct", "ours", "nginx", "bare", "bareKv"] as const;
  try {
    // A few unmeasured requests on other channels first (JIT, connection set-up).
    for (let i = 0; i < 5; i++) {
      for (const k of kinds) await firstByte(urls[k].live[40 + i], `warm-up/${i}`);
    }
    const n = rig.ours.fast.length;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < kinds.length; j++) {
        const k = kinds[(i + j) % kinds.length];
        out[k].push(await firstByte(urls[k].fast[i], `ttfb/${i}`));
      }
    }
  } finally {
    await bare.close();
    await bareKv.close();
    await Deno.remove(dir, { recursive: true });
  }
  return out;
}

/** Opens a stream, waits for its first body bytes, drops its session; answers the delay, ms. */
async function dropOnce(kv: Deno.Kv, url: string, userAgent: string): Promise<number> {
  const s: RawStream = await openStream(url, userAgent);
  try {
    if (s.status !== 200 || !s.sessionId) throw new Error(`${url} answered ${s.status}`);
    const until = Date.now() + 2_000;
    while (s.bytes === 0 && Date.now() < until) await sleep(5);
    const t0 = nowMs();
    await requestDrop(kv, s.sessionId);
    await Promise.race([s.ended, sleep(5_000)]);
    if (s.endedAt === null) throw new Error(`The stream of ${url} did not end within 5 s`);
    return s.endedAt - t0;
  } finally {
    s.close();
  }
}

/** 50 drops on live channels through our proxy process (it polls the shared KV file). */
async function crossProcessDrops(rig: ProxyRig): Promise<number[]> {
  const out: number[] = [];
  for (const [i, url] of rig.ours.live.entries()) {
    out.push(await dropOnce(rig.kv, url, `drop/${i}`));
  }
  return out;
}

/** 50 drops through a manager and a proxy in this process (`deno task start`), one KV handle. */
async function inProcessDrops(rig: ProxyRig): Promise<number[]> {
  const setup = await startProxySetup(
    rig.direct.live.map((url, i) => ({ name: `Live ${i + 1}`, url })),
  );
  try {
    const out: number[] = [];
    for (const [i, url] of [...setup.streams.values()].entries()) {
      out.push(await dropOnce(setup.m.kv, url, `drop/${i}`));
    }
    return out;
  } finally {
    await setup.close();
  }
}

/** Runs every measurement; about two minutes and a half. */
export async function benchProxy(options: ProxyBenchOptions = {}): Promise<ProxyBenchResult> {
  const started = Date.now();
  const rounds = options.rounds ?? 5;
  const seconds = options.seconds ?? 2;
  const rig = await startProxyRig({
    fast: 200,
    live: 50,
    liveRate: LIVE_RATE,
    // 1 GB: a connection read as fast as possible for a whole round never reaches its end.
    fileBytes: 1024 ** 3,
    // Above the 50 (or 200) upstream connections of any run: a slot is taken, none refused.
    maxConnections: 300,
  });
  try {
    await sleep(1000);
    const idleRssMb = rssMb(rig.proxy.pid);
    const ttfb = await ttfbRuns(rig);
    const crossProcess = await crossProcessDrops(rig);
    const fast = { rounds, warmupMs: 500, seconds };
    const throughput = await scenario(rig, {
      ours: rig.ours.fast.slice(0, 50),
      nginx: rig.nginx.fast.slice(0, 50),
    }, { ...fast, drop: true });
    const share = (urls: string[]) => Array.from({ length: 200 }, (_, i) => urls[i % 10]);
    const sharingFast = await scenario(rig, {
      ours: share(rig.ours.fast),
      nginx: share(rig.nginx.fast),
    }, { ...fast, drop: false });
    const sharingLive = await scenario(rig, {
      ours: share(rig.ours.live),
      nginx: share(rig.nginx.live),
      direct: share(rig.direct.live),
    }, { rounds: 2, warmupMs: 1500, seconds: 4, drop: false });
    const inProcess = await inProcessDrops(rig);
    return {
      throughput,
      sharingFast,
      sharingLive,
      liveRate: LIVE_RATE,
      ttfb,
      drops: { inProcess, crossProcess },
      idleRssMb,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await rig.close();
  }
}

export { proxyBenchTables };

if (import.meta.main) {
  const before = loadAverage();
  const result = await benchProxy();
  console.log(`Load average ${before} before, ${loadAverage()} after.\n`);
  console.log(proxyBenchTables(result));
}
