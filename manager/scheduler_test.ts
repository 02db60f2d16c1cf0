import { deepEqual, equal } from "node:assert/strict";
import { serveLocal, startTestManager, waitFor } from "../testing/harness.ts";
import { createUpstreamPlaylist } from "../common/db/upstream_playlists.ts";
import { runDueImports } from "./scheduler.ts";
import { lastRun } from "./services/playlists.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

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
