import { equal, ok } from "node:assert/strict";
import { LongRunCutter } from "./_long_runs.ts";
import { parseXmltvText, XmltvParser } from "./parser.ts";
import type { XmltvProgramme } from "./parser.ts";

const XMLTV_DIR = new URL("../../testdata/xmltv/", import.meta.url);

/** Runs text through a cutter in chunks of the given size. */
function cutAll(text: string, chunk: number, limit?: number): string {
  const cutter = new LongRunCutter(limit);
  let out = "";
  for (let i = 0; i < text.length; i += chunk) out += cutter.cut(text.slice(i, i + chunk), false);
  return out + cutter.cut("", true);
}

Deno.test("LongRunCutter passes every real and edge-case guide through unchanged", async () => {
  const files: string[] = [];
  for (const dir of ["", "edge/", "iptv-org-epg-site-fixtures/"]) {
    for await (const e of Deno.readDir(new URL(dir, XMLTV_DIR))) {
      if (e.isFile && e.name.endsWith(".xml")) files.push(dir + e.name);
    }
  }
  ok(files.length >= 10);
  for (const file of files) {
    const text = await Deno.readTextFile(new URL(file, XMLTV_DIR));
    for (const chunk of [1 << 16, 4093, 7]) {
      if (chunk === 7 && text.length > 1_000_000) continue;
      const cut = cutAll(text, chunk);
      ok(cut === text, `${file} in chunks of ${chunk} changed`);
    }
  }
});

Deno.test("LongRunCutter cuts long runs and keeps what ends them", () => {
  const x = "x".repeat(50);
  equal(cutAll(`<a>${x}</a>`, 5, 10), "<a>xxxxxxxxxx</a>");
  equal(cutAll(`<a b="${x}" c="1">t</a>`, 3, 10), '<a b="xxxxx">t</a>');
  equal(cutAll(`<a b='${x}'>t</a>`, 64, 10), "<a b='xxxxx'>t</a>");
  equal(cutAll(`<a>t<!--${x}-->u</a>`, 4, 10), "<a>t<!--xxxxxxxxxx-->u</a>");
  equal(cutAll(`<a><![CDATA[${x}]]></a>`, 6, 10), "<a><![CDATA[xxxxxxxxxx]]></a>");
  equal(cutAll(`<?pi ${x}?><a/>`, 2, 10), "<?pi xxxxxxx?><a/>");
  equal(cutAll(`<a>${"\u{1F600}".repeat(20)}</a>`, 9, 11), `<a>${"\u{1F600}".repeat(5)}</a>`);
  equal(cutAll(`<a b=">${x}"/>`, 8, 10), `<a b=">xxxx"/>`, "a > inside a value is not the end");
});

Deno.test("a guide with a 5 MB text node keeps its programmes with the text cut to 64 KB", () => {
  const big = "Very long description. ".repeat(230_000);
  const xml =
    `<?xml version="1.0"?>\n<tv><channel id="a"><display-name>A</display-name></channel>` +
    `<programme start="20240101000000 +0000" channel="a"><title>One</title><desc>${big}</desc></programme>` +
    `<programme start="20240101010000 +0000" channel="a"><title>Two</title><!-- ${big} --></programme>` +
    `<programme start="20240101020000 +0000" channel="a" x="${big}"><title>Three</title></programme>` +
    `<programme start="20240101030000 +0000" channel="a"><title><![CDATA[${big}]]></title></programme>` +
    `</tv>`;
  const { items, summary } = parseXmltvText(xml);
  const programmes = items.filter((i): i is XmltvProgramme => i.kind === "programme");
  equal(programmes.length, 4);
  for (const p of programmes) ok(p.xml.length < 70_000, `${p.xml.length} characters`);
  ok(programmes[0].xml.includes("<desc>Very long description."));
  ok(summary.warnings.some((w) => /^Cut 4 texts, tags or comments longer than 65536/.test(w)));
});

Deno.test("children past 256 KB of one element are dropped", () => {
  const parser = new XmltvParser();
  const cats = "<category>Some category name here</category>".repeat(20_000);
  const items = parser.push(
    `<tv><programme start="20240101000000 +0000" channel="a"><title>T</title>${cats}</programme></tv>`,
  );
  items.push(...parser.end());
  equal(items.length, 1);
  ok(items[0].xml.length <= 256 * 1024 + 200, `${items[0].xml.length}`);
  ok(parser.summary().warnings.some((w) => w.includes("past 262144 characters of <programme")));
});

Deno.test("LongRunCutter keeps a cut empty-element tag empty, wherever the chunk ends", () => {
  const x = "x".repeat(50);
  for (let chunk = 1; chunk < 70; chunk++) {
    equal(cutAll(`<a b="${x}" c="${x}"/><b/>`, chunk, 10), `<a b="xxxxx"/><b/>`, `${chunk}`);
  }
});
