import { equal, ok as assert, rejects } from "node:assert/strict";
import { serialize } from "node:v8";
import {
  keySize,
  MAX_COMMIT_BYTES,
  MAX_COMMIT_KEY_BYTES,
  MAX_KEY_BYTES,
  MAX_VALUE_BYTES,
  maxSerialisedSize,
  maxValueSize,
  serialisedSize,
  valueSize,
} from "./size.ts";

const JA = "日本語の番組表、ニュースと天気予報。";
const ZH = "中文节目指南：新闻、体育与电影频道。";
const EL = "Ελληνικό πρόγραμμα: ειδήσεις και καιρός.";
const RU = "Русская телепрограмма: новости и погода.";
const EMOJI = "📺🎬⚽️🇯🇵🇬🇷";
const LATIN1 = "Café crème, ½ prix - déjà vu? ñandú ÿ";

/**
 * A copy of `s` held one byte a character when its content allows (JSON.parse makes new strings
 * so): a slice of a longer string is held the way that string is.
 */
function compact(s: string): string {
  return JSON.parse(JSON.stringify(s));
}

/** Values of every kind the importers store, in every script, across varint thresholds. */
function samples(): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [name, text] of Object.entries({ JA, ZH, EL, RU, EMOJI, LATIN1 })) {
    for (const n of [0, 1, 12, 13, 63, 64, 127, 128, 8191, 8192, 20_000]) {
      const s = compact(text.repeat(Math.ceil(n / text.length)).slice(0, n));
      out.push([`${name} × ${n} chars`, s]);
    }
  }
  for (const n of [0, 1, 127, 128, 16_383, 16_384, 40_000]) {
    out.push([`ASCII × ${n}`, "x".repeat(n)]);
  }
  // Parsed one by one: a number read out of an array that holds a double is a double itself.
  for (
    const n of "0 1 -1 63 64 -64 -65 1073741824 2147483647 -2147483648 2147483648 1.5 -0".split(" ")
  ) {
    out.push([`number ${n}`, JSON.parse(n)]);
  }
  out.push(["NaN", NaN], ["Infinity", Infinity], ["ms timestamp", 1_767_225_600_000]);
  out.push(["true", true], ["false", false], ["null", null], ["undefined", undefined]);
  for (const b of [0n, 1n, -1n, 2n ** 64n - 1n, 2n ** 64n, -(2n ** 200n)]) out.push([`${b}n`, b]);
  out.push(["date", new Date(0)], ["empty array", []], ["empty object", {}]);
  out.push(["small integers", [1, 2, 3, 64, -65, 2 ** 31 - 1]]);
  out.push(["doubles", [1.5, 2, 3]], ["timestamps", [1_767_225_600_000, 1_767_229_200_000]]);
  out.push(["numbers and null", [1_767_225_600_000, null, 3]]);
  out.push(["index keys", { 0: JA, 7: "x", 4294967294: EL, 4294967295: RU, "01": ZH }]);
  out.push(["keys in scripts", { [JA]: 1, [EL]: [EL], [EMOJI]: { [RU]: RU } }]);
  const programme = (i: number) =>
    `<programme start="2026010${i % 9}120000 +0000"><title lang="ja">${JA.repeat(20)}</title>` +
    `<desc lang="ru">${RU.repeat(50)}</desc></programme>`;
  out.push(["programme part", {
    starts: [1_767_225_600_000, 1_767_229_200_000, 1_767_232_800_000],
    stops: [1_767_229_200_000, null, 1_767_236_400_000],
    xml: [programme(1), programme(2), programme(3)],
  }]);
  out.push(["guide channel", {
    id: `${ZH}.cn`,
    displayNames: [{ lang: "zh", value: ZH.repeat(40) }, { value: EL }],
    icons: ["http://example.invalid/" + "logo/".repeat(100) + "a.png"],
    urls: [],
    xml: `<channel id="${ZH}.cn"><display-name>${ZH.repeat(40)}</display-name></channel>`,
    declared: true,
    programmes: 500,
  }]);
  out.push([
    "channel chunk",
    Array.from({ length: 50 }, (_, i) => [
      `01JABCDEFGHJKMNPQRSTVWXY${String(i).padStart(2, "0")}`,
      "01JABCDEFGHJKMNPQRSTVWXYZ0",
      i,
      [JA, ZH, EL, RU, EMOJI, LATIN1][i % 6].repeat(i),
      `http://example.invalid/live/${i}.m3u8`,
      -1,
      { "tvg-id": `c${i}`, "tvg-name": RU.repeat(i % 5), "group-title": EL },
      [["http-user-agent", "Kodi/21"]],
      [],
      null,
      [],
      i % 8,
      null,
      "2026-01-01T00:00:00.000Z",
      "2026-01-01T00:00:00.000Z",
    ]),
  ]);
  return out;
}

Deno.test("serialisedSize() is never below V8's serialisation and at most a little above", () => {
  for (const [name, v] of samples()) {
    const real = serialize(v).length;
    const est = serialisedSize(v);
    // A padding byte before each two-byte string, when it happens to be needed, is counted.
    assert(est >= real, `${name}: estimated ${est} bytes, V8 wrote ${real}`);
    assert(est - real <= Math.max(4, real * 0.005), `${name}: estimated ${est}, V8 wrote ${real}`);
  }
});

Deno.test("maxSerialisedSize() is never below V8's serialisation, at most twice it", () => {
  for (const [name, v] of samples()) {
    const real = serialize(v).length;
    const max = maxSerialisedSize(v);
    assert(max >= real, `${name}: bound ${max} bytes, V8 wrote ${real}`);
    assert(max <= 2 * real + 40, `${name}: bound ${max} bytes, V8 wrote ${real}`);
  }
});

Deno.test("maxSerialisedSize() holds for strings and arrays as V8 holds them after parsing", () => {
  // Text cut out of a string with a character over U+00FF is held (and written) two bytes a
  // character, ASCII or not: by content alone it would count one.
  const line = `#EXTINF:-1 tvg-name="${ZH}",${"http://example.invalid/live/".repeat(3)}`;
  const url = line.slice(line.indexOf(",") + 1);
  assert(serialize(url).length > 2 * url.length);
  assert(serialisedSize(url) < serialize(url).length);
  assert(maxSerialisedSize(url) >= serialize(url).length);
  // An array made with holes is written as index and value pairs; integers may be doubles.
  const holey = new Array(300);
  for (let i = 0; i < holey.length; i++) holey[i] = url;
  const doubles = [0.5, ...Array.from({ length: 200 }, (_, i) => i)];
  doubles[0] = 0;
  for (const v of [holey, doubles, { holey, doubles, url }]) {
    assert(maxSerialisedSize(v) >= serialize(v).length);
  }
});

Deno.test("valueSize() is what Deno KV counts against its 64 KiB value limit", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const fits = async (v: unknown) => {
      try {
        await kv.set(["v"], v);
        return true;
      } catch {
        return false;
      }
    };
    for (const text of ["x", JA, EL, EMOJI]) {
      // The longest string of `text` KV takes, found by bisection: its size is the limit.
      let lo = 0;
      let hi = 70_000;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (await fits({ t: text.repeat(Math.ceil(mid / text.length)).slice(0, mid) })) lo = mid;
        else hi = mid - 1;
      }
      const longest = { t: text.repeat(Math.ceil(lo / text.length)).slice(0, lo) };
      equal(valueSize(longest), MAX_VALUE_BYTES, `longest ${text[0]} string`);
      assert(serialisedSize(longest) >= MAX_VALUE_BYTES);
      assert(maxValueSize(longest) >= MAX_VALUE_BYTES);
    }
    equal(valueSize(new Uint8Array(MAX_VALUE_BYTES)), MAX_VALUE_BYTES);
    assert(await fits(new Uint8Array(MAX_VALUE_BYTES)));
    assert(!await fits(new Uint8Array(MAX_VALUE_BYTES + 1)));
    equal(valueSize(new Deno.KvU64(5n)), 8);
    // Bytes inside a value are written with their whole buffer and a view of it (node:v8 writes
    // them its own way: only KV tells).
    const nested = { a: new Uint8Array(MAX_VALUE_BYTES - 19) };
    assert(await fits(nested));
    assert(maxValueSize(nested) >= MAX_VALUE_BYTES && serialisedSize(nested) >= MAX_VALUE_BYTES);
    assert(!await fits({ a: new Uint8Array(MAX_VALUE_BYTES + 100).subarray(0, 10) }));
    assert(maxValueSize({ a: new Uint8Array(MAX_VALUE_BYTES + 100).subarray(0, 10) }) > 65_536);
  } finally {
    kv.close();
  }
});

/** A key of exactly `bytes` by keySize: `parts` and a padding string. */
function keyOf(parts: Deno.KvKeyPart[], bytes: number): Deno.KvKey {
  const pad = bytes - keySize([...parts, ""]);
  assert(pad >= 0);
  const key = [...parts, "k".repeat(pad)];
  equal(keySize(key), bytes);
  return key;
}

Deno.test("keySize() is what Deno KV counts against its 2 KiB key limit", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const parts: Deno.KvKeyPart[][] = [
      ["channels"],
      [JA, ZH],
      [EL, RU],
      [EMOJI],
      ["a\0b", "\0"],
      ["\ud800 lone surrogates \udc00"],
      [LATIN1],
      [1, 1.5, -0, Number.MAX_VALUE],
      [true, false],
      [0n, 1n, -1n, 255n, 256n, 2n ** 64n - 1n, 2n ** 64n, -(2n ** 100n)],
      [new Uint8Array([0, 1, 0, 255]), new Uint8Array()],
    ];
    for (const p of parts) {
      await kv.set(keyOf(p, MAX_KEY_BYTES), 1);
      await rejects(kv.set(keyOf(p, MAX_KEY_BYTES + 1), 1), /Key too large/, String(p[0]));
    }
  } finally {
    kv.close();
  }
});

Deno.test("a commit takes 80 KiB of keys set and 800 KiB with each key set counted twice", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const keys = Array.from({ length: 40 }, (_, i) => keyOf([`ключ ${i}`], 2_048));
    const commit = (extra: Deno.KvKey, value: unknown = 1) => {
      const op = kv.atomic();
      for (const k of keys) op.set(k, 1);
      return op.set(extra, value).commit();
    };
    equal(keys.length * 2_048, MAX_COMMIT_KEY_BYTES);
    await rejects(commit(["x"]), /Total key size too large/);
    const op = kv.atomic();
    for (const k of keys) op.set(k, 1);
    assert((await op.delete(["x"]).check({ key: ["y"], versionstamp: null }).commit()).ok);

    // 13 values of 60,000 bytes and one that fills the commit to the byte.
    const value = (bytes: number) => {
      const s = "v".repeat(bytes - 6);
      equal(valueSize(s), bytes);
      return s;
    };
    const big = Array.from({ length: 13 }, (_, i) => [keyOf(["big", i], 100), value(60_000)]);
    const rest = MAX_COMMIT_BYTES - big.length * (2 * 100 + 60_000) - 2 * 100;
    for (const extra of [0, 1]) {
      const op = kv.atomic();
      for (const [k, v] of big) op.set(k as Deno.KvKey, v);
      op.set(keyOf(["big", 99], 100), value(rest + extra));
      if (extra) await rejects(op.commit(), /Total mutation size too large/);
      else assert((await op.commit()).ok);
    }
  } finally {
    kv.close();
  }
});
