import { parseXmltvStream, parseXmltvText } from "../common/xmltv/parser.ts";
const doc = '<tv><channel id="c&amp;1"><display-name>A &eacute; &#x42; & B</display-name>' +
    '</channel><programme start="20260101000000 +0000" channel="c&amp;1"><title><![CDATA[x & ' +
    "]] y]]></title><desc>Tom & Jerry; &amp;amp;</desc></programme></tv>";
console.log(JSON.stringify(parseXmltvText(doc)));
const enc = new TextEncoder();
const s = new ReadableStream({ start(c) { for (const ch of doc) c.enqueue(enc.encode(ch)); c.close(); } });
for await (const b of parseXmltvStream(s)) console.log(JSON.stringify(b));
