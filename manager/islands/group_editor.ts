/**
 * The pure part of the downstream playlist editor island: searching the known groups, naming an
 * entry, moving entries, and turning bare names saved before picks existed into picks.
 */
import { entryName, isPick, sameEntry } from "../../common/output/group_entries.ts";
import type { GroupEntry } from "../../common/schemas.ts";
import type { GroupChoice, GroupChoices } from "../services/downstream_editor.ts";

export type { GroupChoice, GroupChoices, GroupEntry };

/** A key unique among a playlist's entries (for lists, focus and drag). */
export function entryKey(e: GroupEntry): string {
  return isPick(e) ? `pick:${e.playlistId}:${e.name}` : `name:${e}`;
}

/** The groups whose label, upstream name or playlist name contain every word of `q`. */
export function searchChoices(choices: GroupChoices, q: string): GroupChoice[] {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return choices.groups;
  const playlistName = playlistNames(choices);
  return choices.groups.filter((g) => {
    const text = `${g.label} ${g.name} ${playlistName.get(g.playlistId) ?? ""}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

function playlistNames(choices: GroupChoices): Map<string, string> {
  return new Map(choices.playlists.map((p) => [p.id, p.name]));
}

/** How the editor shows an entry. */
export interface EntryView {
  /** The group's name as the admin sees it. */
  label: string;
  /** The upstream playlist's name; null for a bare name (every playlist). */
  playlist: string | null;
  /** Enabled channels of the groups it selects; null while the groups are not loaded. */
  channels: number | null;
  /** False when no upstream playlist has the group now. */
  known: boolean;
}

/** Names an entry with the known groups (null while they load). */
export function describeEntry(e: GroupEntry, choices: GroupChoices | null): EntryView {
  if (!choices) {
    return { label: entryName(e), playlist: null, channels: null, known: true };
  }
  const matches = choices.groups.filter((g) => selects(e, g));
  return {
    label: isPick(e) ? (matches[0]?.label ?? e.name) : e,
    playlist: isPick(e) ? (playlistNames(choices).get(e.playlistId) ?? "a deleted playlist") : null,
    channels: matches.reduce((n, g) => n + g.channels, 0),
    known: matches.length > 0,
  };
}

/** True when the entry selects the group (by its shown or its upstream name, like assembly). */
export function selects(e: GroupEntry, g: GroupChoice): boolean {
  if (isPick(e)) return e.playlistId === g.playlistId && (e.name === g.name || e.name === g.label);
  return e === g.name || e === g.label;
}

/** The entry that picks a group. */
export function pickOf(g: GroupChoice): GroupEntry {
  return { playlistId: g.playlistId, name: g.name };
}

/** True when one of the entries already picks the group. */
export function isChosen(entries: readonly GroupEntry[], g: GroupChoice): boolean {
  return entries.some((e) => isPick(e) && selects(e, g));
}

/** The entries with the one at `from` moved to `to` (clamped to the list). */
export function moveEntry(entries: readonly GroupEntry[], from: number, to: number): GroupEntry[] {
  const out = [...entries];
  const target = Math.max(0, Math.min(out.length - 1, to));
  const [e] = out.splice(from, 1);
  out.splice(target, 0, e);
  return out;
}

/**
 * Replaces each bare name with picks of the groups it selects now, in the order playlists are
 * assembled, which lists the same channels in the same order; a bare name that selects no group
 * stays as it is. Returns the entries and the names replaced (to say so).
 */
export function pickBareNames(
  entries: readonly GroupEntry[],
  choices: GroupChoices,
): { entries: GroupEntry[]; replaced: string[] } {
  const order = new Map(choices.playlists.map((p, i) => [p.id, i]));
  const out: GroupEntry[] = [];
  const replaced: string[] = [];
  const add = (e: GroupEntry) => {
    if (!out.some((o) => sameEntry(o, e))) out.push(e);
  };
  for (const e of entries) {
    const matches = isPick(e) ? [] : choices.groups.filter((g) => selects(e, g));
    if (!matches.length) {
      add(e);
      continue;
    }
    replaced.push(entryName(e));
    matches.sort((a, b) => (order.get(a.playlistId) ?? 0) - (order.get(b.playlistId) ?? 0))
      .forEach((g) => add(pickOf(g)));
  }
  return { entries: out, replaced };
}
