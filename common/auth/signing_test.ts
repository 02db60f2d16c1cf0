import { equal, notEqual } from "node:assert/strict";
import { sign, signingKey, verifySigned } from "./signing.ts";

Deno.test("verifySigned() accepts its own signature and nothing tampered with", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const key = await signingKey(kv, "");
    const signed = await sign(key, "known-device", "user1.123");
    equal(await verifySigned(key, "known-device", signed), "user1.123");
    equal(await verifySigned(key, "other-purpose", signed), null);
    equal(await verifySigned(key, "known-device", signed.replace("user1", "user2")), null);
    equal(await verifySigned(key, "known-device", "user1.123.AAAA"), null);
    equal(await verifySigned(key, "known-device", "no signature"), null);
    equal(await verifySigned(key, "known-device", "x.!!!"), null);
  } finally {
    kv.close();
  }
});

Deno.test("signingKey() is created once in KV, or derived from SECRET_KEY", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const stored = await sign(await signingKey(kv, ""), "p", "v");
    const fromSecret = await sign(await signingKey(kv, "a secret"), "p", "v");
    notEqual(stored, fromSecret);
    const other = await Deno.openKv(":memory:");
    try {
      // Another KV store has a key of its own; the same SECRET_KEY gives the same key anywhere.
      notEqual(await sign(await signingKey(other, ""), "p", "v"), stored);
      equal(await sign(await signingKey(other, "a secret"), "p", "v"), fromSecret);
    } finally {
      other.close();
    }
  } finally {
    kv.close();
  }
});
