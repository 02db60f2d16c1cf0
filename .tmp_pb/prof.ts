import { startTestManager } from "/work/main/testing/harness.ts";
import { generatePlaylist } from "/work/main/bench/_playlist.ts";
import { servePlaylist } from "/work/main/bench/import_bench.ts";
const m = await startTestManager();
const AUTH = { authorization: "Basic " + btoa("admin:correct horse battery"), "content-type": "application/json" };
const api = async (method: string, path: string, body?: unknown) => { const r = await fetch(m.base + "/api/v1" + path, { method, headers: AUTH, body: body ? JSON.stringify(body) : undefined }); return await r.json(); };
const up = servePlaylist(generatePlaylist(10_000));
const p = await api("POST", "/upstream-playlists", { name: "B", url: up.url, refreshMinutes: 0 });
const run = await api("POST", `/upstream-playlists/${p.id}/import`);
for (;;) { await new Promise((r) => setTimeout(r, 100)); const v = await api("GET", `/upstream-playlists/${p.id}`); if (v.lastImport?.id === run.id && v.lastImport.status !== "running") break; }
const groups = await api("GET", "/groups");
const d = await api("POST", "/downstream-playlists", { name: "Bench", streamMode: "direct", groups: groups.items.map((g: {name:string}) => g.name) });
const u = new URL(d.playlistUrl);
for (;;) { await new Promise((r) => setTimeout(r, 1000)); if ((m.deps as any).icons.counts().pending === 0) break; }
await Deno.writeTextFile("/tmp/pb/purl", `${m.base}${u.pathname}${u.search}\n`);
console.log("ready");
await new Promise((r) => setTimeout(r, Number(Deno.args[0] ?? 20) * 1000));
Deno.exit(0);
