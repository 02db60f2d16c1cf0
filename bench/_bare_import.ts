/**
 * The import path alone, for comparison with the manager: startImport() twice in a process of its
 * own with a KV file and a ChannelIndex holding the channels (as the manager's does), and none of
 * the manager's other work (HTTP API, icon cache). Prints one JSON line per import.
 * Run: deno run -A bench/_bare_import.ts <playlist URL>
 */
import { loadConfig } from "../common/config.ts";
import { createUpstreamPlaylist } from "../common/db/upstream_playlists.ts";
import { startImport } from "../common/import/playlist_import.ts";
import { ChannelIndex } from "../common/db/channel_index.ts";

/** Figures of one bare import. */
export interface BareImportFigures {
  runMs: number;
  cpuMs: number;
  peakRssMb: number;
  kept: number;
}

/** Runs `_bare_import.ts` as a child process against `url`; answers the first and second run. */
export async function bareImports(url: string): Promise<BareImportFigures[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, url],
    cwd: new URL("../", import.meta.url).pathname,
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("The bare import failed");
  return new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => JSON.parse(l));
}

function procStatus(): { cpuMs: number; peakMb: number } {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const hwm = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
  return { cpuMs: (Number(f[11]) + Number(f[12])) * 10, peakMb: Number(hwm?.[1] ?? 0) / 1024 };
}

if (import.meta.main) {
  const dataDir = await Deno.makeTempDir({ prefix: "iptv-bare-" });
  const kv = await Deno.openKv(`${dataDir}/bench.kv`);
  try {
    const config = loadConfig({
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: "unused here",
      MAX_PLAYLIST_MB: "1024",
      ALLOWED_PRIVATE_HOSTS: "127.0.0.1",
    });
    const playlist = await createUpstreamPlaylist(kv, {
      name: "Bench",
      url: Deno.args[0],
      path: "",
      userAgentId: null,
      excludedGroups: [],
      maxConnections: 1,
      refreshMinutes: 0,
      enabled: true,
    });
    const index = new ChannelIndex();
    for (let i = 0; i < 2; i++) {
      // Let the previous run's clean-up of its old generation finish first.
      await new Promise((r) => setTimeout(r, 3000));
      Deno.writeTextFileSync("/proc/self/clear_refs", "5");
      const before = procStatus();
      const { done } = await startImport(kv, playlist.id, { settings: config });
      const run = await done;
      // What the manager's channel index does when the change feed says the playlist moved.
      await index.refresh(kv);
      if (run.status !== "ok") throw new Error(run.error ?? "The import failed");
      const after = procStatus();
      const figures: BareImportFigures = {
        runMs: run.durationMs ?? NaN,
        cpuMs: after.cpuMs - before.cpuMs,
        peakRssMb: after.peakMb,
        kept: run.counts.kept,
      };
      console.log(JSON.stringify(figures));
    }
  } finally {
    kv.close();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
}
