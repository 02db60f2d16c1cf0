/**
 * The groups of a downstream playlist: picks (upstream playlist, name) and bare names saved
 * before picks existed. How an entry matches a channel's group, and how the entries travel in a
 * form field (one a line). No zod here: the editor island bundles this module for the browser.
 */
import type { GroupEntry, GroupPick } from "../schemas.ts";

/** True when the entry names the playlist it is picked from. */
export function isPick(e: GroupEntry): e is GroupPick {
  return typeof e !== "string";
}

/** The name an entry selects. */
export function entryName(e: GroupEntry): string {
  return isPick(e) ? e.name : e;
}

/** True when two entries select the same groups. */
export function sameEntry(a: GroupEntry, b: GroupEntry): boolean {
  if (isPick(a) !== isPick(b)) return false;
  return isPick(a) && isPick(b) ? a.playlistId === b.playlistId && a.name === b.name : a === b;
}

/** `(playlistId, name)` → the position of the first entry that selects that group, if any. */
export type EntryPosition = (playlistId: string, name: string) => number | undefined;

/**
 * Looks up an entry's position by upstream playlist and group name. A bare name matches the
 * name in every upstream playlist, a pick only in its own; when both select a group, the one
 * listed first places it (a group is listed once, where the admin first put it).
 */
export function entryPositions(entries: readonly GroupEntry[]): EntryPosition {
  const bare = new Map<string, number>();
  const picked = new Map<string, Map<string, number>>();
  entries.forEach((e, i) => {
    if (!isPick(e)) {
      if (!bare.has(e)) bare.set(e, i);
      return;
    }
    let names = picked.get(e.playlistId);
    if (!names) picked.set(e.playlistId, names = new Map());
    if (!names.has(e.name)) names.set(e.name, i);
  });
  return (playlistId, name) => {
    const a = picked.get(playlistId)?.get(name);
    const b = bare.get(name);
    if (a === undefined) return b;
    return b === undefined ? a : Math.min(a, b);
  };
}

/**
 * An entry as one line of the form's `groups` field: a bare name as it is, a pick as a JSON
 * object (no group name a person types starts with `{"playlistId"`, so the two cannot be mixed
 * up, and a line typed by hand without JavaScript stays a bare name).
 */
export function entryLine(e: GroupEntry): string {
  return isPick(e) ? JSON.stringify({ playlistId: e.playlistId, name: e.name }) : e;
}

/** The form's `groups` field: one entry a line. */
export function groupLines(entries: readonly GroupEntry[]): string {
  return entries.map(entryLine).join("\n");
}

/** Reads the form's `groups` field back into entries; blank lines are left out. */
export function parseGroupLines(text: string): GroupEntry[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).map(parseLine);
}

function parseLine(line: string): GroupEntry {
  if (!line.startsWith("{")) return line;
  try {
    const v = JSON.parse(line) as unknown;
    if (
      v && typeof v === "object" && "playlistId" in v && "name" in v &&
      typeof v.playlistId === "string" && typeof v.name === "string"
    ) {
      return { playlistId: v.playlistId, name: v.name };
    }
  } catch {
    // Not JSON: a group whose name starts with "{" is a bare name like any other.
  }
  return line;
}
