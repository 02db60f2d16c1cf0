import { deepEqual, equal, match, ok as assert } from "node:assert/strict";
import {
  ADMIN_AUTH,
  apiClient,
  Client,
  serveLocal,
  startTestManager,
  waitFor,
} from "../testing/harness.ts";
import { createEpg, lastEpgRun } from "../common/db/epgs.ts";
import { runDueEpgImports } from "./epg_scheduler.ts";

const opts = {};
const AUTH = ADMIN_AUTH;
const GUIDE = new URL("../testdata/xmltv/freeview-epg_uk-ie_2026-08-22.xml", import.meta.url);

Deno.test("the guide API creates, imports, reads, updates and deletes guides", opts, async () => {
  const m = await startTestManager();
  const call = apiClient(m);
  const body = await Deno.readFile(GUIDE);
  const up = serveLocal(() => new Response(body));
  try {
    const bad = await call("POST", "/epgs", { name: "", url: "ftp://x" });
    equal(bad.status, 400);
    assert(bad.body.issues.name && bad.body.issues.url);
    const outside = await call("POST", "/epgs", { name: "Etc", path: "/etc/passwd" });
    equal(outside.status, 422);
    match(outside.body.error, /outside DATA_DIR/);
    const created = await call("POST", "/epgs", { name: "Freeview", url: `${up.url}/epg.xml` });
    equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    deepEqual(
      [created.body.refreshMinutes, created.body.enabled, created.body.lastImport],
      [1440, true, null],
    );
    equal((await call("POST", "/epgs", { name: "freeview", url: up.url })).status, 409);
    const started = await call("POST", `/epgs/${id}/import`);
    equal(started.status, 202);
    equal(started.body.status, "running");
    const done = await waitFor(async () => {
      const v = await call("GET", `/epgs/${id}`);
      return v.body.lastImport?.status === "ok" ? v.body : null;
    }, "the import");
    deepEqual(done.lastImport.counts, { channels: 9, programmes: 2070, skipped: 0 });
    assert(done.generation);
    const renamed = await call("PUT", `/epgs/${id}`, {
      name: "Freeview UK",
      url: `${up.url}/epg.xml`,
      refreshMinutes: 60,
    });
    equal(renamed.status, 200);
    equal(renamed.body.generation, done.generation, "an edit keeps the imported guide");
    deepEqual((await call("GET", "/epgs")).body.items.map((e: { name: string }) => e.name), [
      "Freeview UK",
    ]);
    const doc = await (await fetch(`${m.base}/api/v1/openapi.json`, { headers: AUTH })).json();
    assert(doc.paths["/epgs/{id}/import"] && doc.components.schemas.EpgInput);
    equal((await call("DELETE", `/epgs/${id}`)).status, 204);
    equal((await call("GET", `/epgs/${id}`)).status, 404);
    equal((await call("POST", `/epgs/${id}/import`)).status, 404);
  } finally {
    await up.close();
    await m.close();
  }
});

Deno.test("the guide pages list, create, import, edit and delete guides", opts, async () => {
  const m = await startTestManager();
  await Deno.copyFile(GUIDE, `${m.config.dataDir}/guide.xml`);
  const client = new Client(m.base);
  try {
    equal((await client.login("admin", "correct horse battery")).status, 303);
    const empty = await client.page("/admin/epgs");
    match(empty.html, /No guides yet/);
    match(empty.html, /href="\/admin\/epgs" class="on">Guides</);
    await client.page("/admin/epgs/new");
    const invalid = await client.postForm("/admin/epgs", { name: "Local", url: "", path: "" });
    equal(invalid.status, 422);
    match(await invalid.text(), /Give a URL or a local path/);
    const saved = await client.postForm("/admin/epgs", {
      name: "Local",
      path: "guide.xml",
      refreshMinutes: "0",
      enabled: "on",
    });
    equal(saved.status, 303);
    const list = await client.page("/admin/epgs");
    const id = /href="\/admin\/epgs\/([0-9A-Z]{26})"/.exec(list.html)![1];
    match(list.html, /never imported/);
    equal((await client.postForm(`/admin/epgs/${id}/import`, {})).status, 303);
    await waitFor(async () => (await lastEpgRun(m.kv, id))?.status === "ok", "the import");
    const after = await client.page("/admin/epgs");
    match(after.html, /data-island="GuideImportProgress"/);
    match(after.html, /9 channels, 2070 programmes/);
    const edit = await client.page(`/admin/epgs/${id}`);
    match(edit.html, /value="guide\.xml"/);
    const renamed = await client.postForm(`/admin/epgs/${id}`, {
      name: "Local guide",
      path: "guide.xml",
      refreshMinutes: "30",
    });
    equal(renamed.status, 303);
    match((await client.page("/admin/epgs")).html, /Local guide<\/a> <span class="badge off">/);
    equal((await client.postForm(`/admin/epgs/${id}/delete`, {})).status, 303);
    match((await client.page("/admin/epgs")).html, /No guides yet/);
  } finally {
    await m.close();
  }
});

Deno.test("runDueEpgImports() refreshes each enabled guide on its own schedule", opts, async () => {
  const m = await startTestManager();
  const body = await Deno.readFile(GUIDE);
  let hits = 0;
  const up = serveLocal(() => {
    hits++;
    return new Response(body);
  });
  try {
    const base = { path: "", userAgentId: null, enabled: true };
    const hourly = await createEpg(m.kv, {
      ...base,
      name: "Hourly",
      url: up.url,
      refreshMinutes: 60,
    });
    await createEpg(m.kv, { ...base, name: "Manual", url: up.url, refreshMinutes: 0 });
    await createEpg(m.kv, {
      ...base,
      name: "Off",
      url: up.url,
      refreshMinutes: 60,
      enabled: false,
    });
    deepEqual(await runDueEpgImports(m.deps), [hourly.id], "never imported: due now");
    await waitFor(async () => (await lastEpgRun(m.kv, hourly.id))?.status === "ok", "first run");
    deepEqual(await runDueEpgImports(m.deps), [], "not due again within the hour");
    deepEqual(await runDueEpgImports(m.deps, Date.now() + 61 * 60_000), [hourly.id]);
    await waitFor(async () => (await lastEpgRun(m.kv, hourly.id))?.status === "ok", "second run");
    equal(hits, 2);
    equal((await lastEpgRun(m.kv, hourly.id))!.trigger, "schedule");
  } finally {
    await up.close();
    await m.close();
  }
});
