/**
 * The read side of stored guides: channels and programmes of a guide's current generation, and
 * the XMLTV text built from them. The importer (common/import/epg_import.ts) writes the records
 * defined here.
 */
import { epgChannelsPrefix, epgProgrammesKey } from "../db/keys.ts";
import type { XmltvDisplayName } from "./parser.ts";
import type { Epg } from "./schemas.ts";
import {
  daySlices,
  type EpgProgrammePart,
  type NamedPart,
  type ProgrammeSlice,
  type ProgrammeWindow,
  readPart,
} from "./programme_parts.ts";
import { guideFooter, guideHeader, rewriteIcons } from "./writer.ts";

export { channelXml, guideFooter, guideHeader } from "./writer.ts";
export type {
  EpgProgrammePart,
  NamedPart,
  ProgrammeSlice,
  ProgrammeWindow,
} from "./programme_parts.ts";

/** A channel of a guide generation as stored (file order, repeated ids merged into the first). */
export interface EpgChannelRecord {
  id: string;
  displayNames: XmltvDisplayName[];
  icons: string[];
  urls: string[];
  /** canonical `<channel>` element; "" when only programmes name this id */
  xml: string;
  /** false for ids that programmes name but no `<channel>` element declares */
  declared: boolean;
  programmes: number;
}

/** Milliseconds in a day: programmes are grouped by the UTC day of their start. */
export const DAY_MS = 86_400_000;

/** What the downstream guides need of a guide channel. */
export interface EpgChannelInfo {
  epgId: string;
  id: string;
  displayNames: string[];
  icon: string | null;
}

/** Every channel of the guide's current generation. */
export async function listEpgChannels(kv: Deno.Kv, epg: Epg): Promise<EpgChannelInfo[]> {
  const out: EpgChannelInfo[] = [];
  if (!epg.generation) return out;
  const prefix = epgChannelsPrefix(epg.id, epg.generation);
  for await (const e of kv.list<EpgChannelRecord>({ prefix }, { batchSize: 1000 })) {
    const c = e.value;
    if (!c.declared) continue;
    out.push({
      epgId: epg.id,
      id: c.id,
      displayNames: c.displayNames.map((d) => d.value),
      icon: c.icons[0] ?? null,
    });
  }
  return out;
}

/** The days whose stored parts can hold programmes of a window: from the day before fromMs. */
export function windowDays(fromMs: number, toMs: number): { firstDay: number; lastDay: number } {
  // Keys take finite numbers only; ±1e9 days lie far outside any guide.
  return {
    firstDay: Number.isFinite(fromMs) ? Math.floor(fromMs / DAY_MS) - 1 : -1e9,
    lastDay: Number.isFinite(toMs) ? Math.floor((toMs - 1) / DAY_MS) : 1e9,
  };
}

/** The stored parts of one channel of a guide's current generation, by day, from firstDay to lastDay. */
export async function readProgrammeDays(
  kv: Deno.Kv,
  epg: Epg,
  channelId: string,
  days: { firstDay: number; lastDay: number },
): Promise<{ day: number; parts: NamedPart[] }[]> {
  const out: { day: number; parts: NamedPart[] }[] = [];
  const generation = epg.generation;
  if (!generation || days.lastDay < days.firstDay) return out;
  const it = kv.list<EpgProgrammePart>({
    start: epgProgrammesKey(epg.id, generation, channelId, days.firstDay, 0),
    end: epgProgrammesKey(epg.id, generation, channelId, days.lastDay + 1, 0),
  }, { batchSize: 100 });
  for await (const e of it) {
    const day = e.key[4] as number;
    if (out[out.length - 1]?.day !== day) out.push({ day, parts: [] });
    const id = `${day}.${e.key[5] as number}`;
    for (const part of readPart(channelId, e.value)) out[out.length - 1].parts.push({ part, id });
  }
  return out;
}

/**
 * The programmes of one guide channel in a window, labelled channel="outId", in start order, as
 * slices of stored bytes ready to concatenate (see daySlices). Programmes are found by the day
 * they start on, from the day before fromMs: one that started earlier and runs past a whole day
 * is missed.
 */
export async function programmeSlices(
  kv: Deno.Kv,
  epg: Epg,
  channelId: string,
  w: ProgrammeWindow,
): Promise<ProgrammeSlice[]> {
  if (!(w.toMs > w.fromMs)) return [];
  const days = await readProgrammeDays(kv, epg, channelId, windowDays(w.fromMs, w.toMs));
  return days.flatMap((d) => daySlices(channelId, d.parts, w));
}

/**
 * `<programme>` elements of one guide channel whose stop > fromMs and start < toMs (no stop:
 * fromMs <= start < toMs), re-emitted with channel="outId", in start order, as XML text chunks
 * (one a stored part, each element followed by a newline).
 */
export async function* programmesXml(
  kv: Deno.Kv,
  epg: Epg,
  channelId: string,
  outId: string,
  fromMs: number,
  toMs: number,
): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  for (const s of await programmeSlices(kv, epg, channelId, { outId, fromMs, toMs })) {
    yield decoder.decode(s.xml);
  }
}

/** The whole upstream guide from storage, with each icon src passed through iconUrl (for the icon cache). */
export async function* wholeGuideXml(
  kv: Deno.Kv,
  epg: Epg,
  iconUrl: (src: string) => string,
): AsyncGenerator<string> {
  yield guideHeader() + "\n";
  const decoder = new TextDecoder();
  const generation = epg.generation;
  if (generation) {
    const prefix = epgChannelsPrefix(epg.id, generation);
    // <!ELEMENT tv (channel*, programme*)>: every channel first.
    let buf = "";
    for await (const e of kv.list<EpgChannelRecord>({ prefix }, { batchSize: 1000 })) {
      if (!e.value.declared) continue;
      buf += rewriteIcons(e.value.xml, iconUrl) + "\n";
      if (buf.length > 65_536) {
        yield buf;
        buf = "";
      }
    }
    if (buf) yield buf;
    for await (const e of kv.list<EpgChannelRecord>({ prefix }, { batchSize: 100 })) {
      if (!e.value.programmes) continue;
      const id = e.value.id;
      const all = { outId: id, fromMs: -Infinity, toMs: Infinity };
      for (const s of await programmeSlices(kv, epg, id, all)) {
        yield rewriteIcons(decoder.decode(s.xml), iconUrl);
      }
    }
  }
  yield guideFooter();
}
