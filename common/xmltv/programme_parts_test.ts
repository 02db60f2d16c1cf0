import { deepEqual, equal, notEqual, ok } from "node:assert/strict";
import { inflateRawSync } from "node:zlib";
import {
  buildProgrammeParts,
  daySlices,
  type NamedPart,
  partSize,
  type ProgrammeRun,
} from "./programme_parts.ts";

const H = 3_600_000;
const DAY = 24 * H;
const D = Date.UTC(2026, 0, 5);
const dec = new TextDecoder();

/** A run of programmes as the parser writes them (no channel attribute), titled by index. */
function run(rows: [start: number, stop: number | null][], desc = ""): ProgrammeRun {
  return {
    starts: rows.map((r) => r[0]),
    stops: rows.map((r) => r[1]),
    xml: rows.map((_, i) =>
      `<programme start="x${i}"><title>P${i}</title>${
        desc ? `<desc>${desc}</desc>` : ""
      }</programme>`
    ),
  };
}

function titles(xml: Uint8Array): string[] {
  return [...dec.decode(xml).matchAll(/<title>(P\d+)</g)].map((m) => m[1]);
}

function named(parts: ReturnType<typeof buildProgrammeParts>, day = 0): NamedPart[] {
  return parts.map((part, i) => ({ part, id: `${day}.${i}` }));
}

Deno.test(
  "buildProgrammeParts() sorts by start, keeps the first of equal starts and labels the channel",
  () => {
    const parts = buildProgrammeParts(
      'a&b"c',
      run([[D + 2 * H, D + 3 * H], [D, D + H], [D + 2 * H, null], [D + H, D + 2 * H]]),
    );
    equal(parts.length, 1);
    const p = parts[0];
    deepEqual(p.starts, [D, D + H, D + 2 * H]);
    deepEqual(p.stops, [D + H, D + 2 * H, D + 3 * H]);
    deepEqual(titles(p.xml), ["P1", "P3", "P0"]);
    equal(
      dec.decode(p.xml.subarray(0, p.ends[0])),
      '<programme channel="a&amp;b&quot;c" start="x1"><title>P1</title></programme>\n',
    );
    equal(p.ends[p.ends.length - 1], p.xml.length);
    // A sync-flushed piece has no final block: add an empty one to inflate it alone.
    deepEqual(new Uint8Array(inflateRawSync(new Uint8Array([...p.deflated, 3, 0]))), p.xml);
  },
);

Deno.test("buildProgrammeParts() splits a channel-day so each part fits a KV value", () => {
  const rows: [number, number][] = [];
  for (let i = 0; i < 300; i++) rows.push([D + i * 60_000, D + (i + 1) * 60_000]);
  // Three UTF-8 bytes a character: the case a count of UTF-16 units gets wrong.
  const parts = buildProgrammeParts("cjk", run(rows, "東京の天気予報".repeat(40)), 60_000);
  ok(parts.length > 3, `${parts.length} parts`);
  for (const p of parts) ok(partSize(p) <= 60_000, `${partSize(p)} bytes`);
  deepEqual(parts.flatMap((p) => p.starts), rows.map((r) => r[0]));
  for (let k = 1; k < parts.length; k++) ok(parts[k].starts[0] > parts[k - 1].starts.at(-1)!);
});

Deno.test("daySlices() uses parts inside the window as stored and cuts the ones at its edges", () => {
  // Day D: 00-01, 01-02, 02-03 … 23-24; the day before: 22:00 to 02:00 (runs into day D).
  const before = buildProgrammeParts("c", run([[D - 2 * H, D + 2 * H], [D - 4 * H, D - 2 * H]]));
  const rows: [number, number][] = [];
  for (let h = 0; h < 24; h++) rows.push([D + h * H, D + (h + 1) * H]);
  const day = buildProgrammeParts("c", run(rows));
  const after = buildProgrammeParts("c", run([[D + DAY, D + DAY + H]]));

  // Window 01:00 on day D to 00:00 on the day after.
  const w = { outId: "c", fromMs: D + H, toMs: D + DAY };
  const first = daySlices("c", named(before, -1), w);
  // Started the day before and runs into the window: kept; the one before it ended earlier.
  deepEqual(first.map((s) => titles(s.xml)), [["P0"]]);
  equal(first[0].deflated, null);
  const cut = daySlices("c", named(day), w);
  equal(cut.length, 1);
  // 00:00-01:00 stops exactly at the window's start: left out.
  deepEqual(titles(cut[0].xml), rows.slice(1).map((_, i) => `P${i + 1}`));
  equal(cut[0].deflated, null);
  equal(cut[0].id, `0.0:${rows.slice(1).map((_, i) => i + 1).join(",")}`);
  // Starts exactly at the window's end: left out.
  deepEqual(daySlices("c", named(after, 1), w), []);

  // A window covering the whole day hands the stored bytes over as they are.
  const whole = daySlices("c", named(day), { outId: "c", fromMs: D - H, toMs: D + 2 * DAY });
  equal(whole.length, 1);
  equal(whole[0].xml, day[0].xml);
  equal(whole[0].deflated, day[0].deflated);
  equal(whole[0].id, "0.0");
});

Deno.test("daySlices() keeps a programme without a stop that starts at the window's start", () => {
  const parts = buildProgrammeParts("c", run([[D, null], [D + H, null], [D + 2 * H, null]]));
  const s = daySlices("c", named(parts), { outId: "c", fromMs: D + H, toMs: D + 2 * H });
  deepEqual(titles(s[0].xml), ["P1"]);
});

Deno.test("daySlices() labels the programmes of a channel shown under another id", () => {
  const parts = buildProgrammeParts("guide.id", run([[D, D + H], [D + H, D + 2 * H]]));
  const s = daySlices("guide.id", named(parts), { outId: "my <id>", fromMs: 0, toMs: 1e15 });
  equal(s.length, 1);
  equal(s[0].deflated, null);
  const xml = dec.decode(s[0].xml);
  equal(
    xml,
    '<programme channel="my &lt;id&gt;" start="x0"><title>P0</title></programme>\n' +
      '<programme channel="my &lt;id&gt;" start="x1"><title>P1</title></programme>\n',
  );
  notEqual(s[0].xml, parts[0].xml);
});

Deno.test("daySlices() merges parts of one day written apart, first of equal starts kept", () => {
  // An import that flushed a channel-day early writes a second part that overlaps the first.
  const a = buildProgrammeParts("c", run([[D, D + H], [D + 2 * H, D + 3 * H]]))[0];
  const b = buildProgrammeParts("c", run([[D + H, D + 2 * H], [D + 2 * H, D + 4 * H]]))[0];
  const s = daySlices("c", [{ part: a, id: "0.0" }, { part: b, id: "0.1" }], {
    outId: "c",
    fromMs: 0,
    toMs: 1e15,
  });
  equal(s.length, 1);
  // a's P0, b's P0, a's P1 (b's P1 has the same start and came later).
  deepEqual(titles(s[0].xml), ["P0", "P0", "P1"]);
});
