/**
 * Change to visible: the time from an API edit's response to the first playlist request that
 * shows it, over 50 edits of a downstream playlist's groups, with the edit made through the same
 * manager and through a second manager process on the same KV file. Beside it, the time of a
 * playlist request that finds nothing changed (served from the cache), as the floor.
 */
import { generatePlaylist } from "./_playlist.ts";
import { type ManagerProcess, servePlaylist, spawnManager } from "./import_bench.ts";

/** One row of the result. */
export interface ChangeVisibleRow {
  edit: string;
  medianMs: number;
  worstMs: number;
  targetMs: number;
}

const EDITS = 50;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function waitImport(m: ManagerProcess, id: string, runId: string): Promise<void> {
  const until = Date.now() + 300_000;
  while (Date.now() < until) {
    const p = await m.api<{ lastImport: { id: string; status: string; error: string } }>(
      "GET",
      `/api/v1/upstream-playlists/${id}`,
    );
    if (p.lastImport?.id === runId && p.lastImport.status !== "running") {
      if (p.lastImport.status !== "ok") throw new Error(p.lastImport.error);
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("The import did not finish");
}

/** Edits through `editor`, then asks `reader` for the playlist until the edit shows. */
async function measure(
  editor: ManagerProcess,
  url: string,
  id: string,
  input: Record<string, unknown>,
  groupSets: string[][],
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    const groups = groupSets[i % groupSets.length];
    await editor.api("PUT", `/api/v1/downstream-playlists/${id}`, { ...input, groups });
    const t0 = performance.now();
    // The first group's name shows in the first entry's group-title once the edit is visible.
    while (true) {
      const text = await (await fetch(url)).text();
      if (text.includes(`group-title="${groups[0]}"`)) break;
      if (performance.now() - t0 > 10_000) throw new Error("The edit never showed");
    }
    times.push(performance.now() - t0);
  }
  return times;
}

/** Runs the benchmark: one manager, then a second one on the same data folder. */
export async function benchChangeVisible(channels = 10_000): Promise<ChangeVisibleRow[]> {
  const m = await spawnManager();
  const up = servePlaylist(generatePlaylist(channels));
  let second: ManagerProcess | null = null;
  try {
    const p = await m.api<{ id: string }>("POST", "/api/v1/upstream-playlists", {
      name: "Bench",
      url: up.url,
    });
    const run = await m.api<{ id: string }>("POST", `/api/v1/upstream-playlists/${p.id}/import`);
    await waitImport(m, p.id, run.id);
    const groups = await m.api<{ items: { name: string }[] }>("GET", "/api/v1/groups");
    const names = [...new Set(groups.items.map((g) => g.name))].slice(0, 6);
    const d = await m.api<{ id: string; playlistUrl: string }>(
      "POST",
      "/api/v1/downstream-playlists",
      { name: "Bench", groups: names, streamMode: "direct" },
    );
    const url = m.base + new URL(d.playlistUrl).pathname + new URL(d.playlistUrl).search;
    const input = { name: "Bench", streamMode: "direct" };
    const sets = [names.slice(0, 3), names.slice(3, 6)];
    // The floor: a request that finds nothing new.
    await fetch(url).then((r) => r.text());
    const cached: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const t0 = performance.now();
      await (await fetch(url)).text();
      cached.push(performance.now() - t0);
    }
    const same = await measure(m, url, d.id, input, sets);
    second = await spawnManager({ dataDir: m.dataDir });
    const other = await measure(second, url, d.id, input, sets);
    return [
      {
        edit: "none (cached playlist request)",
        medianMs: median(cached),
        worstMs: Math.max(...cached),
        targetMs: NaN,
      },
      {
        edit: "through the same manager",
        medianMs: median(same),
        worstMs: Math.max(...same),
        targetMs: 250,
      },
      {
        edit: "through a second manager process",
        medianMs: median(other),
        worstMs: Math.max(...other),
        targetMs: 1000,
      },
    ];
  } finally {
    await second?.close();
    await up.close();
    await m.close();
  }
}

if (import.meta.main) {
  for (const r of await benchChangeVisible()) console.log(JSON.stringify(r));
}
