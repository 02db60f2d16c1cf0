import { XmltvParser } from "../common/xmltv/parser.ts";
const bytes = Deno.readFileSync("/tmp/g30.xml");
const chunks: string[] = [];
const dec = new TextDecoder();
for (let i = 0; i < bytes.length; i += 65536) chunks.push(dec.decode(bytes.subarray(i, i + 65536), { stream: true }));
await new Promise((r) => setTimeout(r, 500));
console.log("start");
for (let r = 0; r < 3; r++) { const p = new XmltvParser(); for (const c of chunks) p.push(c); p.end(); }
console.log("end");
await new Promise((r) => setTimeout(r, 3000));
