import { equal } from "node:assert/strict";
import { initials, searchTerm } from "./channel_text.ts";

Deno.test("initials() takes two words' first letters, or a single word's first two", () => {
  equal(initials("BBC One HD"), "BO");
  equal(initials("日テレ"), "日テ");
  equal(initials("[JP] 日テレ"), "日テ");
  equal(initials("(UK) sky"), "SK");
  equal(initials("--"), "");
});

Deno.test("searchTerm() drops tags and quality words that guides seldom carry", () => {
  equal(searchTerm("BBC One HD"), "BBC One");
  equal(searchTerm("Sky Sports (backup) FHD"), "Sky Sports");
  equal(searchTerm("[JP] ＮＨＫ総合 4K"), "ＮＨＫ総合");
  equal(searchTerm("HD"), "HD");
});
