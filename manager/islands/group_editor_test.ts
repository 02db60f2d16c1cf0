import { deepEqual, equal } from "node:assert/strict";
import {
  describeEntry,
  type GroupChoices,
  isChosen,
  moveEntry,
  pickBareNames,
  searchChoices,
} from "./group_editor.ts";

const CHOICES: GroupChoices = {
  playlists: [
    { id: "A", name: "Provider A", enabled: true },
    { id: "B", name: "Provider B", enabled: true },
  ],
  groups: [
    { playlistId: "B", name: "News", label: "News", channels: 1, enabled: true },
    { playlistId: "A", name: "Sport", label: "Sport", channels: 1, enabled: true },
    { playlistId: "A", name: "UK", label: "UK", channels: 2, enabled: true },
    { playlistId: "B", name: "Britain", label: "UK", channels: 3, enabled: true },
  ],
};

Deno.test("searchChoices() finds groups by every word, in label, upstream or playlist name", () => {
  const found = (q: string) => searchChoices(CHOICES, q).map((g) => `${g.playlistId}/${g.name}`);
  deepEqual(found(""), ["B/News", "A/Sport", "A/UK", "B/Britain"]);
  deepEqual(found("uk"), ["A/UK", "B/Britain"]);
  deepEqual(found("UK provider b"), ["B/Britain"]);
  deepEqual(found("brit"), ["B/Britain"]);
  deepEqual(found("nothing"), []);
});

Deno.test("pickBareNames() turns a bare name into picks of each playlist, in assembly order", () => {
  const { entries, replaced } = pickBareNames(
    [{ playlistId: "B", name: "News" }, "UK", "Gone", { playlistId: "A", name: "UK" }],
    CHOICES,
  );
  deepEqual(entries, [
    { playlistId: "B", name: "News" },
    { playlistId: "A", name: "UK" },
    // B's group is renamed to "UK": the bare name matched it by that name, the pick keeps its own.
    { playlistId: "B", name: "Britain" },
    "Gone",
  ]);
  deepEqual(replaced, ["UK"]);
});

Deno.test("describeEntry() names the playlist of a pick and counts its channels", () => {
  deepEqual(describeEntry({ playlistId: "B", name: "Britain" }, CHOICES), {
    label: "UK",
    playlist: "Provider B",
    channels: 3,
    known: true,
  });
  deepEqual(describeEntry("UK", CHOICES), {
    label: "UK",
    playlist: null,
    channels: 5,
    known: true,
  });
  equal(describeEntry({ playlistId: "X", name: "UK" }, CHOICES).playlist, "a deleted playlist");
  equal(describeEntry("Gone", CHOICES).known, false);
  equal(describeEntry("UK", null).channels, null);
  equal(isChosen([{ playlistId: "A", name: "UK" }], CHOICES.groups[2]), true);
  equal(isChosen(["UK"], CHOICES.groups[2]), false);
});

Deno.test("moveEntry() moves one entry and keeps the rest in order", () => {
  deepEqual(moveEntry(["a", "b", "c"], 2, 0), ["c", "a", "b"]);
  deepEqual(moveEntry(["a", "b", "c"], 0, 1), ["b", "a", "c"]);
  deepEqual(moveEntry(["a", "b", "c"], 1, 9), ["a", "c", "b"]);
});
