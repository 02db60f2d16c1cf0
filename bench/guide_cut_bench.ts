/**
 * The guide of a 500-channel downstream playlist cut from a generated 300 MB guide (3,000
 * channels, 600,000 programmes) imported through the API: time per request when the guide must
 * be rendered (after a change) and when it is served from the cache, beside the time to fetch
 * the whole upstream guide from the same manager.
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

async function timed(url: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(url);
  const body = new Uint8Array(await res.arrayBuffer());
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return { ms: performance.now() - t0, bytes: body.length };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function waitRun(
  manager: Awaited<ReturnType<typeof spawnManager>>,
  path: string,
  runId: string,
): Promise<void> {
  const until = Date.now() + 600_000;
  while (Date.now() < until) {
    const v = await manager.api<{ lastImport: { id: string; status: string; error: string } }>(
      "GET",
      path,
    );
    if (v.lastImport?.id === runId && v.lastImport.status !== "running") {
      if (v.lastImport.status !== "ok") throw new Error(v.lastImport.error);
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${path} did not finish`);
}

/** Runs the benchmark. */
export async function benchGuideCut(): Promise<{ rows: GuideCutRow[]; guideMb: number }> {
  const dir = await Deno.makeTempDir({ prefix: "iptv-guide-cut-" });
  const guidePath = `${dir}/guide.xml`;
  const shape = await generateGuide(guidePath, {
    channels: 3000,
    programmesPerChannel: 200,
    startMs: Math.floor((Date.now() - DAY) / 3_600_000) * 3_600_000,
  });
  const m3u = ["#EXTM3U"];
  for (let c = 0; c < 500; c++) {
    m3u.push(`#EXTINF:-1 tvg-id="ch${c * 6}.bench" group-title="Bench",Bench ${c}`);
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
    const er = await manager.api<{ id: string }>("POST", `/api/v1/epgs/${epg.id}/import`);
    await waitRun(manager, `/api/v1/epgs/${epg.id}`, er.id);
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
    const rendered: number[] = [];
    let renderedBytes = 0;
    for (let i = 0; i < 5; i++) {
      // Saving the playlist unchanged still marks every rendered output stale.
      await manager.api("PUT", `/api/v1/downstream-playlists/${d.id}`, input);
      const r = await timed(guideUrl);
      rendered.push(r.ms);
      renderedBytes = r.bytes;
    }
    const warmed: number[] = [];
    for (let i = 0; i < 3; i++) {
      await manager.api("PUT", `/api/v1/downstream-playlists/${d.id}`, input);
      // The manager renders outputs in use again in the background about a second after a change.
      await new Promise((r) => setTimeout(r, 4000));
      warmed.push((await timed(guideUrl)).ms);
    }
    const cached: number[] = [];
    for (let i = 0; i < 20; i++) cached.push((await timed(guideUrl)).ms);
    const whole: number[] = [];
    let wholeBytes = 0;
    for (let i = 0; i < 2; i++) {
      const r = await timed(`${manager.base}/manager/get/epg/Bench%20guide?token=${token}`);
      whole.push(r.ms);
      wholeBytes = r.bytes;
    }
    return {
      guideMb: shape.bytes / 1048576,
      rows: [
        {
          request: "500-channel guide, first request right after a change (renders)",
          medianMs: median(rendered),
          maxMs: Math.max(...rendered),
          sizeKb: renderedBytes / 1024,
        },
        {
          request: "500-channel guide, 4 s after a change (rendered in the background)",
          medianMs: median(warmed),
          maxMs: Math.max(...warmed),
          sizeKb: renderedBytes / 1024,
        },
        {
          request: "500-channel guide, from the cache",
          medianMs: median(cached),
          maxMs: Math.max(...cached),
          sizeKb: renderedBytes / 1024,
        },
        {
          request: "peer: the whole upstream guide (3,000 channels)",
          medianMs: median(whole),
          maxMs: Math.max(...whole),
          sizeKb: wholeBytes / 1024,
        },
      ],
    };
  } finally {
    await manager.close();
    await server.shutdown();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** The result as a Markdown table with the target. */
export function guideCutTable(r: { rows: GuideCutRow[]; guideMb: number }): string {
  const lines = [
    `Guide of a 500-channel playlist cut from a ${r.guideMb.toFixed(0)} MB guide ` +
    "(3,000 channels, 600,000 programmes), window 1 day back and 7 ahead. Target < 500 ms.",
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
  console.log(guideCutTable(await benchGuideCut()));
}
