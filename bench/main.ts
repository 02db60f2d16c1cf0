/**
 * Runs every benchmark in one go (`deno task bench`): prints each figure beside its target and,
 * where there is one, a peer's figure, as Markdown tables, and writes them to bench/results.md.
 */
import { benchImport, type ImportBenchResult, spawnManager, waitIdle } from "./import_bench.ts";
import { benchSearch, type SearchRow } from "./search_bench.ts";
import { benchEpg } from "./epg_bench.ts";
import { benchGuideCut, guideCutTable } from "./guide_cut_bench.ts";
import { benchChangeVisible } from "./change_visible_bench.ts";
import { benchGuideMemory } from "./guide_memory_bench.ts";
import { benchPlaylistServe, playlistServeTable } from "./playlist_serve_bench.ts";
import { benchProxy, proxyBenchTables } from "./proxy_bench.ts";

const IMPORT_TARGET_MS = 3000;
const RSS_TARGET_MB = 250;
const PAGE_TARGET_MS = 100;
const PARSE_BENCH = new URL("./m3u_parse_bench.ts", import.meta.url);

/** What bench/m3u_parse_bench.ts exports (written separately; loaded only when present). */
interface M3uParseBench {
  benchM3uParse(): Promise<{
    rows: { parser: string; ms: number; entries: number; mbPerS: number }[];
    sizeMb: number;
  }>;
}

function verdict(ok: boolean): string {
  return ok ? "met" : "**missed**";
}

function s(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function mb(n: number): string {
  return `${Math.round(n)} MB`;
}

function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  } catch {
    return "unknown";
  }
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

async function parseSection(): Promise<string> {
  const exists = await Deno.stat(PARSE_BENCH).then(() => true, () => false);
  if (!exists) return "## M3U parse\n\nSkipped: bench/m3u_parse_bench.ts does not exist yet.";
  let mod: M3uParseBench;
  try {
    // A specifier in a variable: the type check does not depend on a file owned elsewhere.
    const specifier = PARSE_BENCH.href;
    mod = await import(specifier) as M3uParseBench;
  } catch (err) {
    return `## M3U parse\n\nSkipped: bench/m3u_parse_bench.ts did not load (${
      (err as Error).message.split("\n")[0]
    }).`;
  }
  const { rows, sizeMb } = await mod.benchM3uParse();
  const ours = rows[0];
  const fastestPeer = Math.min(...rows.slice(1).map((r) => r.ms));
  const ratio = fastestPeer / ours.ms;
  return [
    `## M3U parse (${sizeMb} MB of the real playlists in testdata/m3u, median after warm-up)`,
    "",
    table(
      ["Parser", "Time", "Entries", "MB/s"],
      rows.map((r) => [r.parser, `${r.ms} ms`, String(r.entries), String(r.mbPerS)]),
    ),
    "",
    table(["Measure", "Ours", "Target", "Peer", "Verdict"], [[
      "speed against the fastest npm parser",
      `${ratio.toFixed(1)}x`,
      "≥ 2x",
      `${fastestPeer} ms`,
      verdict(ratio >= 2),
    ]]),
  ].join("\n");
}

function importSection(r: ImportBenchResult): string {
  const floor = `download ${s(r.downloadMs)}${
    r.curlMs === null ? "" : ` (curl ${s(r.curlMs)})`
  } + parse ${s(r.parseStreamMs)}`;
  const runs = [["first import", r.first, r.bare[0]], ["re-import", r.second, r.bare[1]]] as const;
  const rows = runs.flatMap(([name, f, bare]) => [
    [
      `${name}: request to completed run`,
      s(f.ms),
      `≤ ${s(IMPORT_TARGET_MS)}`,
      `${s(bare.runMs)} (CPU ${s(bare.cpuMs)})`,
      floor,
      verdict(f.ms <= IMPORT_TARGET_MS),
    ],
    [
      `${name}: peak RSS during the run`,
      mb(f.peakRssMb),
      `≤ ${RSS_TARGET_MB} MB`,
      mb(bare.peakRssMb),
      `manager idle before: ${mb(r.startRssMb)}`,
      verdict(f.peakRssMb <= RSS_TARGET_MB),
    ],
  ]);
  const detail = runs.map(([name, f]) => [
    name,
    s(f.runMs),
    s(f.cpuMs),
    s(f.observedMs),
    `${f.counts.added} / ${f.counts.kept} / ${f.counts.missing}`,
    mb(f.peakAfterMb),
    s(f.busyAfterMs),
  ]);
  return [
    `## Import of a generated ${r.entries.toLocaleString("en")}-entry playlist (${
      r.sizeMb.toFixed(1)
    } MB over HTTP on 127.0.0.1, ${r.first.counts.groups} groups)`,
    "",
    "No runnable peer IPTV manager exists here. Beside the manager's figures: the import path",
    "alone (startImport() in a bare process with a channel index, no HTTP API, no icon cache),",
    "and the floor: what the same file costs to download and to parse alone (parseM3uStream).",
    "",
    table(["Measure", "Manager", "Target", "Import path alone", "Floor", "Verdict"], rows),
    "",
    table(
      [
        "Manager run",
        "run.durationMs",
        "manager CPU during the run",
        "seen done by a poll",
        "added / kept / missing",
        "peak RSS incl. work after the run",
        "manager busy after the run",
      ],
      detail,
    ),
    "",
    `Parse of the same text in one string (parseM3uText): ${s(r.parseTextMs)}.`,
    "",
    table(["Measure", "Manager", "Target", "Verdict"], [[
      "idle RSS above the empty manager, per 1,000 channels held",
      `${
        (((r.idleRssMb - r.startRssMb) * 1024) / (r.first.counts.channels / 1000)).toFixed(0)
      } KB` +
      ` (${mb(r.idleRssMb)} holding them, ${mb(r.startRssMb)} empty)`,
      "≤ 1,024 KB",
      verdict(((r.idleRssMb - r.startRssMb) * 1024) / (r.first.counts.channels / 1000) <= 1024),
    ]]),
  ].join("\n");
}

function searchSection(rows: SearchRow[], channels: number): string {
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  return [
    `## Channel search over ${channels.toLocaleString("en")} channels (50 a page, ${
      rows[0]?.runs ?? 0
    } requests each after 3 warm-ups)`,
    "",
    table(
      ["Request", "Query", "Matches", "Median", "p95", "Size", "Target", "Verdict"],
      rows.map((r) => [
        r.endpoint === "API" ? "GET /api/v1/channels" : "GET /admin/channels",
        r.label,
        r.total === null ? "" : String(r.total),
        ms(r.medianMs),
        ms(r.p95Ms),
        `${r.kb.toFixed(0)} KB`,
        `< ${PAGE_TARGET_MS} ms`,
        verdict(r.p95Ms < PAGE_TARGET_MS && r.medianMs < PAGE_TARGET_MS),
      ]),
    ),
  ].join("\n");
}

async function epgSection(): Promise<{ text: string; peerPeakMb: number | null }> {
  const { rows, notes } = await benchEpg();
  const ours = rows.find((r) => r.name.startsWith("ours: parse") && r.name.includes("324")) ??
    rows[0];
  const peer = rows.find((r) => r.name.startsWith("@iptv/xmltv"));
  const lines = [
    "## Guide import (generated XMLTV, 3,000 channels, 600,000 programmes)",
    "",
    table(
      ["Run", "MB/s", "Peak RSS", "Seconds"],
      rows.map((r) => [r.name, String(r.mbPerS), mb(r.peakRssMb), String(r.seconds)]),
    ),
  ];
  if (peer) {
    lines.push(
      "",
      table(["Measure", "Ours", "Target", "Peer", "Verdict"], [
        [
          "parse speed",
          `${ours.mbPerS} MB/s (${(ours.mbPerS / peer.mbPerS).toFixed(1)}x)`,
          "≥ 2x the peer",
          `${peer.mbPerS} MB/s`,
          verdict(ours.mbPerS >= 2 * peer.mbPerS),
        ],
        [
          "peak memory",
          mb(ours.peakRssMb),
          "≤ half the peer",
          mb(peer.peakRssMb),
          verdict(ours.peakRssMb <= peer.peakRssMb / 2),
        ],
      ]),
    );
  }
  if (notes.length) lines.push("", ...notes.map((n) => `- ${n}`));
  return { text: lines.join("\n"), peerPeakMb: peer?.peakRssMb ?? null };
}

async function changeVisibleSection(): Promise<string> {
  const rows = await benchChangeVisible();
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  return [
    "## Change to visible (50 edits of a downstream playlist's groups over 10,000 channels)",
    "",
    "From the edit's API response to the first playlist request that shows it. No peer manager",
    "runs here; beside it, a playlist request that finds nothing new (the floor).",
    "",
    table(
      ["Edit", "Median", "Worst", "Target", "Verdict"],
      rows.map((r) => [
        r.edit,
        ms(r.medianMs),
        ms(r.worstMs),
        Number.isNaN(r.targetMs) ? "" : `< ${r.targetMs} ms`,
        Number.isNaN(r.targetMs) ? "" : verdict(r.worstMs < r.targetMs),
      ]),
    ),
  ].join("\n");
}

async function guideMemorySection(peakOfPeer: number | null): Promise<string> {
  const rows = await benchGuideMemory([32, 320]);
  return [
    "## The manager's memory during a whole guide import (download, parse, store, icons)",
    "",
    "Peak RSS of the manager process, measured from /proc like a user would see it, importing a",
    "generated guide grouped channel by channel (3,805 channels, like a real 32 MB guide).",
    peakOfPeer === null
      ? ""
      : `Beside it: @iptv/xmltv parsing the 324 MB guide alone peaked at ${
        Math.round(peakOfPeer)
      } MB.`,
    "",
    table(
      ["Guide", "Programmes", "Idle before", "Peak", "Import", "Target", "Verdict"],
      rows.map((r) => [
        `${r.sizeMb} MB`,
        r.programmes.toLocaleString("en"),
        mb(r.idleRssMb),
        mb(r.peakRssMb),
        `${r.seconds} s`,
        "≤ 180 MB",
        verdict(r.peakRssMb <= 180),
      ]),
    ),
  ].join("\n");
}

if (import.meta.main) {
  const started = new Date();
  const loadBefore = loadAverage();
  const sections: string[] = [];
  const emit = (text: string) => {
    console.log(`\n${text}`);
    sections.push(text);
  };
  emit(await parseSection());
  const manager = await spawnManager();
  try {
    const imported = await benchImport(manager);
    emit(importSection(imported));
    await waitIdle(manager);
    emit(searchSection(await benchSearch(manager), imported.first.counts.channels));
  } finally {
    await manager.close();
  }
  emit(
    `## Playlist serving (wrk -t2 -c16 against nginx serving the same bytes)\n\n${
      playlistServeTable(await benchPlaylistServe())
    }`,
  );
  const proxyLoad = loadAverage();
  const proxy = await benchProxy();
  emit(
    `## Streaming proxy (against nginx as a live-stream reverse proxy; load average ${proxyLoad} ` +
      `before, ${loadAverage()} after)\n\n${proxyBenchTables(proxy)}`,
  );
  emit(await changeVisibleSection());
  const epg = await epgSection();
  emit(epg.text);
  emit(await guideMemorySection(epg.peerPeakMb));
  emit(`## Guide of one playlist\n\n${guideCutTable(await benchGuideCut())}`);
  const header = [
    "# Benchmarks",
    "",
    `Run ${started.toISOString()} with \`deno task bench\` (Deno ${Deno.version.deno}, ` +
    `${navigator.hardwareConcurrency} cores, load average ${loadBefore} before and ` +
    `${loadAverage()} after). The manager runs as its own process (\`deno run -A ` +
    "manager/main.ts`, fresh DATA_DIR, ICON_CACHE=false so no logo is fetched); the upstream " +
    "server and the clients run in the benchmark's process. Times are wall-clock on a shared " +
    "machine: read them with the load average, and the CPU figures beside them.",
  ].join("\n");
  const out = new URL("./results.md", import.meta.url);
  await Deno.writeTextFile(out, `${header}\n\n${sections.join("\n\n")}\n`);
  console.log(`\nWritten to ${out.pathname}`);
}
