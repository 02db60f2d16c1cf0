import { deepEqual, equal } from "node:assert/strict";
import { serveLocal, testConfig, waitFor } from "../../testing/harness.ts";
import { listGroups } from "../db/groups.ts";
import { channelsOfPlaylistPrefix, importRunKey } from "../db/keys.ts";
import type { ImportRun } from "../schemas.ts";
import { createUpstreamPlaylist, getUpstreamPlaylist } from "../db/upstream_playlists.ts";
import { DIED, LOST_LEASE, reconcileSources } from "../sources/mod.ts";
import { startImport } from "./playlist_import.ts";

const entries = (from: number, to: number) =>
  Array.from(
    { length: to - from },
    (_, i) =>
      `#EXTINF:-1 group-title="G${(from + i) % 7}",Channel ${from + i}\nhttp://a.invalid/${
        from + i
      }.ts\n`,
  ).join("");

Deno.test(
  "a playlist import fenced out by another manager never switches and leaves no chunks",
  async () => {
    const config = await testConfig();
    const kv = await Deno.openKv(":memory:");
    let release!: () => void;
    const gate = new Promise<void>((r) => release = r);
    let slow = false;
    const up = serveLocal(() => {
      if (!slow) return new Response("#EXTM3U\n" + entries(0, 3000));
      return new Response(
        new ReadableStream<Uint8Array>({
          async start(c) {
            // Enough entries for whole batches of chunks to be committed, then a stall.
            c.enqueue(new TextEncoder().encode("#EXTM3U\n" + entries(0, 20_000)));
            await gate;
            c.close();
          },
        }),
      );
    });
    try {
      const p = await createUpstreamPlaylist(kv, {
        name: "Provider",
        url: up.url,
        path: "",
        userAgentId: null,
        excludedGroups: [],
        maxConnections: 1,
        refreshMinutes: 0,
        enabled: true,
      });
      const first = await startImport(kv, p.id, { settings: config });
      equal((await first.done).status, "ok");
      const current = (await getUpstreamPlaylist(kv, p.id)).generation;
      const groups = await listGroups(kv, p.id);
      const chunks = async () => {
        const gens = new Map<string, number>();
        for await (const e of kv.list({ prefix: channelsOfPlaylistPrefix(p.id) })) {
          gens.set(String(e.key[2]), (gens.get(String(e.key[2])) ?? 0) + 1);
        }
        return gens;
      };
      const before = await chunks();

      slow = true;
      const second = await startImport(kv, p.id, {
        settings: config,
        timing: { heartbeatMs: 100 },
      });
      await waitFor(async () => (await chunks()).size === 2, "chunks of the new generation");
      // A heartbeat landing between the reconciler's read and its checked commit makes it leave
      // the run to its next pass (the run is alive then): ask until it is interrupted.
      const interrupted = await waitFor(async () => {
        const r = (await reconcileSources(kv, { staleMs: 0 })).interrupted;
        return r.length ? r : null;
      }, "the run to be interrupted");
      deepEqual(interrupted, [`playlist/${p.id}/${second.run.id}`]);
      const run = await second.done;
      release();
      equal(run.error, `Cannot import playlist "Provider": ${LOST_LEASE}`);
      // The record is the reconciler's: the run's own late commits were refused.
      const stored = await kv.get<ImportRun>(importRunKey(p.id, run.id));
      equal(stored.value!.error, `Cannot import playlist "Provider": ${DIED}`);
      equal((await getUpstreamPlaylist(kv, p.id)).generation, current);
      deepEqual(await chunks(), before);
      deepEqual(await listGroups(kv, p.id), groups);
    } finally {
      release();
      await up.close();
      kv.close();
      await Deno.remove(config.dataDir, { recursive: true });
    }
  },
);
