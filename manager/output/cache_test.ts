import { equal, ok } from "node:assert/strict";
import { ChangeFeed } from "../../common/kv/change_feed.ts";
import { bumpNow } from "../../common/kv/revisions.ts";
import { createLogger } from "../../common/log.ts";
import { waitFor } from "../../testing/harness.ts";
import { OutputCache, type Rendered, rendered } from "./cache.ts";

async function setUp() {
  const kv = await Deno.openKv(":memory:");
  const feed = await new ChangeFeed(kv, { intervalMs: 20 }).start();
  const builds: { id: string; previous: Rendered | null }[] = [];
  const cache = new OutputCache(feed, {
    page: {
      topics: ["downstreams"],
      build: (id, previous) => {
        builds.push({ id, previous });
        return rendered(`${id} v${builds.length}`, "text/plain");
      },
    },
  }, createLogger("warning", "test", false));
  return {
    kv,
    cache,
    builds,
    async close() {
      await cache.close();
      await feed.close();
      kv.close();
    },
  };
}

const text = (r: Rendered | null) => new TextDecoder().decode(r!.body[0]);

Deno.test("OutputCache renders an output in use again after a change and serves that render", async () => {
  const t = await setUp();
  try {
    equal(text(await t.cache.get("page", "a")), "a v1");
    equal(text(await t.cache.get("page", "a")), "a v1");
    equal(t.builds.length, 1);
    await bumpNow(t.kv, "downstreams");
    // No request: the change alone renders it again, from the last render.
    await waitFor(() => Promise.resolve(t.builds.length === 2), "the background render");
    equal(text(t.builds[1].previous), "a v1");
    const served = await t.cache.get("page", "a");
    equal(text(served), "a v2");
    equal(t.builds.length, 2);
  } finally {
    await t.close();
  }
});

Deno.test("OutputCache prepares gzip in the background for outputs fetched with gzip", async () => {
  const t = await setUp();
  try {
    const first = await t.cache.get("page", "a");
    ok(!first!.gzipWanted());
    await first!.gzip();
    ok(first!.gzipWanted());
    await bumpNow(t.kv, "downstreams");
    await waitFor(() => Promise.resolve(t.builds.length === 2), "the background render");
    const served = await waitFor(async () => {
      const r = await t.cache.get("page", "a");
      return r?.gzipWanted() && r;
    }, "gzip of the background render");
    equal(text(served), "a v2");
    const unzipped = new Response(
      new Blob(await served.gzip() as BlobPart[]).stream().pipeThrough(
        new DecompressionStream("gzip"),
      ),
    );
    equal(await unzipped.text(), "a v2");
  } finally {
    await t.close();
  }
});
