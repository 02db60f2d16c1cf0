/**
 * The manager's peak memory during a whole guide import (download over HTTP, parse, store, icon
 * registration), measured on the manager process as a new user would run it, at two sizes. Beside
 * it, the memory @iptv/xmltv needs to parse the same file alone (from the guide benchmark).
 */
import { generateGuide } from "./_epg_data.ts";
import { type ManagerProcess, spawnManager } from "./import_bench.ts";

/** One measured import. */
export interface GuideMemoryRow {
  sizeMb: number;
  channels: number;
  programmes: number;
  idleRssMb: number;
  peakRssMb: number;
  seconds: number;
}

function serveFile(path: string): { url: string; close(): Promise<void> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async () => {
    const file = await Deno.open(path);
    return new Response(file.readable, { headers: { "content-type": "application/xml" } });
  });
  return { url: `http://127.0.0.1:${server.addr.port}/guide.xml`, close: () => server.shutdown() };
}

async function importOnce(m: ManagerProcess, url: string, name: string): Promise<number> {
  const epg = await m.api<{ id: string }>("POST", "/api/v1/epgs", { name, url });
  const t0 = performance.now();
  const run = await m.api<{ id: string }>("POST", `/api/v1/epgs/${epg.id}/import`);
  while (true) {
    const v = await m.api<{ lastImport: { id: string; status: string; error: string } }>(
      "GET",
      `/api/v1/epgs/${epg.id}`,
    );
    if (v.lastImport?.id === run.id && v.lastImport.status !== "running") {
      if (v.lastImport.status !== "ok") throw new Error(v.lastImport.error);
      return (performance.now() - t0) / 1000;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Imports generated guides of about `sizesMb` into a fresh manager each and reads its peak RSS. */
export async function benchGuideMemory(sizesMb = [32, 320]): Promise<GuideMemoryRow[]> {
  const rows: GuideMemoryRow[] = [];
  for (const target of sizesMb) {
    const dir = await Deno.makeTempDir({ prefix: "iptv-guide-mem-" });
    const path = `${dir}/guide.xml`;
    // ~540 bytes a programme; channel by channel like the real 32 MB guide (3,805 channels).
    const channels = 3805;
    const perChannel = Math.max(1, Math.round((target * 1048576) / 540 / channels));
    await generateGuide(path, { channels, programmesPerChannel: perChannel });
    const sizeMb = (await Deno.stat(path)).size / 1048576;
    const up = serveFile(path);
    const m = await spawnManager({ env: { EPG_TIMEOUT: "600" } });
    try {
      await new Promise((r) => setTimeout(r, 1000));
      const idle = m.memory().rssMb;
      m.resetPeak();
      const seconds = await importOnce(m, up.url, `Guide ${target}`);
      rows.push({
        sizeMb: Math.round(sizeMb),
        channels,
        programmes: channels * perChannel,
        idleRssMb: Math.round(idle),
        peakRssMb: Math.round(m.memory().peakMb),
        seconds: Math.round(seconds * 10) / 10,
      });
    } finally {
      await m.close();
      await up.close();
      await Deno.remove(dir, { recursive: true });
    }
  }
  return rows;
}

if (import.meta.main) {
  const sizes = Deno.args.length ? Deno.args.map(Number) : [32, 320];
  for (const r of await benchGuideMemory(sizes)) console.log(JSON.stringify(r));
}
