import { deepEqual, equal } from "node:assert/strict";
import { DownstreamPlaylist, DownstreamPlaylistInput } from "../schemas.ts";
import { entryPositions, groupLines, parseGroupLines, sameEntry } from "./group_entries.ts";

Deno.test("parseGroupLines() reads back what groupLines() writes, bare names and picks", () => {
  const entries = [
    "News",
    { playlistId: "01A", name: "UK" },
    "{not json",
    { playlistId: "01B", name: 'UK "VIP" | 4K' },
  ];
  const text = groupLines(entries);
  equal(text.split("\n").length, 4);
  deepEqual(parseGroupLines(text + "\n\n"), entries);
  // A line typed by hand stays a bare name, even one that looks like JSON of something else.
  deepEqual(parseGroupLines(' Sport \r\n{"name":"x"}\n'), ["Sport", '{"name":"x"}']);
});

Deno.test("entryPositions() places a group where the first entry that selects it stands", () => {
  const at = entryPositions(["News", { playlistId: "A", name: "UK" }, "UK", {
    playlistId: "B",
    name: "News",
  }]);
  equal(at("A", "UK"), 1);
  equal(at("B", "UK"), 2);
  equal(at("B", "News"), 0);
  equal(at("C", "Sport"), undefined);
  equal(sameEntry("UK", { playlistId: "A", name: "UK" }), false);
  equal(sameEntry({ playlistId: "A", name: "UK" }, { playlistId: "A", name: "UK" }), true);
});

Deno.test("DownstreamPlaylistInput takes bare names and picks; records of bare names still load", () => {
  const input = DownstreamPlaylistInput.parse({
    name: "Kitchen",
    streamMode: "direct",
    groups: [" News ", { playlistId: "01A", name: " UK " }],
  });
  deepEqual(input.groups, ["News", { playlistId: "01A", name: "UK" }]);
  equal(
    DownstreamPlaylistInput.safeParse({ name: "K", streamMode: "direct", groups: [{ name: "UK" }] })
      .success,
    false,
  );
  const old = {
    id: "01X",
    name: "Old",
    proxyId: null,
    groups: ["News", "Sport"],
    excludeFilters: [],
    filterMode: "any",
    numbering: "keep",
    numberStart: 1,
    streamMode: "direct",
    guidePastDays: 1,
    guideFutureDays: 7,
    enabled: true,
    token: "t",
    streamToken: "s",
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
  };
  deepEqual(DownstreamPlaylist.parse(old).groups, ["News", "Sport"]);
});
