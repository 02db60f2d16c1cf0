/**
 * Import benchmark: a generated 100,000-entry playlist served from this process, imported twice
 * through the API of a manager running as a child process. Its RSS and CPU time are sampled
 * from /proc/<pid>/status and /proc/<pid>/stat every 20 ms; VmHWM is reset before each import
 * (/proc/<pid>/clear_refs) to give the peak including the work the run left behind.
 * Run alone: deno run -A bench/import_bench.ts
 */
import { freePort, spawnLogged } from "./_proc.ts";
import { parseM3uStream, parseM3uText } from "../common/m3u/mod.ts";
import { type BareImportFigures, bareImports } from "./_bare_import.ts";
import { generatePlaylist } from "./_playlist.ts";

const ROOT = new URL("../", import.meta.url);
const ADMIN_USER = "admin";
const ADMIN_PASSWORD = "correct horse battery";

/** A manager started as its own `deno run` process with a fresh DATA_DIR. */
export interface ManagerProcess {
  base: string;
  dataDir: string;
  pid: number;
  /** `Authorization` header value (HTTP Basic with the admin credentials). */
  auth: string;
  username: string;
  password: string;
  /** Current and peak resident set size in MB, from /proc/<pid>/status. */
  memory(): { rssMb: number; peakMb: number };
  /** Starts a new peak: sets VmHWM to the current RSS (Linux clear_refs "5"). */
  resetPeak(): void;
  /** CPU time the process used so far (user + system), in ms. */
  cpuMs(): number;
  /** Calls the API with the admin's Basic credentials and parses the JSON answer. */
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * Spawns `manager/main.ts` on 127.0.0.1 with a free port and waits until it serves pages. With
 * `dataDir`, it shares that folder (and its KV file) with another manager and leaves it there.
 */
/** The arguments `deno task manager` gives `deno` before its script (read from deno.json). */
async function managerTaskFlags(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const words = String(config.tasks.manager).split(/\s+/);
  return words.slice(1, words.indexOf("manager/main.ts"));
}

export async function spawnManager(
  opts: { dataDir?: string; env?: Record<string, string> } = {},
): Promise<ManagerProcess> {
  const dataDir = opts.dataDir ?? await Deno.makeTempDir({ prefix: "iptv-bench-" });
  const port = freePort();
  const child = spawnLogged(Deno.execPath(), {
    // The flags of `deno task manager` (deno.json).
    args: [...await managerTaskFlags(), "manager/main.ts"],
    cwd: ROOT.pathname,
    env: {
      DATA_DIR: dataDir,
      SOCKET_ADDRESS: "127.0.0.1",
      INTERNAL_MANAGEMENT_PORT: String(port),
      ADMIN_USERNAME: ADMIN_USER,
      ADMIN_PASSWORD,
      PLAYLIST_TIMEOUT: "60",
      LOG_LEVEL: "warning",
      // The generated logos name hosts on the internet: never fetch them in a benchmark.
      ICON_CACHE: "false",
      // Generated guides run to hundreds of MB: caps above every file a benchmark imports.
      MAX_PLAYLIST_MB: "1024",
      MAX_EPG_MB: "4096",
      // Upstreams of benchmarks are servers on 127.0.0.1.
      ALLOWED_PRIVATE_HOSTS: "127.0.0.1",
      ...opts.env,
    },
  });
  const base = `http://127.0.0.1:${port}`;
  const auth = `Basic ${btoa(`${ADMIN_USER}:${ADMIN_PASSWORD}`)}`;
  const status = (field: string) => {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(
      Deno.readTextFileSync(`/proc/${child.pid}/status`),
    );
    return m ? Number(m[1]) / 1024 : NaN;
  };
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: auth, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) as T : undefined as T;
  };
  const close = async () => {
    await child.stop();
    if (!opts.dataDir) await Deno.remove(dataDir, { recursive: true });
  };
  const until = Date.now() + 60_000;
  let ready = false;
  while (!ready && Date.now() < until) {
    try {
      const res = await fetch(`${base}/login`);
      await res.body?.cancel();
      ready = res.ok;
    } catch { /* not listening yet */ }
    if (!ready) await new Promise((r) => setTimeout(r, 100));
  }
  if (!ready) {
    await close();
    throw new Error(`The manager did not start within 60 s:\n${child.stderr()}`);
  }
  // The island bundle builds in the background at start; wait for it so it does not compete.
  await (await fetch(`${base}/static/islands.js`)).body?.cancel();
  return {
    base,
    dataDir,
    pid: child.pid,
    auth,
    username: ADMIN_USER,
    password: ADMIN_PASSWORD,
    memory: () => ({ rssMb: status("VmRSS"), peakMb: status("VmHWM") }),
    resetPeak: () => Deno.writeTextFileSync(`/proc/${child.pid}/clear_refs`, "5"),
    cpuMs: () => {
      // Fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 a second on Linux).
      const stat = Deno.readTextFileSync(`/proc/${child.pid}/stat`);
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(f[11]) + Number(f[12])) * 10;
    },
    api,
    close,
  };
}

/** Figures of one import run through the API. */
export interface ImportFigures {
  /** from the import request to the run's finishedAt (same clock: one machine) */
  ms: number;
  /** from the import request until a poll of the API saw the run done and every channel listed */
  observedMs: number;
  /** the run's own durationMs */
  runMs: number;
  /** CPU time (user + system, all threads) the manager used from the request to finishedAt */
  cpuMs: number;
  /** highest RSS sampled (every 20 ms) from the request to finishedAt */
  peakRssMb: number;
  /** VmHWM once the manager went idle again: includes work started by the import's end */
  peakAfterMb: number;
  /** how long the manager kept a core busy after the run finished (icon registration etc.) */
  busyAfterMs: number;
  counts: Record<string, number>;
}

/** Everything the import benchmark measured. */
export interface ImportBenchResult {
  entries: number;
  sizeMb: number;
  /** fetch of the same file from the same server, body read to the end (median of 3) */
  downloadMs: number;
  /** `curl -o /dev/null` of the same URL (median of 3), when curl is installed */
  curlMs: number | null;
  /** parseM3uText on the decoded text (median of 3 after a warm-up) */
  parseTextMs: number;
  /** parseM3uStream over the bytes, the importer's path (median of 3 after a warm-up) */
  parseStreamMs: number;
  /** startImport() alone in a bare process (no HTTP API, no icon cache): first and second run */
  bare: BareImportFigures[];
  /** RSS of the manager before the first import (started, idle, no channels) */
  startRssMb: number;
  first: ImportFigures;
  second: ImportFigures;
  /** RSS of the idle manager holding the channels after both imports */
  idleRssMb: number;
  playlistId: string;
}

interface RunView {
  id: string;
  status: string;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
  counts: Record<string, number>;
}
interface PlaylistView {
  id: string;
  channelCount: number;
  lastImport: RunView | null;
}

/** Serves the playlist on 127.0.0.1 port 0 (from this process), returns its URL. */
export function servePlaylist(
  bytes: Uint8Array<ArrayBuffer>,
): { url: string; close(): Promise<void> } {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () =>
      new Response(bytes, {
        headers: { "content-type": "audio/x-mpegurl", "content-length": String(bytes.length) },
      }),
  );
  return { url: `http://127.0.0.1:${server.addr.port}/bench.m3u`, close: () => server.shutdown() };
}

/** Imports a generated playlist twice through the manager's API and times the pieces. */
export async function benchImport(
  manager: ManagerProcess,
  options: { entries?: number } = {},
): Promise<ImportBenchResult> {
  const entries = options.entries ?? 100_000;
  const bytes = generatePlaylist(entries);
  const upstream = servePlaylist(bytes);
  try {
    const downloadMs = await medianOf(3, async () => {
      const res = await fetch(upstream.url);
      await res.arrayBuffer();
    });
    const curlMs = await curlTime(upstream.url);
    const text = new TextDecoder().decode(bytes);
    const parseTextMs = await medianOf(3, () => {
      if (parseM3uText(text).entries.length !== entries) throw new Error("Parser lost entries");
    }, 1);
    const parseStreamMs = await medianOf(3, async () => {
      const it = parseM3uStream(new Blob([bytes]).stream());
      for await (const _ of it) { /* the batches are all we wait for */ }
    }, 1);
    const bare = await bareImports(upstream.url);
    await waitIdle(manager);
    const startRssMb = manager.memory().rssMb;
    const created = await manager.api<PlaylistView>("POST", "/api/v1/upstream-playlists", {
      name: "Bench 100k",
      url: upstream.url,
      // No schedule: the scheduler must not start an import of its own during the benchmark.
      refreshMinutes: 0,
    });
    const first = await importOnce(manager, created.id, entries);
    const second = await importOnce(manager, created.id, entries);
    return {
      entries,
      sizeMb: bytes.length / 1e6,
      downloadMs,
      curlMs,
      parseTextMs,
      parseStreamMs,
      bare,
      startRssMb,
      first,
      second,
      idleRssMb: manager.memory().rssMb,
      playlistId: created.id,
    };
  } finally {
    await upstream.close();
  }
}

async function importOnce(
  manager: ManagerProcess,
  playlistId: string,
  entries: number,
): Promise<ImportFigures> {
  manager.resetPeak();
  const samples: [number, number, number][] = [];
  const sample = () => samples.push([Date.now(), manager.memory().rssMb, manager.cpuMs()]);
  const sampler = setInterval(sample, 20);
  sample();
  const wall0 = Date.now();
  const t0 = performance.now();
  try {
    const run = await manager.api<RunView>(
      "POST",
      `/api/v1/upstream-playlists/${playlistId}/import`,
    );
    const until = Date.now() + 120_000;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      const view = await manager.api<PlaylistView>(
        "GET",
        `/api/v1/upstream-playlists/${playlistId}`,
      );
      const last = view.lastImport;
      if (!last || last.id !== run.id || last.status === "running") continue;
      if (last.status !== "ok") throw new Error(`The import failed: ${last.error}`);
      if (view.channelCount < entries) continue;
      const observedMs = performance.now() - t0;
      const finished = Date.parse(last.finishedAt ?? "");
      clearInterval(sampler);
      const during = samples.filter(([t]) => t <= finished);
      const peakRssMb = Math.max(...during.map(([, mb]) => mb));
      const cpuMs = during[during.length - 1][2] - samples[0][2];
      const lastBusy = await waitIdle(manager);
      return {
        ms: finished - wall0,
        observedMs,
        runMs: last.durationMs ?? NaN,
        cpuMs,
        peakRssMb,
        peakAfterMb: manager.memory().peakMb,
        busyAfterMs: Math.max(0, lastBusy - finished),
        counts: last.counts,
      };
    }
    throw new Error("The import did not finish within 120 s");
  } finally {
    clearInterval(sampler);
  }
}

/**
 * Waits until the manager used under 5% of a core over a second (at most 300 s); answers
 * when it was last seen busy (epoch ms).
 */
export async function waitIdle(manager: ManagerProcess): Promise<number> {
  const until = Date.now() + 300_000;
  let last = manager.cpuMs();
  let lastBusy = Date.now();
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = manager.cpuMs();
    if (now - last < 50) return lastBusy;
    last = now;
    lastBusy = Date.now();
  }
  return lastBusy;
}

async function curlTime(url: string): Promise<number | null> {
  try {
    return await medianOf(3, async () => {
      const out = await new Deno.Command("curl", {
        args: ["-s", "-o", "/dev/null", "-w", "%{time_total}", url],
      }).output();
      if (!out.success) throw new Error("curl failed");
    });
  } catch {
    return null;
  }
}

async function medianOf(
  runs: number,
  fn: () => unknown | Promise<unknown>,
  warmUp = 0,
): Promise<number> {
  for (let i = 0; i < warmUp; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

if (import.meta.main) {
  const manager = await spawnManager();
  try {
    const r = await benchImport(manager);
    console.log(JSON.stringify({ ...r, playlistId: undefined }, null, 2));
  } finally {
    await manager.close();
  }
}
