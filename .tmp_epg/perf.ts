import { SaxesParser } from "saxes";
import { XmltvParser } from "../common/xmltv/parser.ts";
const text = Deno.readTextFileSync("/work/shared/testdata/xmltv/takealug-magentatv-de_doctype_2022-07-25.xml");
const chunks: string[] = [];
for (let i = 0; i < text.length; i += 65536) chunks.push(text.slice(i, i + 65536));
function bench(name: string, fn: () => void) {
  for (let r = 0; r < 4; r++) { const t0 = performance.now(); fn(); const ms = performance.now() - t0; if (r >= 1) console.log(name, ms.toFixed(0), "ms", (14.25 / ms * 1000).toFixed(1), "MB/s"); }
}
bench("saxes raw pos", () => { const p = new SaxesParser(); let n = 0; p.on("opentag", () => n++); p.on("text", () => {}); p.on("closetag", () => {}); for (const c of chunks) p.write(c); p.close(); });
bench("saxes raw nopos", () => { const p = new SaxesParser({position: false}); let n = 0; p.on("opentag", () => n++); p.on("text", () => {}); p.on("closetag", () => {}); for (const c of chunks) p.write(c); p.close(); });
bench("ours", () => { const p = new XmltvParser(); let n = 0; for (const c of chunks) n += p.push(c).length; p.end(); });
