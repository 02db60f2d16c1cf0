import { SaxesParser } from "saxes";
import { XmltvParser } from "../common/xmltv/parser.ts";
import { parseXmltv } from "@iptv/xmltv";
const file = Deno.args[0];
const bytes = Deno.readFileSync(file);
const mb = bytes.length / 1048576;
const chunks: string[] = [];
const dec = new TextDecoder();
for (let i = 0; i < bytes.length; i += 65536) chunks.push(dec.decode(bytes.subarray(i, i + 65536), { stream: true }));
import process from "node:process";
function bench(name: string, fn: () => void) {
  for (let r = 0; r < 3; r++) { const c0 = process.cpuUsage(); const t0 = performance.now(); fn(); const ms = performance.now() - t0; const c = process.cpuUsage(c0); const cpu = (c.user + c.system) / 1000; console.log(name, ms.toFixed(0), "ms wall", cpu.toFixed(0), "ms cpu", (mb / cpu * 1000).toFixed(1), "MB/s cpu"); }
}
const which = Deno.args[1] ?? "abc";
if (which.includes("a")) bench("saxes open+text+close", () => { const p = new SaxesParser({position: false}); let n = 0; p.on("opentag", () => n++); p.on("text", () => {}); p.on("closetag", () => {}); for (const c of chunks) p.write(c); p.close(); });
if (which.includes("b")) bench("ours", () => { const p = new XmltvParser(); let n = 0; for (const c of chunks) n += p.push(c).length; p.end(); });
if (which.includes("c")) { const text = chunks.join(""); bench("iptv", () => { parseXmltv(text); }); }
