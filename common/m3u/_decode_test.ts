import assert from "node:assert/strict";
import { completeLength, FallbackDecoder, validUtf8Prefix } from "./_decode.ts";

/** Small deterministic PRNG (mulberry32) so failures can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

Deno.test("completeLength() holds back a UTF-8 sequence cut at the end of a chunk", () => {
  const euro = [0xe2, 0x82, 0xac];
  const tv = [0xf0, 0x9f, 0x93, 0xba];
  assert.equal(completeLength(Uint8Array.of(0x41, ...euro)), 4);
  assert.equal(completeLength(Uint8Array.of(0x41, 0xe2, 0x82)), 1);
  assert.equal(completeLength(Uint8Array.of(0x41, 0xe2)), 1);
  assert.equal(completeLength(Uint8Array.of(...tv.slice(0, 3))), 0);
  assert.equal(completeLength(Uint8Array.of(...tv)), 4);
  assert.equal(completeLength(Uint8Array.of(0x80, 0x80, 0x80, 0x80)), 4);
  assert.equal(completeLength(new Uint8Array(0)), 0);
});

Deno.test("validUtf8Prefix() agrees with the fatal TextDecoder on random bytes", () => {
  const next = random(42);
  const interesting = [0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xa0, 0xed, 0x9f];
  interesting.push(0xef, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xff);
  for (let i = 0; i < 5000; i++) {
    const bytes = Uint8Array.from(
      { length: 1 + Math.floor(next() * 8) },
      () => next() < 0.6 ? interesting[Math.floor(next() * interesting.length)] : next() * 256,
    );
    const valid = validUtf8Prefix(bytes);
    assert.equal(valid === bytes.length, isValidUtf8(bytes), `${bytes}`);
    assert.ok(isValidUtf8(bytes.subarray(0, valid)), `${bytes}`);
  }
});

Deno.test("FallbackDecoder decodes UTF-8 fed one byte at a time", () => {
  const text = "#EXTINF:-1,Ünïcode ✓ 📺 网络广播\n";
  const decoder = new FallbackDecoder();
  let out = "";
  for (const byte of new TextEncoder().encode(text)) out += decoder.decode(Uint8Array.of(byte));
  out += decoder.flush();
  assert.equal(out, text);
  assert.equal(decoder.fellBack, false);
});

Deno.test("FallbackDecoder switches to windows-1252 at the first invalid byte", () => {
  const decoder = new FallbackDecoder();
  // 0xE9 could still start a 3-byte sequence: it waits for the next chunk.
  assert.equal(decoder.decode(Uint8Array.of(0x41, 0xc3, 0xa9, 0xe9)), "Aé");
  assert.equal(decoder.fellBack, false);
  assert.equal(decoder.decode(Uint8Array.of(0x20, 0x80, 0x96)), "é €–");
  assert.equal(decoder.fellBack, true);
  assert.equal(decoder.decode(Uint8Array.of(0xc3, 0xa9)), "Ã©");
  assert.equal(decoder.flush(), "");
});
