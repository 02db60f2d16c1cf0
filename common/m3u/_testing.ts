// Helpers shared by the m3u tests: fixture paths and a byte stream cut into tiny chunks.

import { parseM3uStream } from "./parser.ts";
import type { M3uEntry, M3uSummary } from "./types.ts";

/** Directory of the real playlists (testdata/m3u). */
export const M3U_DIR = new URL("../../testdata/m3u/", import.meta.url);

/** Expected entries and orphans of each real playlist (testdata README). */
export const REAL_PLAYLISTS: readonly [file: string, entries: number, orphans: number][] = [
  ["free-tv_playlist_2026-08-22.m3u8", 2059, 0],
  ["kodinerds_dash.m3u", 42, 0],
  ["kodinerds_kodi.m3u", 677, 0],
  ["kodinerds_pipe.m3u", 677, 0],
  ["fanmingming_tv-ipv6.m3u", 411, 0],
  ["fanmingming_tv-global.m3u", 317, 0],
  ["fanmingming_radio-index.m3u", 450, 3],
];

/** Paths (relative to testdata/m3u) of the 305 iptv-org stream files, sorted. */
export function iptvOrgFiles(): string[] {
  const names = [...Deno.readDirSync(new URL("iptv-org-streams/", M3U_DIR))]
    .filter((e) => e.isFile && e.name.endsWith(".m3u"))
    .map((e) => `iptv-org-streams/${e.name}`);
  return names.sort();
}

/** Reads a file of testdata/m3u as UTF-8 text. */
export function readPlaylist(path: string): string {
  return Deno.readTextFileSync(new URL(path, M3U_DIR));
}

/** Reads a file of testdata/m3u as bytes. */
export function readPlaylistBytes(path: string): Uint8Array {
  return Deno.readFileSync(new URL(path, M3U_DIR));
}

/** A byte stream delivering `bytes` in chunks of `size` bytes (so CRLF and UTF-8 get split). */
export function chunkedStream(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

/** Drains `parseM3uStream` and returns every entry, the batch sizes and the summary. */
export async function parseStreamFully(
  body: ReadableStream<Uint8Array>,
  batchSize?: number,
): Promise<M3uSummary & { entries: M3uEntry[]; batches: number[] }> {
  const gen = parseM3uStream(body, { batchSize });
  const entries: M3uEntry[] = [];
  const batches: number[] = [];
  while (true) {
    const step = await gen.next();
    if (step.done) return { ...step.value, entries, batches };
    batches.push(step.value.length);
    entries.push(...step.value);
  }
}

/** Entries without their line numbers (which a round trip through the writer changes). */
export function withoutLines(entries: M3uEntry[]): Omit<M3uEntry, "line">[] {
  return entries.map(({ line: _line, ...rest }) => rest);
}
