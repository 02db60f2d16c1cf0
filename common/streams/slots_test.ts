/** Connection slots against a real KV: the limit holds, and a burst within it is served whole. */
import { equal } from "node:assert/strict";
import { LimitReachedError } from "../errors.ts";
import { acquireSlot, beat, listSlots } from "./slots.ts";

async function burst(max: number, requests: number) {
  const kv = await Deno.openKv(":memory:");
  try {
    // A live proxy: the slots of one without a fresh heartbeat are reclaimed.
    await beat(kv, "P");
    const upstream = { id: "up1", name: "Provider", maxConnections: max };
    const answers = await Promise.allSettled(
      Array.from({ length: requests }, (_, i) =>
        acquireSlot(kv, upstream, {
          proxy: "P",
          holderId: `h${i}`,
          channelId: `c${i}`,
          since: new Date().toISOString(),
        })),
    );
    const taken = answers.flatMap((a) => a.status === "fulfilled" ? [a.value] : []);
    const refused = answers.filter((a) =>
      a.status === "rejected" && a.reason instanceof LimitReachedError
    );
    return { taken, refused: refused.length, held: (await listSlots(kv, "up1")).length };
  } finally {
    kv.close();
  }
}

Deno.test("acquireSlot() serves a burst of 50 within a limit of 60 or 300, each a slot of its own", async () => {
  for (const max of [60, 300]) {
    const r = await burst(max, 50);
    equal(r.refused, 0, `limit ${max}: ${r.refused} of 50 refused`);
    equal(new Set(r.taken).size, 50);
    equal(r.held, 50);
  }
});

Deno.test("acquireSlot() refuses what a burst asks beyond the limit", async () => {
  const r = await burst(3, 50);
  equal(r.taken.length, 3);
  equal(r.refused, 47);
  equal(r.held, 3);
});
