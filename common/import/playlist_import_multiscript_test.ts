import { deepEqual, equal, ok as assert } from "node:assert/strict";
import { testConfig } from "../../testing/harness.ts";
import { listPlaylistChannels } from "../db/channels.ts";
import { listGroups } from "../db/groups.ts";
import { channelsPrefix } from "../db/keys.ts";
import { createUpstreamPlaylist, getUpstreamPlaylist } from "../db/upstream_playlists.ts";
import { MAX_VALUE_BYTES, valueSize } from "../kv/size.ts";
import { parseM3uText } from "../m3u/mod.ts";
import { startImport, UNGROUPED } from "./playlist_import.ts";

// testing/multiscript_fixtures.ts writes it: 256 channels with ~2 KB names in Japanese, Chinese,
// Greek and Russian, long URLs and attributes, group titles longer than a KV key. Sized by
// string.length, its channels overflowed KV's 800 KiB commit limit.
const FIXTURE = new URL("../../testdata/m3u/edge/multiscript.m3u", import.meta.url);

Deno.test(
  "startImport() stores every channel of a playlist in Japanese, Chinese, Greek and Russian",
  async () => {
    const config = await testConfig();
    try {
      await Deno.copyFile(FIXTURE, `${config.dataDir}/multiscript.m3u`);
      const entries = parseM3uText(await Deno.readTextFile(FIXTURE)).entries;
      equal(entries.length, 256);
      // Three imports, each into a new store: batches form as parsing and writing interleave.
      for (let attempt = 1; attempt <= 3; attempt++) {
        const kv = await Deno.openKv(":memory:");
        try {
          const p = await createUpstreamPlaylist(kv, {
            name: "Multiscript",
            url: "",
            path: "multiscript.m3u",
            userAgentId: null,
            excludedGroups: [],
            maxConnections: 1,
            refreshMinutes: 0,
            enabled: true,
          });
          const run = await (await startImport(kv, p.id, { settings: config })).done;
          equal(run.status, "ok", `import ${attempt}: ${run.error}`);
          deepEqual(run.warnings, []);
          equal(run.counts.channels, entries.length);

          const playlist = await getUpstreamPlaylist(kv, p.id);
          const channels = await listPlaylistChannels(kv, playlist);
          const groups = new Map((await listGroups(kv, p.id)).map((g) => [g.id, g.name]));
          equal(channels.length, entries.length);
          equal(groups.size, 20);
          channels.forEach((c, i) => {
            const e = entries[i];
            deepEqual({
              name: c.name,
              url: c.url,
              duration: c.duration,
              attrs: c.attrs,
              vlcOpts: c.vlcOpts,
              kodiProps: c.kodiProps,
              extras: c.extras,
              group: groups.get(c.groupId),
            }, {
              name: e.name,
              url: e.url,
              duration: e.duration,
              attrs: e.attrs,
              vlcOpts: e.vlcOpts,
              kodiProps: e.kodiProps,
              extras: e.extras,
              group: e.attrs["group-title"] ?? UNGROUPED,
            }, `channel ${i} (import ${attempt})`);
          });
          // Several channels a value, each value under the limit.
          let values = 0;
          for await (const e of kv.list({ prefix: channelsPrefix(p.id, playlist.generation!) })) {
            values++;
            assert(valueSize(e.value) <= MAX_VALUE_BYTES);
          }
          assert(values > 1 && values < entries.length / 4, `${values} chunks`);
        } finally {
          kv.close();
        }
      }
    } finally {
      await Deno.remove(config.dataDir, { recursive: true });
    }
  },
);

Deno.test("startImport() skips a channel over 64 KiB measured and keeps the rest", async () => {
  const config = await testConfig();
  const kv = await Deno.openKv(":memory:");
  try {
    // 40,000 characters over U+00FF take 80,000 bytes: its JSON (40,000) looked small enough.
    const body = [
      "#EXTM3U",
      "#EXTINF:-1 tvg-id=a,Первый канал",
      "http://example.invalid/a.m3u8",
      `#EXTINF:-1 tvg-id=b,${"長".repeat(40_000)}`,
      "http://example.invalid/b.m3u8",
      "#EXTINF:-1 tvg-id=c,Τρίτο",
      "http://example.invalid/c.m3u8",
    ].join("\n");
    await Deno.writeTextFile(`${config.dataDir}/big.m3u`, body);
    const p = await createUpstreamPlaylist(kv, {
      name: "Big",
      url: "",
      path: "big.m3u",
      userAgentId: null,
      excludedGroups: [],
      maxConnections: 1,
      refreshMinutes: 0,
      enabled: true,
    });
    const run = await (await startImport(kv, p.id, { settings: config })).done;
    equal(run.status, "ok", run.error ?? "");
    deepEqual(run.warnings, [`Skipped "${"長".repeat(80)}" at line 4: its entry is too large`]);
    const channels = await listPlaylistChannels(kv, await getUpstreamPlaylist(kv, p.id));
    deepEqual(channels.map((c) => c.name), ["Первый канал", "Τρίτο"]);
  } finally {
    kv.close();
    await Deno.remove(config.dataDir, { recursive: true });
  }
});
