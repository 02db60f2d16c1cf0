import { deepEqual, equal, ok as assert, rejects } from "node:assert/strict";
import { keySize, MAX_KEY_BYTES, MAX_VALUE_BYTES, serialisedSize, valueSize } from "../kv/size.ts";
import { BatchWriter, deletePrefix } from "./_store.ts";

const ULID = "01JABCDEFGHJKMNPQRSTVWXYZ0";
const TEXT =
  "東京の天気予報と今日のニュース。北京新闻联播。Ειδήσεις και καιρός. Новости и погода. ";

async function count(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix })) n++;
  return n;
}

/** The longest repetition of `text` whose value (in `wrap`) KV counts at most `bytes`. */
function fill(text: string, bytes: number, wrap = (s: string): unknown => s): string {
  let lo = 0;
  let hi = bytes;
  const cut = (n: number) => text.repeat(Math.ceil(n / text.length)).slice(0, n);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (valueSize(wrap(cut(mid))) <= bytes) lo = mid;
    else hi = mid - 1;
  }
  return cut(lo);
}

Deno.test("BatchWriter splits batches whose keys pass KV's 81,920-byte limit", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    // A channel key is ~94 encoded bytes: 1,000 of them (the mutation cap) were refused.
    const writer = new BatchWriter(kv);
    for (let i = 0; i < 2_500; i++) {
      const id = ULID.slice(0, 20) + String(i).padStart(6, "0");
      await writer.set(["channels", ULID, ULID, id], { seq: i });
    }
    // Non-ASCII key parts take up to three bytes a character.
    for (let i = 0; i < 1_000; i++) {
      await writer.set(["groups_by_name", ULID, `频道分组${"名".repeat(30)}${i}`], ULID);
    }
    await writer.close();
    equal(await count(kv, ["channels"]), 2_500);
    equal(await count(kv, ["groups_by_name"]), 1_000);
  } finally {
    kv.close();
  }
});

Deno.test("BatchWriter writes values of CJK, Greek and Cyrillic text at the 64 KiB limit", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const writer = new BatchWriter(kv);
    const values: [Deno.KvKey, unknown][] = [];
    // Text at the limit, keys near 2 KiB: 13 values and keys fill a commit.
    for (let i = 0; i < 60; i++) {
      const key = ["parts", `${"番組".repeat(300)}${i}`, i];
      const value = fill(TEXT.slice(i % TEXT.length) + TEXT, MAX_VALUE_BYTES);
      assert(valueSize(value) > MAX_VALUE_BYTES - 4);
      values.push([key, value]);
    }
    // ASCII cut out of wider text is held two bytes a character: by content it looks half its
    // size. Parts of a guide: objects of arrays of such strings.
    const line = `${TEXT}${"http://example.invalid/live/stream.m3u8?token=abcdef&".repeat(700)}`;
    for (let i = 0; i < 60; i++) {
      const url = line.slice(TEXT.length + i, TEXT.length + 16_000 + i);
      const part = { starts: [i * 1_000], stops: [null], xml: [url, url.slice(1, 15_000)] };
      assert(serialisedSize(url) < valueSize(url) / 1.9);
      values.push([["urls", i], part]);
    }
    for (const [k, v] of values) await writer.set(k, v);
    await writer.close();
    for (const [k, v] of values) deepEqual((await kv.get(k)).value, v);
  } finally {
    kv.close();
  }
});

Deno.test("BatchWriter refuses a value over 64 KiB or a key over 2 KiB by name", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const writer = new BatchWriter(kv);
    await writer.set(["ok", 1], "before");
    const big = { xml: [fill(TEXT, MAX_VALUE_BYTES), "<programme/>"] };
    await rejects(
      writer.set(["parts", 1], big, `the programmes of "東京" on 2026-01-01 (part 1)`),
      /^LimitReachedError: Cannot store the programmes of "東京" on 2026-01-01 \(part 1\): its value takes 65,5\d\d bytes, over Deno KV's limit of 65,536$/,
    );
    const key = ["parts", "鍵".repeat(700)];
    assert(keySize(key) > MAX_KEY_BYTES);
    await rejects(
      writer.set(key, 1),
      /Cannot store the value at \["parts", "鍵鍵.*…"\]: its key takes 2,109 bytes, over Deno KV's limit of 2,048/,
    );
    await rejects(writer.delete(key), /Cannot delete \["parts", "鍵鍵.*…"\]: its key takes 2,109/);
    // Nothing refused stops what was queued.
    await writer.set(["ok", 2], "after");
    await writer.close();
    equal(await count(kv, ["ok"]), 2);
    equal(await count(kv, ["parts"]), 0);
  } finally {
    kv.close();
  }
});

Deno.test("deletePrefix() deletes keys of 2 KiB, over 800 KiB of them a thousand", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const writer = new BatchWriter(kv);
    for (let i = 0; i < 1_500; i++) {
      await writer.set(["long", `${"κλειδί".repeat(165)}${String(i).padStart(4, "0")}`], i);
    }
    await writer.close();
    equal(await count(kv, ["long"]), 1_500);
    equal(await deletePrefix(kv, ["long"]), 1_500);
    equal(await count(kv, ["long"]), 0);
  } finally {
    kv.close();
  }
});
