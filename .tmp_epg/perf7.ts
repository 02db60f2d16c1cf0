import process from "node:process";
const bytes = Deno.readFileSync(Deno.args[0]);
const mb = bytes.length / 1048576;
const chunks: string[] = [];
const dec = new TextDecoder();
for (let i = 0; i < bytes.length; i += 65536) chunks.push(dec.decode(bytes.subarray(i, i + 65536), { stream: true }));
const { XmltvParser } = await import(Deno.args[1]);
let best = Infinity;
for (let r = 0; r < 5; r++) { const c0 = process.cpuUsage(); const p = new XmltvParser(); let n = 0; for (const c of chunks) n += p.push(c).length; p.end(); const c = process.cpuUsage(c0); best = Math.min(best, (c.user + c.system) / 1000); }
console.log(Deno.args[1].padEnd(30), best.toFixed(0), "ms cpu", (mb / best * 1000).toFixed(1), "MB/s");
