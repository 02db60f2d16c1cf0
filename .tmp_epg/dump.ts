import { parseXmltvText } from "../common/xmltv/parser.ts";
const r = parseXmltvText(Deno.readTextFileSync(Deno.args[0]));
for (const i of r.items) console.log(JSON.stringify(i));
