import { deepEqual, equal, match, ok as assert, rejects, throws } from "node:assert/strict";
import {
  parseXmltvStream,
  parseXmltvText,
  XmltvFormatError,
  type XmltvItem,
  type XmltvProgramme,
  type XmltvSummary,
} from "./parser.ts";

import { REAL_GUIDES } from "./_testing.ts";

const DATA = new URL("../../testdata/xmltv/", import.meta.url);

async function parseFile(
  file: string,
): Promise<{ items: XmltvItem[]; summary: XmltvSummary }> {
  const f = await Deno.open(new URL(file, DATA));
  const it = parseXmltvStream(f.readable);
  const items: XmltvItem[] = [];
  let step = await it.next();
  while (!step.done) {
    items.push(...step.value);
    step = await it.next();
  }
  return { items, summary: step.value };
}

function programmes(items: XmltvItem[]): XmltvProgramme[] {
  return items.filter((i): i is XmltvProgramme => i.kind === "programme");
}

function streamOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(typeof ch === "string" ? enc.encode(ch) : ch);
      c.close();
    },
  });
}

for (const g of REAL_GUIDES) {
  Deno.test(`parseXmltvStream() reads every channel and programme of ${g.file}`, async () => {
    const { items, summary } = await parseFile(g.file);
    equal(items.filter((i) => i.kind === "channel").length, g.channels);
    equal(programmes(items).length, g.programmes);
    equal(summary.skipped, 0);
    equal(summary.complete, true);
    for (const p of programmes(items)) {
      assert(p.xml.startsWith("<programme start="), p.xml.slice(0, 80));
      assert(!p.xml.includes(" channel="), "the channel attribute is left out");
      assert(Number.isFinite(p.startMs));
    }
  });
}

Deno.test("parseXmltvStream() keeps several titles, credits and episode numbers in DTD order", async () => {
  const { items } = await parseFile("takealug-magentatv-de_doctype_2022-07-25.xml");
  const withCredits = programmes(items).find((p) => p.xml.includes("<credits>"));
  assert(withCredits, "some programme has credits");
  const tv = programmes(
    (await parseFile("iptv-org-epg-site-fixtures/epg.tmacaraibes.com.xml")).items,
  );
  const p = tv[0];
  match(p.xml, /^<programme start="20260503000000 -0400" stop="20260503030000 -0400">/);
  match(p.xml, /<title lang="fr">GLOBAL<\/title><title lang="en">GLOBAL<\/title>/);
  // epg.iptvx.one writes <desc> before <title>: written back in the DTD's order.
  const x = programmes((await parseFile("iptv-org-epg-site-fixtures/epg.iptvx.one.xml")).items);
  const withDesc = x.filter((q) => q.xml.includes("<desc"));
  assert(withDesc.length > 100);
  assert(withDesc.every((q) => q.xml.indexOf("<title") < q.xml.indexOf("<desc")));
});

Deno.test("parseXmltvStream() drops elements outside the DTD and reports them", async () => {
  const { items, summary } = await parseFile("iptv-org-epg-site-fixtures/nzxmltv.com.xml");
  const ch = items.find((i) => i.kind === "channel")!;
  equal(ch.kind, "channel");
  if (ch.kind !== "channel") return;
  deepEqual(ch.displayNames, [{ lang: "en_NZ", value: "TVNZ 1" }]);
  deepEqual(ch.urls, ["https://helptvnz.zendesk.com/hc/en-us/requests/new"]);
  assert(!ch.xml.includes("<lcn>") && !ch.xml.includes("<desc"));
  // <url> comes before <icon> in the file; the DTD wants display-name, icon, url.
  assert(ch.xml.indexOf("<icon") < ch.xml.indexOf("<url>"));
  for (const p of programmes(items)) assert(!p.xml.includes("audio-description"));
  match(summary.warnings.join("\n"), /<audio-description> \(1\)/);
});

Deno.test("parseXmltvStream() keeps what is valid of a hand-made edge-case guide", async () => {
  const { items, summary } = await parseFile("edge/no_offset_crlf.xml");
  const progs = programmes(items);
  deepEqual(progs.map((p) => p.channel), [
    "one.example",
    "one.example",
    "two.example",
    "two.example",
    "ghost.example",
  ]);
  const [morning, tom, odd, zone] = progs;
  // No offset: read as UTC and written with +0000.
  equal(morning.startMs, Date.UTC(2026, 0, 5, 6));
  match(morning.xml, /^<programme start="20260105060000 \+0000" stop="20260105070000 \+0000">/);
  match(
    morning.xml,
    /<title lang="en">Morning News<\/title><title lang="de">Frühnachrichten<\/title><desc/,
  );
  match(morning.xml, /<credits><director>John Roe<\/director><actor role="Herself">Ann Poe Jr\./);
  assert(!morning.xml.includes("series-id") && !morning.xml.includes("<rating"));
  assert(!morning.xml.includes("<length"), "units=furlongs is not allowed");
  match(morning.xml, /<video><aspect>16:9<\/aspect><quality>HDTV<\/quality><\/video>/);
  // Fewer digits are padded.
  equal(tom.startMs, Date.UTC(2026, 0, 5, 7));
  equal(odd.startMs, Date.UTC(2026, 0, 5, 8));
  equal(odd.stopMs, Date.UTC(2026, 0, 5, 8), "+01:00 is understood");
  equal(zone.startMs, Date.UTC(2026, 0, 5, 8), "BST is UTC+1");
  equal(zone.stopMs, null);
  // A bare & is text; HTML entities are decoded; CDATA is kept as text.
  match(tom.xml, /<title>Tom &amp; Jerry<\/title><sub-title>Café\u00a0Time<\/sub-title>/);
  match(tom.xml, /<desc>Cats &amp; mice &lt;3<\/desc>/);
  // Bad start, no title, channel without id: skipped. After </tv>: ignored.
  equal(summary.skipped, 3);
  assert(!JSON.stringify(items).includes("After the end"));
  equal(items.filter((i) => i.kind === "channel" && i.id === "one.example").length, 2);
  equal(summary.complete, true);
});

Deno.test("parseXmltvStream() keeps the complete programmes of a truncated guide", async () => {
  const { items, summary } = await parseFile("edge/freeview_truncated.xml");
  equal(programmes(items).length, 934);
  equal(summary.complete, false);
  match(summary.warnings.join("\n"), /truncated/);
});

Deno.test("parseXmltvStream() never expands DTD entities (billion laughs)", async () => {
  const before = Deno.memoryUsage().rss;
  const t0 = performance.now();
  const { items, summary } = await parseFile("edge/billion_laughs.xml");
  assert(performance.now() - t0 < 2000);
  assert(Deno.memoryUsage().rss - before < 64 * 1048576, "memory stays small");
  equal(items.length, 2);
  const text = items.map((i) => i.xml).join("");
  assert(!text.includes("lol"), text);
  match(summary.warnings.join("\n"), /&lol9; \(\d+\)/);
});

Deno.test("parseXmltvStream() never resolves external entities (XXE)", async () => {
  const { items } = await parseFile("edge/xxe.xml");
  const text = JSON.stringify(items);
  assert(!text.includes("root:"), "nothing of /etc/passwd");
  assert(!text.includes("&xxe") && !text.includes("&remote"));
  equal(programmes(items)[0].xml.includes("<title>Passwd</title>"), true);
});

Deno.test("parseXmltvStream() rejects files that are not XMLTV with a clear message", async () => {
  const html = await Deno.readFile(new URL("edge/not_xmltv.html", DATA));
  await rejects(
    async () => {
      for await (const _ of parseXmltvStream(streamOf([html]))) { /* drain */ }
    },
    (err: Error) => err instanceof XmltvFormatError && /HTML page/.test(err.message),
  );
  throws(() => parseXmltvText('{"tv": []}'), /holds no <tv> element/);
  throws(() => parseXmltvText("<rss><channel/></rss>"), /root element is <rss>, not <tv>/);
  throws(() => parseXmltvText(""), /empty/);
});

Deno.test("parseXmltvStream() stops reading at </tv>", async () => {
  let pulls = 0;
  const enc = new TextEncoder();
  const endless = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(enc.encode('<tv><channel id="a"><display-name>A</display-name></channel></tv>'));
    },
    pull(c) {
      pulls++;
      c.enqueue(enc.encode("<junk>".repeat(1000)));
    },
  });
  const items: XmltvItem[] = [];
  for await (const batch of parseXmltvStream(endless)) items.push(...batch);
  equal(items.length, 1);
  assert(pulls < 5);
});

Deno.test("parseXmltvStream() gives the same items whatever the chunk boundaries", async () => {
  const doc = '<tv><channel id="c&amp;1"><display-name>A &eacute; &#x42; & B</display-name>' +
    '</channel><programme start="20260101000000 +0000" channel="c&amp;1"><title><![CDATA[x & ' +
    "]] y]]></title><desc>Tom & Jerry; &amp;amp;</desc></programme></tv>";
  const whole = parseXmltvText(doc).items;
  equal(whole.length, 2);
  match(whole[1].xml, /<title>x &amp; \]\] y<\/title><desc>Tom &amp; Jerry; &amp;amp;<\/desc>/);
  for (const size of [1, 2, 3, 5, 7, 11, 13]) {
    const chunks: string[] = [];
    for (let i = 0; i < doc.length; i += size) chunks.push(doc.slice(i, i + size));
    const items: XmltvItem[] = [];
    for await (const batch of parseXmltvStream(streamOf(chunks))) items.push(...batch);
    deepEqual(items, whole, `chunks of ${size}`);
  }
});

Deno.test("parseXmltvStream() decodes the encoding the XML declaration names", async () => {
  const head = '<?xml version="1.0" encoding="ISO-8859-1"?><tv><channel id="x"><display-name>';
  const bytes = new Uint8Array([
    ...new TextEncoder().encode(head),
    0x4b,
    0xf6,
    0x6c,
    0x6e,
    ...new TextEncoder().encode("</display-name></channel></tv>"),
  ]);
  const items: XmltvItem[] = [];
  for await (const batch of parseXmltvStream(streamOf([bytes]))) items.push(...batch);
  equal(items[0].kind === "channel" && items[0].displayNames[0].value, "Köln");
});
