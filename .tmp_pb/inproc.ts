import { startTestManager } from "/work/main/testing/harness.ts";
import { generatePlaylist } from "/work/main/bench/_playlist.ts";
import { servePlaylist } from "/work/main/bench/import_bench.ts";
import { findByNameAndToken } from "/work/main/common/db/downstream_playlists.ts";
import { renderDownstream } from "/work/main/manager/services/downstream.ts";
import { createManagerApp } from "/work/main/manager/app.ts";
const m = await startTestManager();
const AUTH = { authorization: "Basic " + btoa("admin:correct horse battery"), "content-type": "application/json" };
const api = async (method: string, path: string, body?: unknown) => { const r = await fetch(m.base + "/api/v1" + path, { method, headers: AUTH, body: body ? JSON.stringify(body) : undefined }); return await r.json(); };
const up = servePlaylist(generatePlaylist(10_000));
const p = await api("POST", "/upstream-playlists", { name: "B", url: up.url, refreshMinutes: 0 });
const run = await api("POST", `/upstream-playlists/${p.id}/import`);
for (;;) { await new Promise((r) => setTimeout(r, 100)); const v = await api("GET", `/upstream-playlists/${p.id}`); if (v.lastImport?.id === run.id && v.lastImport.status !== "running") { console.log(v.lastImport.status); break; } }
const groups = await api("GET", "/groups");
const d = await api("POST", "/downstream-playlists", { name: "Bench", streamMode: "direct", groups: groups.items.map((g: {name:string}) => g.name) });
const u = new URL(d.playlistUrl); const token = u.searchParams.get("token")!;
for (let k = 0; k < 20; k++) {
  const t0 = performance.now(); await new Promise((r) => setTimeout(r, 0)); const t1 = performance.now();
  await m.kv.get(["nothing"]); const t2 = performance.now();
  console.log(k, "timer", (t1 - t0).toFixed(2), "kv.get", (t2 - t1).toFixed(2), (m.deps as any).icons.counts());
  await new Promise((r) => setTimeout(r, 1000));
}
async function time(label: string, n: number, fn: () => Promise<unknown>) { await fn(); const t0 = performance.now(); for (let i = 0; i < n; i++) await fn(); console.log(label, ((performance.now() - t0) / n).toFixed(3), "ms"); }
await time("findByNameAndToken", 200, () => findByNameAndToken(m.kv, "Bench", token));
const pl = (await findByNameAndToken(m.kv, "Bench", token))!;
await time("renderDownstream", 50, () => renderDownstream(m.deps, pl));
const app = createManagerApp(m.deps);
const path = `${u.pathname}${u.search}`;
await time("app.fetch gzip", 50, async () => { const r = await app.fetch(new Request("http://127.0.0.1" + path, { headers: { "accept-encoding": "gzip" } })); await r.arrayBuffer(); });
await time("app.fetch 404", 50, async () => { const r = await app.fetch(new Request("http://127.0.0.1/manager/get/playlist/x?token=1")); await r.arrayBuffer(); });
await up.close(); await m.close();
