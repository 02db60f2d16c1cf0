import { XmltvParser } from "../common/xmltv/parser.ts";
const file = Deno.args[0] ?? "/work/shared/testdata/xmltv/freeview-epg_uk-ie_2026-08-22.xml";
const bytes = Deno.readFileSync(file);
const chunks: string[] = [];
const dec = new TextDecoder();
for (let i = 0; i < bytes.length; i += 65536) chunks.push(dec.decode(bytes.subarray(i, i + 65536), { stream: true }));
for (let r = 0; r < 30; r++) { const p = new XmltvParser(); for (const c of chunks) p.push(c); p.end(); }
