import { deepEqual, equal, match, ok as assert } from "node:assert/strict";
import { testConfig } from "../../testing/harness.ts";
import { createEpg, getEpg } from "../db/epgs.ts";
import { startEpgImport } from "../import/epg_import.ts";
import { parseXmltvText } from "./parser.ts";
import { REAL_GUIDES } from "./_testing.ts";
import type { Epg } from "./schemas.ts";
import { epgProgrammesKey } from "../db/keys.ts";
import {
  channelXml,
  guideFooter,
  guideHeader,
  programmeSlices,
  programmesXml,
  wholeGuideXml,
} from "./store.ts";

const opts = {};
const DATA = new URL("../../testdata/xmltv/", import.meta.url);
const DTD = "/usr/share/xmltv/xmltv.dtd";

async function imported(file: string): Promise<{ kv: Deno.Kv; epg: Epg; close(): Promise<void> }> {
  const config = await testConfig();
  const kv = await Deno.openKv(":memory:");
  const name = file.split("/").pop()!;
  await Deno.copyFile(new URL(file, DATA), `${config.dataDir}/${name}`);
  const created = await createEpg(kv, {
    name: "Guide",
    url: "",
    path: name,
    userAgentId: null,
    refreshMinutes: 0,
    enabled: true,
  });
  const run = await (await startEpgImport(kv, created.id, { settings: config })).done;
  equal(run.status, "ok", run.error ?? "");
  return {
    kv,
    epg: await getEpg(kv, created.id),
    async close() {
      kv.close();
      await Deno.remove(config.dataDir, { recursive: true });
    },
  };
}

async function collect(it: AsyncGenerator<string>): Promise<string> {
  let s = "";
  for await (const chunk of it) s += chunk;
  return s;
}

/** Runs the real xmllint against the XMLTV DTD; returns its complaints ("" when valid). */
async function xmllint(xml: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "xmltv-lint-" });
  try {
    const path = `${dir}/guide.xml`;
    await Deno.writeTextFile(path, xml);
    // The DTD beside the file lets the document's own DOCTYPE resolve as well.
    await Deno.copyFile(DTD, `${dir}/xmltv.dtd`);
    const out = await new Deno.Command("xmllint", {
      args: ["--noout", "--nonet", "--dtdvalid", DTD, path],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr);
    return out.success ? err.trim() : err.trim() || `xmllint exited with ${out.code}`;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const OUTPUTS = [
  ...REAL_GUIDES,
  { file: "edge/no_offset_crlf.xml", channels: 2, programmes: 5 },
  { file: "edge/freeview_truncated.xml", channels: 9, programmes: 934 },
];

for (const g of OUTPUTS) {
  Deno.test(
    `wholeGuideXml() of ${g.file} validates against xmltv.dtd with xmllint`,
    opts,
    async () => {
      const t = await imported(g.file);
      try {
        const xml = await collect(wholeGuideXml(t.kv, t.epg, (src) => src));
        equal(await xmllint(xml), "");
        equal(xml.match(/<channel /g)?.length, g.channels);
        // Two programmes of one channel with the same start (real guides repeat some) are
        // written once.
        const { items } = parseXmltvText(await Deno.readTextFile(new URL(g.file, DATA)));
        const unique = new Set(
          items.map((i) => i.kind === "programme" ? `${i.channel}\0${i.startMs}` : "").filter(
            Boolean,
          ),
        );
        assert(unique.size <= g.programmes);
        equal(xml.match(/<programme /g)?.length ?? 0, unique.size);
      } finally {
        await t.close();
      }
    },
  );
}

Deno.test("wholeGuideXml() passes every icon through iconUrl", opts, async () => {
  const t = await imported("freeview-epg_uk-ie_2026-08-22.xml");
  try {
    const xml = await collect(
      wholeGuideXml(t.kv, t.epg, (src) => `http://cache.invalid/i?u=${encodeURIComponent(src)}`),
    );
    const srcs = [...xml.matchAll(/<icon src="([^"]*)"/g)].map((m) => m[1]);
    assert(srcs.length > 1800, `${srcs.length} icons`);
    assert(srcs.every((s) => s.startsWith("http://cache.invalid/i?u=http")));
    equal(await xmllint(xml), "");
  } finally {
    await t.close();
  }
});

Deno.test(
  "programmesXml() re-labels a window of one channel's programmes in start order",
  opts,
  async () => {
    const t = await imported("freeview-epg_uk-ie_2026-08-22.xml");
    try {
      const from = Date.UTC(2026, 7, 22, 17);
      const to = Date.UTC(2026, 7, 22, 20);
      const xml = await collect(programmesXml(t.kv, t.epg, "RTENews.ie", 'rte & "news"', from, to));
      const starts = [
        ...xml.matchAll(
          /<programme channel="rte &amp; &quot;news&quot;" start="(\d+) \+0100" stop="(\d+) \+0100"/g,
        ),
      ];
      assert(starts.length >= 3, xml.slice(0, 300));
      equal(starts.length, xml.match(/<programme /g)!.length);
      // 17:00 to 17:45 +0100 ends at 16:45 UTC, before the window: left out; the next one
      // (17:45 to 18:01 +0100) overlaps it.
      equal(starts[0][1], "20260822174500");
      const sorted = starts.map((m) => m[1]);
      deepEqual(sorted, [...sorted].sort());
      assert(sorted.every((s) => s < "20260822210000"));
      equal(await collect(programmesXml(t.kv, t.epg, "no-such-channel", "x", 0, 1e15)), "");
    } finally {
      await t.close();
    }
  },
);

Deno.test("channelXml(), guideHeader() and guideFooter() write a valid document", async () => {
  const doc = guideHeader() + "\n" +
    channelXml({
      id: 'a&b"c',
      displayNames: ["Tom & Jerry <TV>"],
      icon: "http://x.invalid/?a=1&b=2",
    }) +
    channelXml({ id: "empty", displayNames: [] }) + guideFooter();
  match(doc, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<!DOCTYPE tv SYSTEM "xmltv\.dtd">\n<tv /);
  match(
    doc,
    /<channel id="a&amp;b&quot;c"><display-name>Tom &amp; Jerry &lt;TV&gt;<\/display-name>/,
  );
  match(doc, /<icon src="http:\/\/x\.invalid\/\?a=1&amp;b=2"\/>/);
  match(doc, /<channel id="empty"><display-name>empty<\/display-name><\/channel>/);
  equal(await xmllint(doc), "");
});

/** A small guide of channel "c": hour-long programmes titled by their UTC start. */
function hourlyGuide(rows: [start: number, stop: number][]): string {
  const t = (ms: number) => new Date(ms).toISOString().replace(/\D/g, "").slice(0, 14) + " +0000";
  return '<tv><channel id="c"><display-name>C</display-name></channel>' +
    rows.map(([a, b]) =>
      `<programme start="${t(a)}" stop="${t(b)}" channel="c"><title>${
        new Date(a).toISOString().slice(5, 16)
      }</title></programme>`
    ).join("") + "</tv>";
}

async function importedText(
  text: string,
): Promise<{ kv: Deno.Kv; epg: Epg; close(): Promise<void> }> {
  const config = await testConfig();
  await Deno.writeTextFile(`${config.dataDir}/g.xml`, text);
  const kv = await Deno.openKv(":memory:");
  const created = await createEpg(kv, {
    name: "Guide",
    url: "",
    path: "g.xml",
    userAgentId: null,
    refreshMinutes: 0,
    enabled: true,
  });
  const run = await (await startEpgImport(kv, created.id, { settings: config })).done;
  equal(run.status, "ok", run.error ?? "");
  return {
    kv,
    epg: await getEpg(kv, created.id),
    async close() {
      kv.close();
      await Deno.remove(config.dataDir, { recursive: true });
    },
  };
}

Deno.test(
  "programmeSlices() hands over stored parts inside the window and cuts the days at its edges",
  async () => {
    const H = 3_600_000;
    const D = Date.UTC(2026, 0, 5);
    // From 22:00 on the day before D until 14:00 two days after, hour by hour, except one
    // programme from 22:00 the day before to 02:00 on D.
    const rows: [number, number][] = [[D - 2 * H, D + 2 * H]];
    for (let t = D + 2 * H; t < D + 62 * H; t += H) rows.push([t, t + H]);
    rows.unshift([D - 3 * H, D - 2 * H]);
    const t = await importedText(hourlyGuide(rows));
    try {
      // 01:00 on D to 12:00 on D+2: the first programme ended at 22:00 the day before.
      const w = { outId: "c", fromMs: D + H, toMs: D + 60 * H };
      const slices = await programmeSlices(t.kv, t.epg, "c", w);
      const dec = new TextDecoder();
      const titles = slices.map((s) => [...dec.decode(s.xml).matchAll(/<title>([^<]+)</g)]);
      // The day before: only the programme that runs into the window.
      deepEqual(titles[0].map((m) => m[1]), ["01-04T22:00"]);
      equal(slices[0].deflated, null);
      // D: all of it (its first programme starts at 02:00), as stored.
      equal(titles[1].length, 22);
      assert(slices[1].deflated);
      // D+1: whole, as stored.
      equal(titles[2].length, 24);
      assert(slices[2].deflated);
      // D+2: cut before 12:00, which starts exactly at the window's end.
      deepEqual(titles[3].map((m) => m[1]).at(-1), "01-07T11:00");
      equal(slices[3].deflated, null);
      equal(slices.length, 4);

      // A programme that stops exactly at the window's start is left out.
      const at = await programmeSlices(t.kv, t.epg, "c", { ...w, fromMs: D + 3 * H });
      match(dec.decode(at[0].xml), /^<programme channel="c" start="20260105030000 \+0000"/);

      const xml = guideHeader() + '<channel id="c"><display-name>C</display-name></channel>' +
        slices.map((s) => dec.decode(s.xml)).join("") + guideFooter();
      equal(await xmllint(xml), "");
    } finally {
      await t.close();
    }
  },
);

Deno.test("programmeSlices() reads parts stored before parts held ready XML", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const epg: Epg = {
      ...(await createEpg(kv, {
        name: "Old",
        url: "",
        path: "old.xml",
        userAgentId: null,
        refreshMinutes: 0,
        enabled: true,
      })),
      generation: "01OLDGENERATION",
    };
    const D = Date.UTC(2026, 0, 5);
    const day = D / 86_400_000;
    // The earlier form: canonical elements without a channel attribute, in file order.
    await kv.set(epgProgrammesKey(epg.id, "01OLDGENERATION", "old.id", day, 0), {
      starts: [D + 3_600_000, D],
      stops: [D + 7_200_000, D + 3_600_000],
      xml: [
        '<programme start="20260105010000 +0000"><title>Second</title></programme>',
        '<programme start="20260105000000 +0000"><title>First</title></programme>',
      ],
    });
    const slices = await programmeSlices(kv, epg, "old.id", {
      outId: "new.id",
      fromMs: D,
      toMs: D + 86_400_000,
    });
    equal(
      slices.map((s) => new TextDecoder().decode(s.xml)).join(""),
      '<programme channel="new.id" start="20260105000000 +0000"><title>First</title></programme>\n' +
        '<programme channel="new.id" start="20260105010000 +0000"><title>Second</title></programme>\n',
    );
  } finally {
    kv.close();
  }
});
