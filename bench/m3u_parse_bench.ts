// M3U parse benchmark: our scanner against the two npm parsers, on one ~8 MB text made of the
// real playlists in testdata/m3u. Run: deno run -A bench/m3u_parse_bench.ts

import { M3uParser as PeerParser } from "m3u-parser-generator";
import iptvPlaylistParser from "iptv-playlist-parser";
import { parseM3uText } from "../common/m3u/parser.ts";

/** One parser's result: median time of the measured runs and the entries it found. */
export interface M3uBenchRow {
  parser: string;
  ms: number;
  entries: number;
  mbPerS: number;
}

/** Options of `benchM3uParse`. */
export interface M3uBenchOptions {
  /** size of the text to parse, in MB (10^6 bytes of UTF-8); default 8 */
  targetMb?: number;
  /** measured runs per parser (after warm-up), at least 5; default 9 */
  runs?: number;
}

const TESTDATA = new URL("../testdata/m3u/", import.meta.url);

/** Builds the benchmark text: every testdata/m3u playlist, repeated until `targetMb` is reached. */
export async function buildBenchText(targetMb = 8): Promise<{ text: string; sizeMb: number }> {
  const files = await listPlaylists(TESTDATA);
  const parts: string[] = [];
  let bytes = 0;
  const target = targetMb * 1e6;
  const encoder = new TextEncoder();
  while (bytes < target) {
    for (const file of files) {
      let text = await Deno.readTextFile(file);
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      // Each part starts on its own line; the peers need #EXTM3U on the very first line.
      if (!text.endsWith("\n")) text += "\n";
      parts.push(text);
      bytes += encoder.encode(text).length;
      if (bytes >= target) break;
    }
  }
  const first = parts.findIndex((t) => t.startsWith("#EXTM3U"));
  if (first > 0) parts.unshift(...parts.splice(first, 1));
  return { text: parts.join(""), sizeMb: bytes / 1e6 };
}

/** Times our parser and the two npm peers on the same text, in this process. */
export async function benchM3uParse(
  options: M3uBenchOptions = {},
): Promise<{ rows: M3uBenchRow[]; sizeMb: number }> {
  const { text, sizeMb } = await buildBenchText(options.targetMb ?? 8);
  const runs = Math.max(5, options.runs ?? 9);
  const peer = new PeerParser({ ignoreErrors: true });
  const candidates: [string, () => number][] = [
    ["ours (parseM3uText)", () => parseM3uText(text).entries.length],
    ["m3u-parser-generator@5.0.2", () => peer.parse(text).medias.length],
    ["iptv-playlist-parser@0.15.2", () => iptvPlaylistParser.parse(text).items.length],
  ];
  // With --expose-gc (deno task bench sets it) every timed run starts on a collected heap, so
  // each parser pays for its own garbage only; parsers take turns so load spikes hit all alike.
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const entries = candidates.map(([, run]) => {
    let n = 0;
    for (let i = 0; i < 3; i++) n = run(); // warm-up: let the JIT settle
    return n;
  });
  const times: number[][] = candidates.map(() => []);
  for (let i = 0; i < runs; i++) {
    candidates.forEach(([, run], k) => {
      gc();
      const t0 = performance.now();
      entries[k] = run();
      times[k].push(performance.now() - t0);
    });
  }
  const rows: M3uBenchRow[] = candidates.map(([parser], k) => {
    const ms = median(times[k]);
    return { parser, ms: round(ms), entries: entries[k], mbPerS: round(sizeMb / (ms / 1000)) };
  });
  return { rows, sizeMb: round(sizeMb) };
}

async function listPlaylists(dir: URL): Promise<URL[]> {
  const found: URL[] = [];
  for await (const item of Deno.readDir(dir)) {
    if (item.isDirectory && item.name !== "edge") {
      found.push(...await listPlaylists(new URL(`${item.name}/`, dir)));
    } else if (item.isFile && /\.m3u8?$/.test(item.name)) found.push(new URL(item.name, dir));
  }
  return found.sort((a, b) => a.href.localeCompare(b.href));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

if (import.meta.main) {
  const { rows, sizeMb } = await benchM3uParse();
  console.log(`M3U parse, ${sizeMb} MB, median of runs after warm-up (Deno ${Deno.version.deno})`);
  console.table(rows);
  const ours = rows[0].ms;
  const fastestPeer = Math.min(...rows.slice(1).map((r) => r.ms));
  console.log(`ours is ${round(fastestPeer / ours)}x the fastest peer`);
}
