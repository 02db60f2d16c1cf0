import { deepEqual, equal } from "node:assert/strict";
import type {
  Channel,
  ChannelOverride,
  DownstreamPlaylist,
  Group,
  GroupOverride,
  UpstreamPlaylist,
} from "../schemas.ts";
import { assemble, excludeTest } from "./assemble.ts";

const now = "2026-01-01T00:00:00.000Z";

function upstream(id: string, enabled = true): UpstreamPlaylist {
  return {
    id,
    name: id,
    url: "http://x",
    path: "",
    userAgentId: null,
    excludedGroups: [],
    maxConnections: 1,
    refreshMinutes: 0,
    enabled,
    createdAt: now,
    updatedAt: now,
    generation: "g",
    headerAttrs: {},
    lastRunId: null,
    lastImportedAt: null,
  };
}

function group(id: string, playlistId: string, name: string, enabled = true): Group {
  return { id, playlistId, name, enabled, present: true, firstSeenAt: now };
}

let seq = 0;
function channel(
  playlistId: string,
  groupId: string,
  name: string,
  extra: Partial<Channel> = {},
): Channel {
  return {
    id: `${name.replace(/\W/g, "")}-${seq}`,
    playlistId,
    groupId,
    seq: seq++,
    name,
    url: `http://s.invalid/${seq}.ts`,
    duration: -1,
    attrs: { "tvg-id": `${name}.id` },
    vlcOpts: [],
    kodiProps: [],
    extras: [],
    enabled: true,
    keepStatus: false,
    missing: false,
    blockedReason: null,
    firstSeenAt: now,
    lastSeenAt: now,
    ...extra,
  };
}

function setup() {
  const groups = [
    group("gNewsA", "A", "News"),
    group("gSportA", "A", "Sport"),
    group("gOffA", "A", "Hidden", false),
    group("gNewsB", "B", "News"),
    group("gKidsC", "C", "Kids"),
  ];
  const channels: Channel[] = [
    channel("A", "gNewsA", "BBC News"),
    channel("A", "gSportA", "Sky Sports 1", { attrs: { "tvg-id": "sky1", "tvg-chno": "401" } }),
    channel("A", "gSportA", "Sky Sports 2", { enabled: false }),
    channel("A", "gOffA", "Secret"),
    channel("A", "gNewsA", "CNN International"),
    channel("B", "gNewsB", "Al Jazeera"),
    channel("C", "gKidsC", "Cartoon"),
  ];
  return { groups, channels };
}

function run(
  playlist: Partial<DownstreamPlaylist>,
  opts: {
    channelOverrides?: [string, ChannelOverride][];
    groupOverrides?: [string, GroupOverride][];
    upstreams?: UpstreamPlaylist[];
  } = {},
) {
  const { groups, channels } = setup();
  return assemble({
    playlist: {
      groups: [],
      excludeFilters: [],
      filterMode: "any",
      numbering: "keep",
      numberStart: 1,
      ...playlist,
    },
    upstreams: opts.upstreams ?? [upstream("A"), upstream("B"), upstream("C", false)],
    channelsOf: (id) => channels.filter((c) => c.playlistId === id),
    groups: new Map(groups.map((g) => [g.id, g])),
    groupOverrides: new Map(opts.groupOverrides ?? []),
    channelOverrides: new Map(
      (opts.channelOverrides ?? []).map((
        [name, o],
      ) => [channels.find((c) => c.name === name)!.id, o]),
    ),
  });
}

Deno.test("assemble() lists the chosen groups in the admin's order, across upstream playlists", () => {
  const out = run({ groups: ["Sport", "News"] });
  deepEqual(out.map((a) => a.name), [
    "Sky Sports 1",
    "BBC News",
    "CNN International",
    "Al Jazeera",
  ]);
  deepEqual(out.map((a) => a.group), ["Sport", "News", "News", "News"]);
});

Deno.test("assemble() leaves out disabled channels, groups and upstream playlists", () => {
  const out = run({ groups: ["Sport", "Hidden", "Kids"] });
  deepEqual(out.map((a) => a.name), ["Sky Sports 1"]);
});

Deno.test("assemble() exclusion filters work in every mode, case-insensitive", () => {
  const names = (mode: DownstreamPlaylist["filterMode"], filters: string[]) =>
    run({ groups: ["News", "Sport"], filterMode: mode, excludeFilters: filters }).map((a) =>
      a.name
    );
  deepEqual(names("any", ["news"]), ["CNN International", "Al Jazeera", "Sky Sports 1"]);
  deepEqual(names("exact", ["bbc news", "CNN"]), [
    "CNN International",
    "Al Jazeera",
    "Sky Sports 1",
  ]);
  deepEqual(names("prefix", ["cnn", "sky"]), ["BBC News", "Al Jazeera"]);
  deepEqual(names("suffix", ["news", "1"]), ["CNN International", "Al Jazeera"]);
  deepEqual(names("regex", ["^(bbc|al) ", "sports \\d$"]), ["CNN International"]);
  equal(excludeTest(["", "  "], "any")("anything"), false);
});

Deno.test("assemble() numbers from tvg-chno or sequentially, and overrides win", () => {
  const keep = run({ groups: ["Sport", "News"] });
  deepEqual(keep.map((a) => a.number), [401, null, null, null]);
  const seqd = run({ groups: ["Sport", "News"], numbering: "sequential", numberStart: 100 }, {
    channelOverrides: [["CNN International", { number: 7 }]],
  });
  deepEqual(seqd.map((a) => a.number), [100, 101, 7, 102]);
});

Deno.test("assemble() applies channel and group overrides, and selects by either group name", () => {
  const out = run({ groups: ["Headlines", "Favourites"] }, {
    groupOverrides: [["gNewsA", { name: "Headlines" }]],
    channelOverrides: [
      ["Sky Sports 1", {
        group: "Favourites",
        name: "Sky Sports Main",
        tvgId: "ss.main",
        logo: "http://l/x.png",
      }],
    ],
  });
  deepEqual(out.map((a) => [a.name, a.group]), [
    ["BBC News", "Headlines"],
    ["CNN International", "Headlines"],
    ["Sky Sports Main", "Favourites"],
  ]);
  equal(out[2].tvgId, "ss.main");
  equal(out[2].logo, "http://l/x.png");
  // The upstream name still selects the renamed group.
  deepEqual(
    run({ groups: ["News"] }, { groupOverrides: [["gNewsA", { name: "Headlines" }]] }).map((a) =>
      a.group
    ),
    ["Headlines", "Headlines", "News"],
  );
});

Deno.test("assemble() matches a bare name in every upstream playlist, a pick only in its own", () => {
  // Both "News": A's and B's. A bare name, as saved before picks existed, takes both.
  deepEqual(run({ groups: ["News"] }).map((a) => a.name), [
    "BBC News",
    "CNN International",
    "Al Jazeera",
  ]);
  // Picks tell them apart and order them: B's News first, then A's.
  const picked = run({
    groups: [{ playlistId: "B", name: "News" }, { playlistId: "A", name: "News" }],
  });
  deepEqual(picked.map((a) => a.name), ["Al Jazeera", "BBC News", "CNN International"]);
  deepEqual(run({ groups: [{ playlistId: "B", name: "News" }] }).map((a) => a.name), [
    "Al Jazeera",
  ]);
  // A pick of a playlist that has no such group selects nothing.
  deepEqual(run({ groups: [{ playlistId: "B", name: "Sport" }] }), []);
  // Mixed: the first entry that selects a group places it.
  deepEqual(
    run({ groups: [{ playlistId: "A", name: "Sport" }, "News", { playlistId: "B", name: "News" }] })
      .map((a) => a.name),
    ["Sky Sports 1", "BBC News", "CNN International", "Al Jazeera"],
  );
});

Deno.test("assemble() selects a pick by the renamed group's name or its upstream name", () => {
  const opts = { groupOverrides: [["gNewsA", { name: "Headlines" }]] as [string, GroupOverride][] };
  deepEqual(
    run({ groups: [{ playlistId: "A", name: "Headlines" }] }, opts).map((a) => a.name),
    ["BBC News", "CNN International"],
  );
  deepEqual(
    run({ groups: [{ playlistId: "A", name: "News" }] }, opts).map((a) => a.group),
    ["Headlines", "Headlines"],
  );
});
