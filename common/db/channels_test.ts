import { deepEqual, equal, rejects } from "node:assert/strict";
import { serveLocal, testConfig, waitFor } from "../../testing/harness.ts";
import { startImport } from "../import/playlist_import.ts";
import { NotFoundError } from "../errors.ts";
import type { Channel } from "../schemas.ts";
import { MAX_VALUE_BYTES, valueSize } from "../kv/size.ts";
import {
  bulkPatchChannels,
  channelSize,
  channelTooLarge,
  chunkSpans,
  ChunkWriter,
  listGeneration,
  listPlaylistChannels,
  migrateChannelsToChunks,
  patchChannels,
} from "./channels.ts";
import { channelEditsKey, channelsOfPlaylistPrefix } from "./keys.ts";
import { recalled } from "./written_generations.ts";
import { createUpstreamPlaylist, getUpstreamPlaylist } from "./upstream_playlists.ts";

const opts = {};

/** `n` entries; every 97th has a long name (about 20 KB), so chunks also end on size. */
function playlist(n: number, skip = new Set<number>()): string {
  let s = "#EXTM3U\n";
  for (let i = 0; i < n; i++) {
    if (skip.has(i)) continue;
    const name = i % 97 === 5 ? `Big ${i} ${"é".repeat(20_000)}` : `Channel ${i}`;
    s += `#EXTINF:-1 tvg-id="c${i}" group-title="G${i % 7}",${name}\nhttp://h/${i}.ts\n`;
  }
  return s;
}

Deno.test("channels in many chunks list, patch, carry over and are collected", opts, async () => {
  const config = await testConfig();
  let text = playlist(450);
  const up = serveLocal(() => new Response(text));
  const kv = await Deno.openKv(`${config.dataDir}/test.kv`);
  try {
    const p = await createUpstreamPlaylist(kv, {
      name: "Chunky",
      url: `${up.url}/list.m3u`,
      path: "",
      userAgentId: null,
      excludedGroups: [],
      maxConnections: 1,
      refreshMinutes: 0,
      enabled: true,
    });
    let held: Channel[] = [];
    const run = async () => {
      const { done } = await startImport(kv, p.id, { settings: config });
      equal((await done).status, "ok");
      const playlist = await getUpstreamPlaylist(kv, p.id);
      // What the importer hands the manager's channel index through memory.
      const edits = await kv.get(channelEditsKey(p.id));
      held = recalled(kv, p.id, playlist.generation!, edits.versionstamp) ?? [];
      return await listPlaylistChannels(kv, playlist);
    };
    const first = await run();
    equal(first.length, 450);
    deepEqual(first.map((c) => c.seq), [...Array(450).keys()]);
    deepEqual(first, held);
    let chunks = 0;
    for await (const _ of kv.list({ prefix: channelsOfPlaylistPrefix(p.id) })) chunks++;
    equal(chunks > 5, true);

    // One channel by id alone, others with their known values, across chunks.
    const [one] = await patchChannels(kv, p.id, [first[301].id], { enabled: false });
    equal(one.enabled, false);
    const some = [first[0], first[5], first[99], first[100], first[449]];
    const patched = await patchChannels(
      kv,
      p.id,
      some.map((c) => c.id),
      { keepStatus: true },
      some,
    );
    deepEqual(patched.map((c) => c.id), some.map((c) => c.id));
    const many = first.filter((c) => c.seq % 3 === 0);
    const bulk = await bulkPatchChannels(kv, p.id, many, { enabled: false });
    equal(bulk.length, many.length);
    await rejects(patchChannels(kv, p.id, ["01ARZ3NDEKTSV4RRFFQ69G5FAV"], {}), NotFoundError);

    const edited = await listPlaylistChannels(kv, await getUpstreamPlaylist(kv, p.id));
    const want = first.map((c) => ({
      ...c,
      enabled: c.seq % 3 !== 0 && c.seq !== 301,
      keepStatus: some.includes(c),
    }));
    deepEqual(edited, want);

    // A refresh without entries 10..19 keeps the edits and marks those ten missing.
    text = playlist(450, new Set([...Array(10).keys()].map((i) => i + 10)));
    const second = await run();
    equal(second.length, 450);
    const byId = new Map(second.map((c) => [c.id, c]));
    for (const c of want) {
      const now = byId.get(c.id)!;
      equal(now.keepStatus, c.keepStatus);
      const gone = c.seq >= 10 && c.seq < 20;
      equal(now.missing, gone);
      equal(now.enabled, gone ? false : c.enabled);
    }
    // Missing channels can be patched too.
    const missing = second.filter((c) => c.missing);
    const [m] = await patchChannels(kv, p.id, [missing[3].id], { keepStatus: true }, [missing[3]]);
    equal(m.keepStatus, true);
    // Only the current generation's chunks remain.
    await waitFor(
      async () => {
        let n = 0;
        for await (const e of kv.list<Channel[]>({ prefix: channelsOfPlaylistPrefix(p.id) })) {
          n += e.value.length;
        }
        return n === 450;
      },
      "the previous generation to be deleted",
      5_000,
    );
  } finally {
    kv.close();
    await up.close();
  }
});

Deno.test("channels stored one per key move into chunks once", opts, async () => {
  const config = await testConfig();
  const up = serveLocal(() => new Response(playlist(250)));
  const kv = await Deno.openKv(`${config.dataDir}/test.kv`);
  try {
    const p = await createUpstreamPlaylist(kv, {
      name: "Old",
      url: `${up.url}/list.m3u`,
      path: "",
      userAgentId: null,
      excludedGroups: [],
      maxConnections: 1,
      refreshMinutes: 0,
      enabled: true,
    });
    const { done } = await startImport(kv, p.id, { settings: config });
    equal((await done).status, "ok");
    const pl = await getUpstreamPlaylist(kv, p.id);
    const want = await listPlaylistChannels(kv, pl);
    // Lay them out as before chunks: one key per channel, in a random key order.
    for (const c of want) await kv.set(["channels", p.id, pl.generation!, c.id], c);
    await kv.set(["channels", p.id, "01ARZ3NDEKTSV4RRFFQ69G5FAV", "x"], want[0]);
    for await (const e of kv.list({ prefix: channelsOfPlaylistPrefix(p.id) })) {
      await kv.delete(e.key);
    }
    equal((await listPlaylistChannels(kv, pl)).length, 0);
    equal(await migrateChannelsToChunks(kv), 250);
    deepEqual(await listPlaylistChannels(kv, pl), want);
    let left = 0;
    for await (const _ of kv.list({ prefix: ["channels"] })) left++;
    equal(left, 0);
    equal(await migrateChannelsToChunks(kv), 0);
  } finally {
    kv.close();
    await up.close();
  }
});

function channel(seq: number, name: string): Channel {
  return {
    id: `01JABCDEFGHJKMNPQRST${String(seq).padStart(6, "0")}`,
    playlistId: "01JABCDEFGHJKMNPQRSTVWXYZ0",
    groupId: "01JABCDEFGHJKMNPQRSTVWXYZ1",
    seq,
    name,
    url: `http://example.invalid/${seq}.m3u8`,
    duration: -1,
    attrs: { "tvg-id": `c${seq}`, "group-title": "Новости" },
    vlcOpts: [],
    kodiProps: [],
    extras: [],
    enabled: true,
    keepStatus: false,
    missing: false,
    blockedReason: null,
    firstSeenAt: "2026-01-05T00:00:00.000Z",
    lastSeenAt: "2026-01-05T00:00:00.000Z",
  };
}

Deno.test("chunks stay under 64 KiB by measurement, whatever the script", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const scripts = ["東京のニュース", "北京新闻", "Ειδήσεις", "Новости", "News"];
    const channels = Array.from(
      { length: 400 },
      (_, i) => channel(i, `${i} ${scripts[i % 5].repeat(1 + (i * 37) % 120)}`),
    );
    // Over the chunk budget by its bound (two bytes a character), under the limit measured.
    channels[150] = channel(150, "x".repeat(40_000));
    equal(channelSize(channels[150]) > 64_000, true);
    equal(channelTooLarge(channels[150]), false);
    // Over the limit: text over U+00FF, or ASCII cut out of it (held two bytes a character).
    equal(channelTooLarge(channel(0, "频".repeat(40_000))), true);
    const cut = `频${"x".repeat(40_000)}`.slice(1);
    equal(channelTooLarge(channel(0, cut)), true);

    const writer = new ChunkWriter(kv, "01JABCDEFGHJKMNPQRSTVWXYZ0", "01JGENERATION0000000000000");
    for (const c of channels) await writer.add(c, channelSize(c));
    await writer.close();
    deepEqual(writer.spans, chunkSpans(channels));
    const alone = writer.spans.find((s) => s.start === 150);
    deepEqual(alone && alone.end, 151);
    const stored = await listGeneration(
      kv,
      "01JABCDEFGHJKMNPQRSTVWXYZ0",
      "01JGENERATION0000000000000",
    );
    deepEqual(stored, channels);
    for await (const e of kv.list({ prefix: ["channel_chunks"] })) {
      equal(valueSize(e.value) <= MAX_VALUE_BYTES, true);
    }
  } finally {
    kv.close();
  }
});
