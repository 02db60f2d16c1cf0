/**
 * One measurement of the guide benchmark, run in its own process so its peak RSS is its own:
 *   deno run -A bench/_epg_child.ts parse|import|peer <guide.xml> [<work dir>]
 * Prints one JSON line: seconds, cpuSeconds, peakRssMb (VmHWM), channels, programmes, values.
 */
import { parseXmltv } from "@iptv/xmltv";
import { createEpg } from "../common/db/epgs.ts";
import { startEpgImport } from "../common/import/epg_import.ts";
import { parseXmltvStream } from "../common/xmltv/parser.ts";

/** What a child reports. */
export interface ChildResult {
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  channels: number;
  programmes: number;
  /** KV values the import wrote (import only) */
  values?: number;
}

function status(field: string): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(Deno.readTextFileSync("/proc/self/status"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** utime + stime of this process in seconds (/proc/self/stat, clock ticks of 1/100 s). */
function cpuSeconds(): number {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function ours(file: string): Promise<{ channels: number; programmes: number }> {
  const f = await Deno.open(file);
  const it = parseXmltvStream(f.readable);
  let step = await it.next();
  while (!step.done) step = await it.next();
  return step.value;
}

async function importInto(file: string, dir: string) {
  const kv = await Deno.openKv(`${dir}/bench.kv`);
  const epg = await createEpg(kv, {
    name: "Bench",
    url: "",
    path: file,
    userAgentId: null,
    refreshMinutes: 0,
    enabled: true,
  });
  const { done } = await startEpgImport(kv, epg.id, {
    settings: {
      dataDir: dir,
      userAgent: "bench",
      epgTimeout: 3600,
      maxEpgMb: 1024,
      allowedPrivateHosts: [],
    },
  });
  const run = await done;
  if (run.status !== "ok") throw new Error(run.error ?? "import failed");
  return { kv, counts: run.counts };
}

async function peer(file: string): Promise<{ channels: number; programmes: number }> {
  // @iptv/xmltv's documented API: parseXmltv(xmltvString) returns the whole guide as objects.
  const xmltv = parseXmltv(await Deno.readTextFile(file));
  return { channels: xmltv.channels?.length ?? 0, programmes: xmltv.programmes?.length ?? 0 };
}

if (import.meta.main) {
  const [mode, file, dir] = Deno.args;
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  let out: ChildResult;
  if (mode === "import") {
    const { kv, counts } = await importInto(file, dir);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds() - cpu0;
    const peakRssMb = status("VmHWM");
    let values = 0;
    for await (const _ of kv.list({ prefix: [] }, { batchSize: 1000 })) values++;
    kv.close();
    out = { seconds, cpuSeconds: cpu, peakRssMb, ...counts, values };
  } else {
    const counts = mode === "peer" ? await peer(file) : await ours(file);
    out = {
      seconds: (performance.now() - t0) / 1000,
      cpuSeconds: cpuSeconds() - cpu0,
      peakRssMb: status("VmHWM"),
      channels: counts.channels,
      programmes: counts.programmes,
    };
  }
  console.log(JSON.stringify(out));
}
