import { deepEqual, equal, match, ok as assert, rejects } from "node:assert/strict";
import { ulid } from "ulid";
import { waitFor } from "../../testing/harness.ts";
import { createEpg, getEpg } from "../db/epgs.ts";
import {
  channelChunkKey,
  channelsOfPlaylistPrefix,
  epgGenerationKey,
  epgImportLockKey,
  epgImportRunKey,
  epgKey,
  upstreamPlaylistKey,
} from "../db/keys.ts";
import { createUpstreamPlaylist } from "../db/upstream_playlists.ts";
import { ConflictError } from "../errors.ts";
import type { Epg } from "../xmltv/schemas.ts";
import {
  DIED,
  GUIDES,
  InterruptedError,
  type LeaseValue,
  LOST_LEASE,
  PLAYLISTS,
  reconcileSources,
  type RunLease,
  type RunRecord,
  SHUT_DOWN,
  startRun,
  stopRuns,
} from "./mod.ts";

async function setup() {
  const kv = await Deno.openKv(":memory:");
  const epg = await createEpg(kv, {
    name: "Guide",
    url: "http://127.0.0.1:1/guide.xml",
    path: "",
    userAgentId: null,
    refreshMinutes: 0,
    enabled: true,
  });
  return { kv, epg, leaseKey: epgImportLockKey(epg.id) };
}

function newRun(sourceId: string, startedAt = new Date()): RunRecord & { epgId: string } {
  return {
    id: ulid(startedAt.getTime()),
    epgId: sourceId,
    status: "running",
    startedAt: startedAt.toISOString(),
    finishedAt: null,
    durationMs: null,
    error: null,
    warnings: [],
  };
}

function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => open = r);
  return { wait, open };
}

/** Points the guide at the run's generation through its lease, as an importer does. */
async function switchTo(kv: Deno.Kv, lease: RunLease<RunRecord>, epgId: string): Promise<boolean> {
  const cur = await kv.get<Epg>(epgKey(epgId));
  const op = kv.atomic().check(cur).set(epgKey(epgId), {
    ...cur.value!,
    generation: lease.generation,
  });
  return await lease.commit(op);
}

Deno.test("startRun() renews the heartbeat on a timer of its own and ends by removing the lease", async () => {
  const { kv, epg, leaseKey } = await setup();
  try {
    const g = gate();
    const run = newRun(epg.id);
    const started = await startRun(kv, {
      kind: GUIDES,
      source: epg,
      run,
      heartbeatMs: 30,
      work: () => g.wait,
    });
    const first = (await kv.get<LeaseValue>(leaseKey)).value!;
    equal(first.runId, run.id);
    assert(first.generation);
    await waitFor(
      async () => ((await kv.get<LeaseValue>(leaseKey)).value?.heartbeat ?? 0) > first.heartbeat,
      "a heartbeat",
    );
    g.open();
    equal((await started.done).status, "ok");
    equal((await kv.get(leaseKey)).versionstamp, null);
    const stored = (await kv.get<RunRecord>(epgImportRunKey(epg.id, run.id))).value!;
    equal(stored.status, "ok");
    assert(stored.finishedAt && stored.durationMs !== null);
  } finally {
    kv.close();
  }
});

Deno.test("a run declared stale cannot overwrite or delete its successor's lease", async () => {
  const { kv, epg, leaseKey } = await setup();
  try {
    const gateA = gate();
    const refused: string[] = [];
    const a = await startRun(kv, {
      kind: GUIDES,
      source: epg,
      run: newRun(epg.id),
      work: async (l) => {
        await gateA.wait;
        // Every kind of late commit: a progress save, the switch, a check of the lease.
        for (
          const attempt of [
            () => l.save(true),
            () => switchTo(kv, l, epg.id),
            () => l.ensureHeld(),
          ]
        ) {
          await attempt().catch((err) =>
            refused.push(err instanceof InterruptedError ? "yes" : err)
          );
        }
      },
    });
    // A manager that judged A's heartbeat stale ends it.
    deepEqual((await reconcileSources(kv, { staleMs: 0 })).interrupted, [
      `guide/${epg.id}/${a.run.id}`,
    ]);
    const gateB = gate();
    const b = await startRun(kv, {
      kind: GUIDES,
      source: epg,
      run: newRun(epg.id),
      heartbeatMs: 60_000,
      work: async (l) => {
        await gateB.wait;
        equal(await switchTo(kv, l, epg.id), true);
      },
    });
    const successor = await kv.get<LeaseValue>(leaseKey);
    equal(successor.value!.runId, b.run.id);

    gateA.open();
    const endA = await a.done;
    deepEqual(refused, ["yes", "yes", "yes"]);
    equal(endA.status, "failed");
    equal(endA.error, `Cannot import guide "Guide": ${LOST_LEASE}`);
    // A's finish did not touch B's lease, nor its own record as the reconciler wrote it.
    deepEqual(await kv.get<LeaseValue>(leaseKey), successor);
    const recordA = (await kv.get<RunRecord>(epgImportRunKey(epg.id, a.run.id))).value!;
    equal(recordA.error, `Cannot import guide "Guide": ${DIED}`);
    equal((await getEpg(kv, epg.id)).generation, null);

    gateB.open();
    const endB = await b.done;
    equal(endB.status, "ok", endB.error ?? "");
    equal((await getEpg(kv, epg.id)).generation, successor.value!.generation);
    equal((await kv.get(leaseKey)).versionstamp, null);
  } finally {
    kv.close();
  }
});

Deno.test("startRun() takes over a stale lease, ending the dead run, and refuses a live one", async () => {
  const { kv, epg, leaseKey } = await setup();
  try {
    const dead = newRun(epg.id, new Date(Date.now() - 60_000));
    const partial = ulid();
    await kv.atomic().set(epgImportRunKey(epg.id, dead.id), dead)
      .set(epgGenerationKey(epg.id, partial), { runId: dead.id })
      .set(leaseKey, { runId: dead.id, generation: partial, heartbeat: Date.now() - 5_000 })
      .commit();
    await rejects(
      startRun(kv, { kind: GUIDES, source: epg, run: newRun(epg.id), work: async () => {} }),
      (err) => err instanceof ConflictError && /"Guide" is already running/.test(err.message),
    );
    await kv.set(leaseKey, { runId: dead.id, generation: partial, heartbeat: Date.now() - 15_000 });
    const next = await startRun(kv, {
      kind: GUIDES,
      source: epg,
      run: newRun(epg.id),
      work: async (l) => {
        equal(await switchTo(kv, l, epg.id), true);
      },
    });
    equal((await next.done).status, "ok");
    const ended = (await kv.get<RunRecord>(epgImportRunKey(epg.id, dead.id))).value!;
    equal(ended.status, "failed");
    match(ended.error!, /interrupted/);
    equal((await kv.get(epgGenerationKey(epg.id, partial))).versionstamp, null);
  } finally {
    kv.close();
  }
});

Deno.test("stopRuns() ends this process's runs as interrupted and releases their leases", async () => {
  const { kv, epg, leaseKey } = await setup();
  try {
    const run = newRun(epg.id);
    const started = await startRun(kv, {
      kind: GUIDES,
      source: epg,
      run,
      work: (l) =>
        new Promise((_, reject) => {
          l.signal.addEventListener("abort", () => reject(l.signal.reason), { once: true });
        }),
    });
    await stopRuns(kv);
    const ended = await started.done;
    equal(ended.error, `Cannot import guide "Guide": ${SHUT_DOWN}`);
    equal((await kv.get(leaseKey)).versionstamp, null);
    equal((await kv.get<RunRecord>(epgImportRunKey(epg.id, run.id))).value!.status, "failed");
  } finally {
    kv.close();
  }
});

Deno.test("a failed playlist run leaves only the generation its playlist points at", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const p = await createUpstreamPlaylist(kv, {
      name: "Provider",
      url: "http://127.0.0.1:1/list.m3u",
      path: "",
      userAgentId: null,
      excludedGroups: [],
      maxConnections: 1,
      refreshMinutes: 0,
      enabled: true,
    });
    const [current, crashed] = [ulid(), ulid()];
    for (const g of [current, crashed]) {
      await kv.set(channelChunkKey(p.id, g, 0), []);
      await kv.set(channelChunkKey(p.id, g, 100), []);
    }
    await kv.set(upstreamPlaylistKey(p.id), { ...p, generation: current });
    const run = { ...newRun(p.id), playlistId: p.id };
    const started = await startRun(kv, {
      kind: PLAYLISTS,
      source: p,
      run,
      work: async (l) => {
        await kv.set(channelChunkKey(p.id, l.generation, 0), []);
        throw new Error("upstream answered 503");
      },
    });
    const ended = await started.done;
    equal(ended.error, `Cannot import playlist "Provider": upstream answered 503`);
    const generations = new Set<string>();
    for await (const e of kv.list({ prefix: channelsOfPlaylistPrefix(p.id) })) {
      generations.add(String(e.key[2]));
    }
    deepEqual(generations, new Set([current]));
  } finally {
    kv.close();
  }
});
