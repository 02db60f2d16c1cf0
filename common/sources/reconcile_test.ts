import { deepEqual, equal, match, ok as assert } from "node:assert/strict";
import { ulid } from "ulid";
import { serveLocal, testConfig, waitFor } from "../../testing/harness.ts";
import { createEpg, getEpg, lastEpgRun } from "../db/epgs.ts";
import {
  epgChannelKey,
  epgGenerationKey,
  epgImportLockKey,
  epgImportRunKey,
  epgImportRunsPrefix,
  epgProgrammesKey,
} from "../db/keys.ts";
import { startEpgImport } from "../import/epg_import.ts";
import type { EpgImportRun } from "../xmltv/schemas.ts";
import { DIED, KEEP_RUNS, type LeaseValue, LOST_LEASE, reconcileSources } from "./mod.ts";

const FREEVIEW = new URL("../../testdata/xmltv/freeview-epg_uk-ie_2026-08-22.xml", import.meta.url);

async function setup() {
  const config = await testConfig();
  const kv = await Deno.openKv(":memory:");
  await Deno.copyFile(FREEVIEW, `${config.dataDir}/guide.xml`);
  const epg = await createEpg(kv, {
    name: "Freeview",
    url: "",
    path: "guide.xml",
    userAgentId: null,
    refreshMinutes: 0,
    enabled: true,
  });
  return {
    config,
    kv,
    epg,
    async importOnce(): Promise<EpgImportRun> {
      const { done } = await startEpgImport(kv, epg.id, {
        settings: config,
        oldGenerationGraceMs: 0,
      });
      return await done;
    },
    /** Every key that names the guide, as JSON, sorted. */
    async keys(): Promise<string[]> {
      const out: string[] = [];
      for await (const e of kv.list({ prefix: [] })) {
        if (e.key.includes(epg.id)) out.push(JSON.stringify(e.key));
      }
      return out.sort();
    },
    /** Writes the keys a run of `generation` leaves: a marker, a channel, a programme part. */
    async partial(generation: string, epgId = epg.id, marker: object = {}) {
      await kv.atomic()
        .set(epgGenerationKey(epgId, generation), { runId: "x", startedAt: "", ...marker })
        .set(epgChannelKey(epgId, generation, 0), { id: "one" })
        .set(epgProgrammesKey(epgId, generation, "one", 20_000, 0), { starts: [] })
        .commit();
    },
    async close() {
      kv.close();
      await Deno.remove(config.dataDir, { recursive: true });
    },
  };
}

function runningRecord(epgId: string, id = ulid()): EpgImportRun {
  return {
    id,
    epgId,
    trigger: "schedule",
    status: "running",
    startedAt: new Date(Date.now() - 30_000).toISOString(),
    finishedAt: null,
    durationMs: null,
    bytes: 10,
    totalBytes: null,
    counts: { channels: 0, programmes: 0, skipped: 0 },
    error: null,
    warnings: [],
  };
}

Deno.test(
  "reconcileSources() ends a guide run whose heartbeat is 15 s old and deletes its partial generation",
  async () => {
    const t = await setup();
    try {
      equal((await t.importOnce()).status, "ok");
      const current = (await getEpg(t.kv, t.epg.id)).generation!;
      const before = await t.keys();
      // A manager died during the next run: its record, its lease and part of its generation.
      const dead = runningRecord(t.epg.id);
      const partial = ulid();
      await t.partial(partial);
      const lease: LeaseValue = { runId: dead.id, generation: partial, heartbeat: Date.now() };
      await t.kv.atomic().set(epgImportRunKey(t.epg.id, dead.id), dead)
        .set(epgImportLockKey(t.epg.id), { ...lease, heartbeat: Date.now() - 14_000 }).commit();
      deepEqual((await reconcileSources(t.kv)).interrupted, [], "14 s: still alive");
      equal((await lastEpgRun(t.kv, t.epg.id))!.status, "running");

      await t.kv.set(epgImportLockKey(t.epg.id), { ...lease, heartbeat: Date.now() - 15_000 });
      const report = await reconcileSources(t.kv);
      deepEqual(report.interrupted, [`guide/${t.epg.id}/${dead.id}`]);
      const ended = (await lastEpgRun(t.kv, t.epg.id))!;
      equal(ended.status, "failed");
      equal(ended.error, `Cannot import guide "Freeview": ${DIED}`);
      match(ended.error!, /interrupted/);
      assert(ended.finishedAt && ended.durationMs! >= 30_000);
      equal((await getEpg(t.kv, t.epg.id)).generation, current);
      // What is left is what was there before, plus the dead run's record.
      const runKey = JSON.stringify(epgImportRunKey(t.epg.id, dead.id));
      deepEqual(await t.keys(), [...before, runKey].sort());
      // The next import runs and succeeds.
      equal((await t.importOnce()).status, "ok");
    } finally {
      await t.close();
    }
  },
);

Deno.test("reconcileSources() ends a guide run left running without a lease", async () => {
  const t = await setup();
  try {
    const orphan = runningRecord(t.epg.id);
    await t.kv.set(epgImportRunKey(t.epg.id, orphan.id), orphan);
    // A live run of another manager (fresh heartbeat) is left alone.
    const live = runningRecord(t.epg.id);
    const lease: LeaseValue = { runId: live.id, generation: ulid(), heartbeat: Date.now() };
    await t.kv.atomic().set(epgImportRunKey(t.epg.id, live.id), live)
      .set(epgImportLockKey(t.epg.id), lease).commit();
    deepEqual((await reconcileSources(t.kv)).interrupted, [`guide/${t.epg.id}/${orphan.id}`]);
    const runs = new Map<string, EpgImportRun>();
    for await (const e of t.kv.list<EpgImportRun>({ prefix: epgImportRunsPrefix(t.epg.id) })) {
      runs.set(e.value.id, e.value);
    }
    equal(runs.get(orphan.id)!.status, "failed");
    match(runs.get(orphan.id)!.error!, /interrupted/);
    equal(runs.get(live.id)!.status, "running");
    deepEqual((await t.kv.get(epgImportLockKey(t.epg.id))).value, lease);
  } finally {
    await t.close();
  }
});

Deno.test(
  "a guide import fenced out by another manager stops as interrupted and its late commits are refused",
  async () => {
    const t = await setup();
    const body = await Deno.readFile(FREEVIEW);
    let release!: () => void;
    const gate = new Promise<void>((r) => release = r);
    // Half the guide at once, the rest only when the test says so.
    const up = serveLocal(() =>
      new Response(
        new ReadableStream<Uint8Array>({
          async start(c) {
            c.enqueue(body.subarray(0, body.length >> 1));
            await gate;
            c.enqueue(body.subarray(body.length >> 1));
            c.close();
          },
        }),
      )
    );
    try {
      const epg = await createEpg(t.kv, {
        name: "Slow",
        url: up.url,
        path: "",
        userAgentId: null,
        refreshMinutes: 0,
        enabled: true,
      });
      const started = await startEpgImport(t.kv, epg.id, {
        settings: t.config,
        timing: { heartbeatMs: 100 },
      });
      await waitFor(async () => (await lastEpgRun(t.kv, epg.id))!.bytes > 0, "the first bytes");
      // Another manager judges every heartbeat stale and ends the run.
      const report = await reconcileSources(t.kv, { staleMs: 0 });
      deepEqual(report.interrupted, [`guide/${epg.id}/${started.run.id}`]);
      // The run learns at its next heartbeat and stops without waiting for its upstream.
      const run = await started.done;
      release();
      equal(run.status, "failed");
      equal(run.error, `Cannot import guide "Slow": ${LOST_LEASE}`);
      match(run.error!, /interrupted/);
      // Its own commits were refused: the record is the one the reconciler wrote.
      const stored = (await lastEpgRun(t.kv, epg.id))!;
      equal(stored.error, `Cannot import guide "Slow": ${DIED}`);
      equal((await getEpg(t.kv, epg.id)).generation, null);
      const left: string[] = [];
      for await (const e of t.kv.list({ prefix: [] })) {
        if (e.key.includes(epg.id)) left.push(String(e.key[0]));
      }
      deepEqual(left.sort(), ["epg_import_runs", "epgs"]);
    } finally {
      release();
      await up.close();
      await t.close();
    }
  },
);

Deno.test("reconcileSources() keeps the last 20 runs of a guide, as does each run's end", async () => {
  const t = await setup();
  try {
    const ids: string[] = [];
    for (let i = 30; i > 5; i--) {
      const id = ulid(Date.now() - i * 60_000);
      ids.push(id);
      await t.kv.set(epgImportRunKey(t.epg.id, id), {
        ...runningRecord(t.epg.id, id),
        status: "ok",
      });
    }
    equal((await reconcileSources(t.kv)).prunedRuns, 25 - KEEP_RUNS);
    const kept = async () => {
      const out: string[] = [];
      for await (const e of t.kv.list({ prefix: epgImportRunsPrefix(t.epg.id) })) {
        out.push(String(e.key[2]));
      }
      return out;
    };
    deepEqual(await kept(), ids.slice(5));
    const run = await t.importOnce();
    deepEqual(await kept(), [...ids.slice(6), run.id]);
  } finally {
    await t.close();
  }
});

Deno.test(
  "reconcileSources() deletes every guide generation no guide points at and no live run writes",
  async () => {
    const t = await setup();
    try {
      equal((await t.importOnce()).status, "ok");
      const current = (await getEpg(t.kv, t.epg.id)).generation!;
      const [crashed, writing, kept, expired] = [ulid(), ulid(), ulid(), ulid()];
      await t.partial(crashed);
      await t.partial(writing);
      await t.kv.set(epgImportLockKey(t.epg.id), {
        runId: ulid(),
        generation: writing,
        heartbeat: Date.now(),
      });
      await t.partial(kept, t.epg.id, { keepUntil: Date.now() + 60_000 });
      await t.partial(expired, t.epg.id, { keepUntil: Date.now() - 1 });
      // A guide deleted while its import was still writing.
      const gone = ulid();
      await t.partial(ulid(), gone);
      await t.kv.set(epgImportRunKey(gone, ulid()), runningRecord(gone));

      const report = await reconcileSources(t.kv);
      equal(report.deletedGenerations, 2);
      deepEqual(report.orphans, [`guide/${gone}`]);
      const generations = new Set<string>();
      const leftOfGone: Deno.KvKey[] = [];
      for await (const e of t.kv.list({ prefix: [] })) {
        if (e.key[1] === t.epg.id && String(e.key[0]).match(/^epg_(channels|programmes|gen)/)) {
          generations.add(String(e.key[2]));
        }
        if (e.key.includes(gone)) leftOfGone.push(e.key);
      }
      deepEqual(generations, new Set([current, writing, kept]));
      deepEqual(leftOfGone, []);
    } finally {
      await t.close();
    }
  },
);

Deno.test(
  "reconcileSources() ends a run under a lease written before leases named their generation",
  async () => {
    const t = await setup();
    try {
      equal((await t.importOnce()).status, "ok");
      const before = await t.keys();
      const dead = runningRecord(t.epg.id);
      await t.partial(ulid());
      await t.kv.atomic().set(epgImportRunKey(t.epg.id, dead.id), dead)
        .set(epgImportLockKey(t.epg.id), { runId: dead.id, heartbeat: Date.now() - 120_000 })
        .commit();
      deepEqual((await reconcileSources(t.kv)).interrupted, [`guide/${t.epg.id}/${dead.id}`]);
      const runKey = JSON.stringify(epgImportRunKey(t.epg.id, dead.id));
      deepEqual(await t.keys(), [...before, runKey].sort());
    } finally {
      await t.close();
    }
  },
);
