import { deepEqual, equal } from "node:assert/strict";
import { serveLocal, testConfig, waitFor } from "../../testing/harness.ts";
import { listPlaylistChannels, patchChannels } from "../db/channels.ts";
import { channelEditsKey, channelsOfPlaylistPrefix } from "../db/keys.ts";
import { recalled } from "../db/written_generations.ts";
import { createUpstreamPlaylist, getUpstreamPlaylist } from "../db/upstream_playlists.ts";
import type { Channel } from "../schemas.ts";
import { startImport } from "./playlist_import.ts";

const opts = {};

// Exercises every identity rule: same tvg-id and name (twice), same URL, same group and name,
// a renamed channel, a moved one, a dropped one and a new one.
const BEFORE = `#EXTM3U
#EXTINF:-1 tvg-id="a.us" group-title="News",Alpha
http://h/1.ts
#EXTINF:-1 tvg-id="a.us" group-title="News",Alpha
http://h/2.ts
#EXTINF:-1 tvg-id="b.us" group-title="News",Beta
http://h/3.ts
#EXTINF:-1 group-title="Sports",Gamma
http://h/4.ts
#EXTINF:-1 group-title="Sports",Delta
http://h/5.ts
#EXTINF:-1 group-title="Kids",Epsilon
pipe:///bin/cat
#EXTINF:-1 group-title="Kids",Zeta
http://h/7.ts
`;
const AFTER = `#EXTM3U
#EXTINF:-1 group-title="Sports",Delta
http://h/5b.ts
#EXTINF:-1 tvg-id="a.us" group-title="News",Alpha
http://h/2b.ts
#EXTINF:-1 tvg-id="a.us" group-title="News",Alpha
http://h/1b.ts
#EXTINF:-1 tvg-id="b.us" group-title="News",Beta Renamed
http://h/3.ts
#EXTINF:-1 tvg-id="g.us" group-title="Sports",Gamma
http://h/4c.ts
#EXTINF:-1 group-title="Kids",Epsilon
pipe:///bin/cat
#EXTINF:-1 group-title="Kids",Eta
http://h/8.ts
`;

/** What happens between the two imports. */
interface Between {
  /** close the KV handle and open a new one on the same file (as after a restart) */
  reopen?: boolean;
  edit?: (kv: Deno.Kv, playlistId: string, first: Channel[]) => Promise<unknown>;
}

/** Imports BEFORE, then AFTER. Answers each run's channels. */
async function importTwice(
  between: Between = {},
): Promise<{ first: Channel[]; second: Channel[] }> {
  const config = await testConfig();
  let text = BEFORE;
  const up = serveLocal(() => new Response(text));
  let kv = await Deno.openKv(`${config.dataDir}/test.kv`);
  try {
    const p = await createUpstreamPlaylist(kv, {
      name: "Provider",
      url: `${up.url}/list.m3u`,
      path: "",
      userAgentId: null,
      excludedGroups: [],
      maxConnections: 1,
      refreshMinutes: 0,
      enabled: true,
    });
    // Held like the manager's channel index holds it.
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
    equal(held.length, first.length);
    await between.edit?.(kv, p.id, first);
    if (between.reopen) {
      kv.close();
      kv = await Deno.openKv(`${config.dataDir}/test.kv`);
    }
    text = AFTER;
    const second = await run();
    // The previous generation is deleted in the background: only the current one stays.
    await waitFor(
      async () => {
        let keys = 0;
        for await (const e of kv.list<unknown[]>({ prefix: channelsOfPlaylistPrefix(p.id) })) {
          keys += e.value.length;
        }
        return keys === second.length;
      },
      "the previous generation to be deleted",
      5_000,
    );
    return { first, second };
  } finally {
    kv.close();
    await up.close();
    await Deno.remove(config.dataDir, { recursive: true }).catch(() => {});
  }
}

/** Each new channel as the old position it kept (or null) and its state, ids left out. */
function outcome(first: Channel[], second: Channel[]) {
  const oldSeq = new Map(first.map((c) => [c.id, c.seq]));
  return second.map((c) => ({
    seq: c.seq,
    name: c.name,
    was: oldSeq.get(c.id) ?? null,
    enabled: c.enabled,
    keepStatus: c.keepStatus,
    missing: c.missing,
    blockedReason: c.blockedReason,
  }));
}

Deno.test(
  "startImport() refreshes alike from the generation in memory and from KV",
  opts,
  async () => {
    // Same process and KV handle: the previous generation is still in memory.
    const inMemory = await importTwice();
    // A new handle (as after a restart): the previous generation is read back from KV.
    const fromKv = await importTwice({ reopen: true });
    const a = outcome(inMemory.first, inMemory.second);
    deepEqual(outcome(fromKv.first, fromKv.second), a);
    deepEqual(a.map((c) => [c.name, c.was, c.missing]), [
      ["Delta", 4, false],
      ["Alpha", 0, false],
      ["Alpha", 1, false],
      ["Beta Renamed", 2, false],
      ["Gamma", 3, false],
      ["Epsilon", 5, false],
      ["Eta", null, false],
      ["Zeta", 6, true],
    ]);
  },
);

Deno.test(
  "startImport() refresh sees channel edits made after the previous import",
  opts,
  async () => {
    const { second } = await importTwice({
      edit: async (kv, playlistId, first) => {
        const zeta = first.find((c) => c.name === "Zeta")!;
        const beta = first.find((c) => c.name === "Beta")!;
        await patchChannels(kv, playlistId, [beta.id], { enabled: false });
        await patchChannels(kv, playlistId, [zeta.id], { keepStatus: true });
      },
    });
    const byName = new Map(second.map((c) => [c.name, c]));
    equal(byName.get("Beta Renamed")?.enabled, false);
    equal(byName.get("Zeta")?.missing, true);
    equal(byName.get("Zeta")?.keepStatus, true);
    equal(byName.get("Zeta")?.enabled, true);
  },
);
