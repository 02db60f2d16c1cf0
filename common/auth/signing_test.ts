import { equal, notEqual } from "node:assert/strict";
import { sign, signingKey, verifySigned } from "./signing.ts";

Deno.test("verifySigned() accepts its own signature and nothing tampered with", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const key = await signingKey(kv, "");
    const signed = await sign(key, "user1.123", { purpose: "known-device" });
    equal(await verifySigned(key, signed, { purpose: "known-device" }), "user1.123");
    equal(await verifySigned(key, signed, { purpose: "other-purpose" }), null);
    const swapped = signed.replace("user1", "user2");
    equal(await verifySigned(key, swapped, { purpose: "known-device" }), null);
    equal(await verifySigned(key, "user1.123.AAAA", { purpose: "known-device" }), null);
    equal(await verifySigned(key, "no signature", { purpose: "known-device" }), null);
    equal(await verifySigned(key, "x.!!!", { purpose: "known-device" }), null);
  } finally {
    kv.close();
  }
});

Deno.test("signingKey() is created once in KV, or derived from SECRET_KEY", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const stored = await sign(await signingKey(kv, ""), "v", { purpose: "p" });
    const fromSecret = await sign(await signingKey(kv, "a secret"), "v", { purpose: "p" });
    notEqual(stored, fromSecret);
    const other = await Deno.openKv(":memory:");
    try {
      // Another KV store has a key of its own; the same SECRET_KEY gives the same key anywhere.
      notEqual(await sign(await signingKey(other, ""), "v", { purpose: "p" }), stored);
      equal(await sign(await signingKey(other, "a secret"), "v", { purpose: "p" }), fromSecret);
    } finally {
      other.close();
    }
  } finally {
    kv.close();
  }
});
