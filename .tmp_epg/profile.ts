const child = new Deno.Command(Deno.execPath(), { args: ["run", "-A", "--inspect-wait=127.0.0.1:9339", Deno.args[0]], stdout: "piped", stderr: "null" }).spawn();
let info;
for (let i = 0; i < 100; i++) { try { info = await (await fetch("http://127.0.0.1:9339/json/list")).json(); break; } catch { await new Promise(r => setTimeout(r, 100)); } }
const ws = new WebSocket(info[0].webSocketDebuggerUrl);
await new Promise(r => ws.onopen = r);
let id = 0; const pending = new Map();
ws.onmessage = (e) => { const m = JSON.parse(e.data); if (m.id && pending.has(m.id)) { pending.get(m.id)(m); pending.delete(m.id); } };
const send = (method, params = {}) => new Promise(r => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params })); });
await send("Profiler.enable"); await send("Profiler.setSamplingInterval", { interval: 200 });
await send("Runtime.enable");
const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
send("Runtime.runIfWaitingForDebugger");
let buf = "";
while (!buf.includes("start")) { const r = await reader.read(); buf += r.value; }
await send("Profiler.start");
while (!buf.includes("end")) { const r = await reader.read(); buf += r.value; }
const { result } = await send("Profiler.stop");
const prof = result.profile;
// self time per function
const self = new Map(); const dt = new Map();
const total = prof.samples.length;
const byId = new Map(prof.nodes.map(n => [n.id, n]));
const counts = new Map(); for (const s of prof.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
for (const [nid, c] of counts) { const n = byId.get(nid); const k = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").slice(-1)[0]}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + c); }
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, 40);
for (const [k, c] of rows) console.log((100 * c / total).toFixed(1).padStart(5), k);
child.kill(); 
