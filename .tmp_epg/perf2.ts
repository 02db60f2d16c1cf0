import { parseXmltv } from "@iptv/xmltv";
const text = Deno.readTextFileSync("/work/shared/testdata/xmltv/takealug-magentatv-de_doctype_2022-07-25.xml");
for (let r = 0; r < 4; r++) { const t0 = performance.now(); const x = parseXmltv(text); const ms = performance.now() - t0; console.log("iptv/xmltv", ms.toFixed(0), "ms", (14.25 / ms * 1000).toFixed(1), "MB/s", x.programmes?.length); }
