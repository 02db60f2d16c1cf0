import process from "node:process";
import { XmltvParser } from "../common/xmltv/parser.ts";
import { SaxesParser } from "saxes";
const bytes = Deno.readFileSync(Deno.args[0]);
const mb = bytes.length / 1048576;
const chunks: string[] = [];
const dec = new TextDecoder();
for (let i = 0; i < bytes.length; i += 65536) chunks.push(dec.decode(bytes.subarray(i, i + 65536), { stream: true }));
function bench(name: string, fn: () => void) {
  let best = Infinity;
  for (let r = 0; r < 4; r++) { const c0 = process.cpuUsage(); fn(); const c = process.cpuUsage(c0); best = Math.min(best, (c.user + c.system) / 1000); }
  console.log(name.padEnd(30), best.toFixed(0), "ms cpu", (mb / best * 1000).toFixed(1), "MB/s");
}
bench("saxes o+t+c", () => { const p = new SaxesParser({position: false}); let n = 0; p.on("opentag", () => n++); p.on("text", () => {}); p.on("closetag", () => {}); for (const c of chunks) p.write(c); p.close(); });
bench("saxes o+t+c pos", () => { const p = new SaxesParser({position: true}); let n = 0; p.on("opentag", () => n++); p.on("text", () => {}); p.on("closetag", () => {}); for (const c of chunks) p.write(c); p.close(); });
bench("ours", () => { const p = new XmltvParser(); let n = 0; for (const c of chunks) n += p.push(c).length; p.end(); });
