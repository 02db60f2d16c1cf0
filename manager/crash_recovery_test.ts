import { deepEqual, equal, match, ok as assert } from "node:assert/strict";
import { channelsOfPlaylistPrefix, importLockKey, importRunsPrefix } from "../common/db/keys.ts";
import { apiClient, serveLocal, waitFor } from "../testing/harness.ts";
import { type ManagerProcess, startManagerProcess } from "../testing/manager_process.ts";
import { ensureIslandBundle } from "./islands/bundle.ts";

const ENTRIES = 20_000;

function entry(i: number): string {
  return `#EXTINF:-1 tvg-id="c${i}" group-title="Group ${i % 20}",Channel ${i}\n` +
    `http://127.0.0.1:9/live/${i}.ts\n`;
}

const PLAYLIST = "#EXTM3U\n" + Array.from({ length: ENTRIES }, (_, i) => entry(i)).join("");

/**
 * An upstream that answers the whole playlist at once, or (slow) the same entries and then one
 * more every 100 ms for as long as the client reads.
 */
function upstream() {
  let slow = false;
  const server = serveLocal(() => {
    if (!slow) return new Response(PLAYLIST);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let i = ENTRIES;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(PLAYLIST));
      },
      pull(c) {
        return new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            c.enqueue(new TextEncoder().encode(entry(i++)));
            resolve();
          }, 100);
        });
      },
      cancel() {
        clearTimeout(timer);
      },
    });
    return new Response(body);
  });
  return { ...server, setSlow: (on: boolean) => slow = on };
}

/** What KV holds of one playlist: chunks per generation, runs, and whether a lease exists. */
async function census(kv: Deno.Kv, playlistId: string) {
  const generations: Record<string, number> = {};
  for await (const e of kv.list({ prefix: channelsOfPlaylistPrefix(playlistId) })) {
    const g = String(e.key[2]);
    generations[g] = (generations[g] ?? 0) + 1;
  }
  let runs = 0;
  for await (const _ of kv.list({ prefix: importRunsPrefix(playlistId) })) runs++;
  const lease = (await kv.get(importLockKey(playlistId))).versionstamp !== null;
  return { generations, runs, lease };
}

// Sanitizers stay on: the child process, its pipes, the upstream and the KV handle are all
// closed before the test ends.
Deno.test(
  "a manager killed with SIGKILL during an import marks the run interrupted after a restart and leaves no orphaned keys",
  async () => {
    // Built here once, so neither child starts `deno bundle` (and no kill leaves one orphaned).
    await ensureIslandBundle();
    const dataDir = await Deno.makeTempDir({ prefix: "iptv-crash-" });
    const up = upstream();
    let manager: ManagerProcess | null = await startManagerProcess(dataDir);
    let kv: Deno.Kv | null = null;
    try {
      let call = apiClient(manager);
      const created = await call("POST", "/upstream-playlists", {
        name: "Slow provider",
        url: `${up.url}/list.m3u`,
        refreshMinutes: 0,
      });
      equal(created.status, 201, JSON.stringify(created.body));
      const id: string = created.body.id;
      const lastImport = async () =>
        (await call("GET", `/upstream-playlists/${id}`)).body.lastImport;

      // A first import completes: the playlist has a generation to keep.
      equal((await call("POST", `/upstream-playlists/${id}/import`)).status, 202);
      await waitFor(async () => (await lastImport())?.status === "ok", "the first import");
      kv = await Deno.openKv(`${dataDir}/iptv.kv`);
      const before = await census(kv, id);
      const [current] = Object.keys(before.generations);
      deepEqual(Object.keys(before.generations), [current]);
      deepEqual({ runs: before.runs, lease: before.lease }, { runs: 1, lease: false });

      // The second import trickles on: kill the manager once part of its generation is stored.
      up.setSlow(true);
      const started = await call("POST", `/upstream-playlists/${id}/import`);
      equal(started.status, 202);
      const kvNow = kv;
      await waitFor(async () => {
        const c = await census(kvNow, id);
        return c.lease && Object.keys(c.generations).some((g) => g !== current);
      }, "chunks of the new generation");
      equal((await lastImport()).status, "running");
      const killedAt = Date.now();
      equal((await manager.stop("SIGKILL")).signal, "SIGKILL");
      manager = null;
      const crashed = await census(kv, id);
      assert(crashed.lease, "the dead run's lease is left behind");
      assert(Object.keys(crashed.generations).length === 2, "with its partial generation");

      // Restarted on the same DATA_DIR: within 15 s of the last heartbeat (plus a 5 s tick) the
      // run is failed as interrupted, its lease is gone and its generation collected.
      manager = await startManagerProcess(dataDir);
      call = apiClient(manager);
      const ended = await waitFor(
        async () => {
          const last = await lastImport();
          return last?.status === "failed" ? last : null;
        },
        "the interrupted run to be failed",
        30_000,
      );
      const took = Date.now() - killedAt;
      equal(ended.id, started.body.id);
      match(ended.error, /interrupted/);
      assert(ended.finishedAt);
      assert(took >= 14_000 && took < 25_000, `marked failed ${took} ms after the kill`);
      deepEqual(await census(kv, id), { ...before, runs: 2 });

      // The next import runs and succeeds; nothing of the crashed run remains.
      up.setSlow(false);
      equal((await call("POST", `/upstream-playlists/${id}/import`)).status, 202);
      const next = await waitFor(async () => {
        const last = await lastImport();
        return last?.status === "ok" && last.id !== ended.id ? last : null;
      }, "the next import");
      equal(next.counts.channels, ENTRIES);
      const after = await census(kv, id);
      const playlist = (await call("GET", `/upstream-playlists/${id}`)).body;
      deepEqual(after, {
        generations: { [playlist.generation]: before.generations[current] },
        runs: 3,
        lease: false,
      });
      match(manager.output(), /interrupted/);
    } finally {
      kv?.close();
      await manager?.stop("SIGTERM");
      await up.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
);
