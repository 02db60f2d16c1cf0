import { deepEqual, equal, match } from "node:assert/strict";
import { ulid } from "ulid";
import { serveLocal, startTestManager, waitFor } from "../testing/harness.ts";
import { importLockKey, importRunKey } from "../common/db/keys.ts";
import { createUpstreamPlaylist } from "../common/db/upstream_playlists.ts";
import type { ImportRun } from "../common/schemas.ts";
import { newImportRun } from "../common/import/playlist_import.ts";
import { reconcileImports, runDueImports } from "./scheduler.ts";
import { lastRun } from "./services/playlists.ts";

const opts = {};

Deno.test("runDueImports() refreshes each enabled playlist on its own schedule", opts, async () => {
  const m = await startTestManager();
  let hits = 0;
  const up = serveLocal(() => {
    hits++;
    return new Response("#EXTM3U\n#EXTINF:-1,A\nhttp://a.invalid/a.ts\n");
  });
  try {
    const base = {
      path: "",
      userAgentId: null,
      excludedGroups: [],
      maxConnections: 1,
      enabled: true,
    };
    const hourly = await createUpstreamPlaylist(m.kv, {
      ...base,
      name: "Hourly",
      url: up.url,
      refreshMinutes: 60,
    });
    await createUpstreamPlaylist(m.kv, { ...base, name: "Manual", url: up.url, refreshMinutes: 0 });
    await createUpstreamPlaylist(m.kv, {
      ...base,
      name: "Off",
      url: up.url,
      refreshMinutes: 60,
      enabled: false,
    });
    const deps = m.deps;
    deepEqual(await runDueImports(deps), [hourly.id], "never imported: due now");
    await waitFor(async () => (await lastRun(m.kv, hourly.id))?.status === "ok", "first run");
    deepEqual(await runDueImports(deps), [], "not due again within the hour");
    deepEqual(await runDueImports(deps, Date.now() + 61 * 60_000), [hourly.id]);
    await waitFor(async () => (await lastRun(m.kv, hourly.id))?.status === "ok", "second run");
    equal(hits, 2);
  } finally {
    await up.close();
    await m.close();
  }
});

Deno.test(
  "a playlist whose run died is scheduled again once reconciliation failed the run",
  async () => {
    const m = await startTestManager();
    const up = serveLocal(() => new Response("#EXTM3U\n#EXTINF:-1,A\nhttp://a.invalid/a.ts\n"));
    try {
      const p = await createUpstreamPlaylist(m.kv, {
        path: "",
        userAgentId: null,
        excludedGroups: [],
        maxConnections: 1,
        enabled: true,
        name: "Hourly",
        url: up.url,
        refreshMinutes: 60,
      });
      // A manager died two hours ago in the middle of this playlist's import.
      const startedAt = Date.now() - 2 * 3_600_000;
      const dead: ImportRun = {
        ...newImportRun(p.id, "schedule"),
        id: ulid(startedAt),
        startedAt: new Date(startedAt).toISOString(),
      };
      await m.kv.atomic().set(importRunKey(p.id, dead.id), dead).set(importLockKey(p.id), {
        runId: dead.id,
        generation: ulid(),
        heartbeat: startedAt + 60_000,
      }).commit();
      deepEqual(await runDueImports(m.deps), [], "a running run is never doubled");
      deepEqual((await reconcileImports(m.deps)).interrupted, [`playlist/${p.id}/${dead.id}`]);
      const failed = (await lastRun(m.kv, p.id))!;
      equal(failed.status, "failed");
      match(failed.error!, /interrupted/);
      // Failed two hours ago: past the retry wait of a fifth of the interval.
      deepEqual(await runDueImports(m.deps), [p.id]);
      await waitFor(async () => (await lastRun(m.kv, p.id))?.status === "ok", "the new run");
    } finally {
      await up.close();
      await m.close();
    }
  },
);
