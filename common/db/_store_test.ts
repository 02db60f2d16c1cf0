import { equal } from "node:assert/strict";
import { BatchWriter } from "./_store.ts";

const ULID = "01JABCDEFGHJKMNPQRSTVWXYZ0";

Deno.test("BatchWriter splits batches whose keys pass KV's 81,920-byte limit", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    // A channel key is ~94 encoded bytes: 1,000 of them (the mutation cap) were refused.
    const writer = new BatchWriter(kv);
    for (let i = 0; i < 2_500; i++) {
      const id = ULID.slice(0, 20) + String(i).padStart(6, "0");
      await writer.set(["channels", ULID, ULID, id], { seq: i }, 20);
    }
    // Non-ASCII key parts take up to three bytes a character.
    for (let i = 0; i < 1_000; i++) {
      await writer.set(["groups_by_name", ULID, `频道分组${"名".repeat(30)}${i}`], ULID, 30);
    }
    await writer.close();
    let channels = 0;
    for await (const _ of kv.list({ prefix: ["channels"] })) channels++;
    let groups = 0;
    for await (const _ of kv.list({ prefix: ["groups_by_name"] })) groups++;
    equal(channels, 2_500);
    equal(groups, 1_000);
  } finally {
    kv.close();
  }
});
