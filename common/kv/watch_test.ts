import { deepEqual, equal, ok } from "node:assert/strict";
import { ChangeFeed } from "./change_feed.ts";
import { bump } from "./revisions.ts";
import { watchKeys } from "./watch.ts";

async function tempKv(): Promise<{ kv: Deno.Kv; path: string; dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "iptv-watch-" });
  const path = `${dir}/kv.sqlite`;
  return { kv: await Deno.openKv(path), path, dir };
}

/** Runs a one-off script in a second Deno process against the same KV file. */
async function inOtherProcess(path: string, code: string): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--unstable-kv",
      `const kv = await Deno.openKv(${JSON.stringify(path)});\n${code}\nkv.close();`,
    ],
    stderr: "inherit",
  }).output();
  equal(out.code, 0);
}

Deno.test("watchKeys() polls a local file and sees a write made by another process", async () => {
  const { kv, path, dir } = await tempKv();
  const abort = new AbortController();
  const seen: unknown[][] = [];
  const w = watchKeys(kv, [["a"], ["b"]], {
    mode: "poll",
    signal: abort.signal,
    onChange: (entries) => {
      seen.push(entries.map((e) => e.value));
    },
  });
  try {
    await w.check();
    deepEqual(seen, [[null, null]], "the first read is reported");
    const t0 = Date.now();
    await inOtherProcess(path, `await kv.set(["b"], "from the other process");`);
    while (seen.length < 2 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
    deepEqual(seen.at(-1), [null, "from the other process"]);
    ok(Date.now() - t0 < 5000);
    // A read that finds nothing new reports nothing.
    await w.check();
    equal(seen.length, 2);
  } finally {
    abort.abort();
    await w.done;
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("watchKeys() with kv.watch sees a write of its own process, and stops on abort", async () => {
  const { kv, dir } = await tempKv();
  const abort = new AbortController();
  const seen: unknown[] = [];
  const w = watchKeys(kv, [["x"]], {
    mode: "watch",
    signal: abort.signal,
    onChange: (entries) => {
      seen.push(entries[0].value);
    },
  });
  try {
    await w.check();
    await kv.set(["x"], 1);
    const t0 = Date.now();
    while (!seen.includes(1) && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 10));
    ok(seen.includes(1), "kv.watch delivered the write");
  } finally {
    abort.abort();
    await w.done;
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ChangeFeed.sync() returns after subscribers caught up with a commit made just before", async () => {
  const { kv, path, dir } = await tempKv();
  // A long poll interval: only sync() can explain a prompt catch-up.
  const feed = await new ChangeFeed(kv, { intervalMs: 60_000 }).start();
  const calls: string[][] = [];
  feed.subscribe(["downstreams"], async (_stamps, changed) => {
    await new Promise((r) => setTimeout(r, 30));
    calls.push(changed);
  });
  try {
    await bump(kv.atomic(), "channels").commit();
    await feed.sync();
    equal(calls.length, 0, "a topic nobody subscribed to calls nobody");
    await inOtherProcess(path, `await kv.atomic().sum(["revisions", "downstreams"], 1n).commit();`);
    await feed.sync();
    deepEqual(calls, [["downstreams"]]);
    // Thirty requests at once: one catch-up, and every one of them waits for it.
    await bump(kv.atomic(), "downstreams").commit();
    await Promise.all(Array.from({ length: 30 }, () => feed.sync()));
    equal(calls.length, 2);
  } finally {
    await feed.close();
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});
