import { deepEqual, equal, ok as assert } from "node:assert/strict";
import { testConfig } from "../../testing/harness.ts";
import { createEpg, getEpg } from "../db/epgs.ts";
import { epgChannelsPrefix, epgProgrammesPrefix } from "../db/keys.ts";
import { MAX_VALUE_BYTES, valueSize } from "../kv/size.ts";
import { parseXmltvText } from "../xmltv/parser.ts";
import type { XmltvChannel, XmltvProgramme } from "../xmltv/parser.ts";
import { listEpgChannels, programmesXml } from "../xmltv/store.ts";
import { programmeWithChannel } from "../xmltv/writer.ts";
import { startEpgImport } from "./epg_import.ts";

// testing/multiscript_fixtures.ts writes them. multiscript.xml: 160 channels in Japanese,
// Chinese, Greek and Russian with ~2 KB display names, long icon URLs and ids, 480 programmes
// (some with ~2 KB titles and descriptions); sized by string.length, its channels overflowed
// KV's 800 KiB commit limit. multiscript_busy_day.xml: one channel, 500 programmes in one day.
const EDGE = new URL("../../testdata/xmltv/edge/", import.meta.url);

/** What the guide file holds, as the parser reads it. */
async function expected(file: string) {
  const { items, summary } = parseXmltvText(await Deno.readTextFile(new URL(file, EDGE)));
  equal(summary.skipped, 0);
  const channels = items.filter((i): i is XmltvChannel => i.kind === "channel");
  const programmes = items.filter((i): i is XmltvProgramme => i.kind === "programme");
  return { channels, programmes };
}

/** The programmes of one channel as the store answers them: by start, one element a line. */
function programmesText(all: XmltvProgramme[], id: string): string {
  return all.filter((p) => p.channel === id).sort((a, b) => a.startMs - b.startMs)
    .map((p) => programmeWithChannel(p.xml, id) + "\n").join("");
}

async function text(it: AsyncGenerator<string>): Promise<string> {
  let s = "";
  for await (const chunk of it) s += chunk;
  return s;
}

/** Imports `file` three times into one store and checks each time that all of it is there. */
async function importThrice(file: string, check: (kv: Deno.Kv, epgId: string) => Promise<void>) {
  const config = await testConfig();
  const kv = await Deno.openKv(":memory:");
  try {
    await Deno.copyFile(new URL(file, EDGE), `${config.dataDir}/${file}`);
    const { channels, programmes } = await expected(file);
    const epg = await createEpg(kv, {
      name: file,
      url: "",
      path: file,
      userAgentId: null,
      refreshMinutes: 0,
      enabled: true,
    });
    // Each import writes a new generation, its batches formed as parsing and writing interleave.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const run = await (await startEpgImport(kv, epg.id, {
        settings: config,
        oldGenerationGraceMs: 0,
      })).done;
      equal(run.status, "ok", `import ${attempt}: ${run.error}`);
      deepEqual(run.warnings, []);
      deepEqual(run.counts, {
        channels: channels.length,
        programmes: programmes.length,
        skipped: 0,
      });
      const stored = await getEpg(kv, epg.id);
      deepEqual(
        await listEpgChannels(kv, stored),
        channels.map((c) => ({
          epgId: epg.id,
          id: c.id,
          displayNames: c.displayNames.map((d) => d.value),
          icon: c.icons[0] ?? null,
        })),
      );
      for (const c of channels) {
        const got = await text(programmesXml(kv, stored, c.id, c.id, -Infinity, Infinity));
        equal(got, programmesText(programmes, c.id), `programmes of ${c.id.slice(0, 20)}`);
      }
      for (const prefix of [epgChannelsPrefix(epg.id), epgProgrammesPrefix(epg.id)]) {
        for await (const e of kv.list({ prefix })) assert(valueSize(e.value) <= MAX_VALUE_BYTES);
      }
      await check(kv, epg.id);
    }
  } finally {
    kv.close();
    await Deno.remove(config.dataDir, { recursive: true });
  }
}

Deno.test(
  "startEpgImport() stores every channel and programme of a guide in four scripts",
  async () => {
    await importThrice("multiscript.xml", async (kv, epgId) => {
      // The replaced generation is gone: one generation's 160 channels are left.
      let records = 0;
      for await (const _ of kv.list({ prefix: epgChannelsPrefix(epgId) })) records++;
      equal(records, 160);
    });
  },
);

Deno.test(
  "startEpgImport() splits 500 programmes of one channel in one UTC day into parts",
  async () => {
    await importThrice("multiscript_busy_day.xml", async (kv, epgId) => {
      const days = new Set<number>();
      let parts = 0;
      for await (const e of kv.list({ prefix: epgProgrammesPrefix(epgId) })) {
        days.add(e.key[4] as number);
        parts++;
      }
      equal(days.size, 1);
      assert(parts >= 4, `${parts} parts`);
    });
  },
);

Deno.test("startEpgImport() keeps what fits 64 KiB measured and skips what does not", async () => {
  const config = await testConfig();
  const kv = await Deno.openKv(":memory:");
  try {
    const programme = (hour: number, desc: string) =>
      `<programme start="20260105${String(hour).padStart(2, "0")}0000 +0000" channel="a">` +
      `<title>P${hour}</title><desc>${desc}</desc></programme>`;
    // Repeated <channel> elements are merged into the first: 12 names of 2,000 characters over
    // U+00FF would take 96 KB (each is in the names and in the element).
    const repeated = Array.from(
      { length: 12 },
      (_, i) => `<channel id="a"><display-name>${i} ${"名".repeat(2_000)}</display-name></channel>`,
    );
    const guides = {
      // ASCII: 25,000 characters are 25,000 bytes of UTF-8 (a part stores them beside their
      // deflate, whose bound is as large again: 50,000 fits, where three bytes a character
      // would not).
      "ascii.xml": `<tv><channel id="a"><display-name>A</display-name></channel>` +
        `${programme(1, "x".repeat(25_000))}${programme(2, "short")}</tv>`,
      "wide.xml": `<tv>${repeated.join("")}` +
        `${programme(1, "長".repeat(40_000))}${programme(2, "短い")}</tv>`,
    };
    const runs: Record<string, { counts: unknown; warnings: string[]; programmes: number }> = {};
    for (const [file, xml] of Object.entries(guides)) {
      await Deno.writeTextFile(`${config.dataDir}/${file}`, xml);
      const epg = await createEpg(kv, {
        name: file,
        url: "",
        path: file,
        userAgentId: null,
        refreshMinutes: 0,
        enabled: true,
      });
      const run = await (await startEpgImport(kv, epg.id, {
        settings: config,
        oldGenerationGraceMs: 0,
      })).done;
      equal(run.status, "ok", run.error ?? "");
      const stored = await getEpg(kv, epg.id);
      const got = await text(programmesXml(kv, stored, "a", "a", -Infinity, Infinity));
      runs[file] = {
        counts: run.counts,
        warnings: run.warnings,
        programmes: got.match(/<programme /g)?.length ?? 0,
      };
      for await (const e of kv.list({ prefix: epgChannelsPrefix(epg.id) })) {
        assert(valueSize(e.value) <= MAX_VALUE_BYTES);
      }
    }
    deepEqual(runs["ascii.xml"], {
      counts: { channels: 1, programmes: 2, skipped: 0 },
      warnings: [],
      programmes: 2,
    });
    const wide = runs["wide.xml"];
    deepEqual(wide.counts, { channels: 1, programmes: 1, skipped: 1 });
    equal(wide.programmes, 1);
    equal(
      wide.warnings.at(-1),
      'Skipped a programme of "a" at 20260105010000 +0000: its element is too large',
    );
    assert(wide.warnings.includes('Merged repeated <channel id="a"> into the first one'));
    assert(
      wide.warnings.includes('Skipped a repeated <channel id="a">: merged, it would be too large'),
    );
  } finally {
    kv.close();
    await Deno.remove(config.dataDir, { recursive: true });
  }
});
