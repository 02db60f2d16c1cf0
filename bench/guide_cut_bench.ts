/**
 * The guide of a 500-channel downstream playlist cut from a generated 300 MB guide (3,000
 * channels, 600,000 programmes) imported through the API: time per request when the guide must
 * be rendered (right after a change), 4 s after a change (the background render should have
 * finished), from the cache and for a new playlist (nothing rendered before), each without and
 * with `Accept-Encoding: gzip`, beside the time to fetch the whole upstream guide from the same
 * manager. `--scale=0.2` shrinks the guide and the playlist for a quick run.
 */
import { generateGuide } from "./_epg_data.ts";
import { spawnManager } from "./import_bench.ts";

const DAY = 86_400_000;

/** One measured row. */
export interface GuideCutRow {
  request: string;
  medianMs: number;
  maxMs: number;
  sizeKb: number;
}

/** What the benchmark measured. */
export interface GuideCutResult {
  rows: GuideCutRow[];
  guideMb: number;
  shape: GuideCutShape;
  /** the guide's import through the API: wall-clock and the manager's CPU time */
  importMs: number;
  importCpuMs: number;
  /** the manager's RSS with the guide rendered and cached in both encodings */
  rssMb: number;
}

/** Size of the benchmark: the full size unless told. */
export interface GuideCutShape {
  channels: number;
  programmesPerChannel: number;
  playlistChannels: number;
}

const FULL: GuideCutShape = { channels: 3000, programmesPerChannel: 200, playlistChannels: 500 };

/**
 * One GET over a fresh connection, timed to the last byte. A raw socket, because Deno's fetch
 * decompresses gzip itself (and asks for it unless told): the client's inflate is not the
 * server's time. The body is read into one reused buffer: fresh buffers for 40 MB would cost the
 * client more page faults than the server spends.
 */
async function timed(url: string, gzip: boolean): Promise<{ ms: number; bytes: number }> {
  const u = new URL(url);
  const t0 = performance.now();
  const conn = await Deno.connect({ hostname: u.hostname, port: Number(u.port) });
  const head = `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\n` +
    `Accept-Encoding: ${gzip ? "gzip" : "identity"}\r\nConnection: close\r\n\r\n`;
  await conn.write(new TextEncoder().encode(head));
  const buf = new Uint8Array(1 << 20);
  let headers = "";
  let total = 0;
  let bodyAt = -1;
  while (true) {
    const n = await conn.read(buf.subarray(bodyAt < 0 ? total : 0));
    if (n === null) break;
    total += n;
    if (bodyAt < 0) {
      const text = new TextDecoder("latin1").decode(buf.subarray(0, total));
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        headers = text.slice(0, end).toLowerCase();
        bodyAt = end + 4;
      }
    }
  }
  conn.close();
  const ms = performance.now() - t0;
  if (!headers.startsWith("http/1.1 200")) throw new Error(`${url} answered ${headers}`);
  if (gzip !== headers.includes("content-encoding: gzip")) {
    throw new Error(`${url} answered without the asked encoding: ${headers}`);
  }
  return { ms, bytes: total - bodyAt };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function waitRun(
  manager: Awaited<ReturnType<typeof spawnManager>>,
  path: string,
  runId: string,
): Promise<number> {
  const until = Date.now() + 600_000;
  while (Date.now() < until) {
    const v = await manager.api<
      { lastImport: { id: string; status: string; error: string; durationMs: number } }
    >("GET", path);
    if (v.lastImport?.id === runId && v.lastImport.status !== "running") {
      if (v.lastImport.status !== "ok") throw new Error(v.lastImport.error);
      return v.lastImport.durationMs;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${path} did not finish`);
}

function row(request: string, runs: { ms: number; bytes: number }[]): GuideCutRow {
  const ms = runs.map((r) => r.ms);
  return {
    request,
    medianMs: median(ms),
    maxMs: Math.max(...ms),
    sizeKb: runs[runs.length - 1].bytes / 1024,
  };
}

/** Runs the benchmark. */
export async function benchGuideCut(shape: GuideCutShape = FULL): Promise<GuideCutResult> {
  const dir = await Deno.makeTempDir({ prefix: "iptv-guide-cut-" });
  const guidePath = `${dir}/guide.xml`;
  const generated = await generateGuide(guidePath, {
    channels: shape.channels,
    programmesPerChannel: shape.programmesPerChannel,
    startMs: Math.floor((Date.now() - DAY) / 3_600_000) * 3_600_000,
  });
  const step = Math.max(1, Math.floor(shape.channels / shape.playlistChannels));
  const m3u = ["#EXTM3U"];
  for (let c = 0; c < shape.playlistChannels; c++) {
    m3u.push(`#EXTINF:-1 tvg-id="ch${c * step}.bench" group-title="Bench",Bench ${c}`);
    m3u.push(`http://127.0.0.1:9/${c}.ts`);
  }
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    if (new URL(req.url).pathname === "/guide.xml") {
      const f = await Deno.open(guidePath);
      return new Response(f.readable, { headers: { "content-type": "application/xml" } });
    }
    return new Response(m3u.join("\n"));
  });
  const up = `http://127.0.0.1:${server.addr.port}`;
  const manager = await spawnManager();
  try {
    const epg = await manager.api<{ id: string }>("POST", "/api/v1/epgs", {
      name: "Bench guide",
      url: `${up}/guide.xml`,
    });
    const cpu0 = manager.cpuMs();
    const er = await manager.api<{ id: string }>("POST", `/api/v1/epgs/${epg.id}/import`);
    const importMs = await waitRun(manager, `/api/v1/epgs/${epg.id}`, er.id);
    const importCpuMs = manager.cpuMs() - cpu0;
    const pl = await manager.api<{ id: string }>("POST", "/api/v1/upstream-playlists", {
      name: "Bench",
      url: `${up}/list.m3u`,
    });
    const pr = await manager.api<{ id: string }>(
      "POST",
      `/api/v1/upstream-playlists/${pl.id}/import`,
    );
    await waitRun(manager, `/api/v1/upstream-playlists/${pl.id}`, pr.id);
    const input = {
      name: "Cut",
      streamMode: "direct",
      groups: ["Bench"],
      guidePastDays: 1,
      guideFutureDays: 7,
    };
    const d = await manager.api<{ id: string; guideUrl: string; playlistUrl: string }>(
      "POST",
      "/api/v1/downstream-playlists",
      input,
    );
    const g = new URL(d.guideUrl);
    const guideUrl = `${manager.base}${g.pathname}${g.search}`;
    const token = g.searchParams.get("token");
    // Saving the playlist unchanged still marks every rendered output stale.
    const change = () => manager.api("PUT", `/api/v1/downstream-playlists/${d.id}`, input);
    const rows: GuideCutRow[] = [];
    // Rendered once in each encoding first: a new playlist's first request has a row of its own.
    await timed(guideUrl, false);
    await timed(guideUrl, true);
    for (const gzip of [false, true]) {
      const enc = gzip ? "gzip" : "identity";
      const rendered = [];
      for (let i = 0; i < 5; i++) {
        await change();
        rendered.push(await timed(guideUrl, gzip));
      }
      rows.push(row(`500-channel guide, ${enc}, first request right after a change`, rendered));
    }
    for (const gzip of [false, true]) {
      const enc = gzip ? "gzip" : "identity";
      const warmed = [];
      for (let i = 0; i < 3; i++) {
        await change();
        // The manager renders outputs in use again in the background shortly after a change.
        await new Promise((r) => setTimeout(r, 4000));
        warmed.push(await timed(guideUrl, gzip));
      }
      rows.push(row(`500-channel guide, ${enc}, 4 s after a change`, warmed));
    }
    for (const gzip of [false, true]) {
      const enc = gzip ? "gzip" : "identity";
      const cached = [];
      for (let i = 0; i < 10; i++) cached.push(await timed(guideUrl, gzip));
      rows.push(row(`500-channel guide, ${enc}, from the cache`, cached));
    }
    const rssMb = manager.memory().rssMb;
    for (const gzip of [false, true]) {
      const enc = gzip ? "gzip" : "identity";
      // A playlist never rendered: every stored part is read from KV (as after a guide import).
      const cold = [];
      for (let i = 0; i < 3; i++) {
        const n = await manager.api<{ guideUrl: string }>("POST", "/api/v1/downstream-playlists", {
          ...input,
          name: `Cold ${enc} ${i}`,
        });
        const u = new URL(n.guideUrl);
        cold.push(await timed(`${manager.base}${u.pathname}${u.search}`, gzip));
      }
      rows.push(row(`500-channel guide, ${enc}, first request of a new playlist`, cold));
    }
    for (const gzip of [false, true]) {
      const enc = gzip ? "gzip" : "identity";
      const whole = [
        await timed(`${manager.base}/manager/get/epg/Bench%20guide?token=${token}`, gzip),
      ];
      rows.push(row(`peer: the whole upstream guide, ${enc}`, whole));
    }
    for (const r of rows) r.request = r.request.replace("500", String(shape.playlistChannels));
    return { rows, guideMb: generated.bytes / 1048576, shape, importMs, importCpuMs, rssMb };
  } finally {
    await manager.close();
    await server.shutdown();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** The result as a Markdown table with the target. */
export function guideCutTable(r: GuideCutResult): string {
  const s = r.shape;
  const lines = [
    `Guide of a ${s.playlistChannels}-channel playlist cut from a ${r.guideMb.toFixed(0)} MB ` +
    `guide (${s.channels} channels, ${s.channels * s.programmesPerChannel} programmes, ` +
    `imported in ${(r.importMs / 1000).toFixed(1)} s using ${
      (r.importCpuMs / 1000).toFixed(1)
    } CPU-s), window 1 day back and 7 ahead. Target < 500 ms. Time to the last byte on a ` +
    `fresh connection. Manager RSS with the guide cached: ${r.rssMb.toFixed(0)} MB.`,
    "",
    "| Request | Median | Max | Size | Verdict |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const row of r.rows) {
    const verdict = row.request.startsWith("peer") ? "" : row.medianMs < 500 ? "met" : "**missed**";
    lines.push(
      `| ${row.request} | ${row.medianMs.toFixed(1)} ms | ${row.maxMs.toFixed(1)} ms | ${
        row.sizeKb.toFixed(0)
      } KB | ${verdict} |`,
    );
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const scale = Number(Deno.args.find((a) => a.startsWith("--scale="))?.slice(8) ?? 1);
  const shape = {
    channels: Math.round(FULL.channels * scale),
    programmesPerChannel: FULL.programmesPerChannel,
    playlistChannels: Math.round(FULL.playlistChannels * scale),
  };
  console.log(guideCutTable(await benchGuideCut(shape)));
}
