/**
 * The read side of stored guides: channels and programmes of a guide's current generation, and
 * the XMLTV text built from them. The importer (common/import/epg_import.ts) writes the records
 * defined here.
 */
import { epgChannelsPrefix, epgProgrammesKey } from "../db/keys.ts";
import type { XmltvDisplayName } from "./parser.ts";
import type { Epg } from "./schemas.ts";
import { guideFooter, guideHeader, programmeWithChannel, rewriteIcons } from "./writer.ts";

export { channelXml, guideFooter, guideHeader } from "./writer.ts";

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

/**
 * Programmes of one guide channel that start on one UTC day (or a part of them): parallel
 * arrays, in file order; `xml` is canonical `<programme>` text without its channel attribute.
 */
export interface EpgProgrammePart {
  starts: number[];
  stops: (number | null)[];
  xml: string[];
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

/**
 * `<programme>` elements of one guide channel whose stop > fromMs and start < toMs (no stop:
 * fromMs <= start < toMs), re-emitted with channel="outId", in start order, as XML text chunks
 * (one a day, each element followed by a newline). Programmes are found by the day they start
 * on, from the day before fromMs: one that started earlier and runs past a whole day is missed.
 */
export function programmesXml(
  kv: Deno.Kv,
  epg: Epg,
  channelId: string,
  outId: string,
  fromMs: number,
  toMs: number,
): AsyncGenerator<string> {
  return programmeChunks(kv, epg, channelId, { outId, fromMs, toMs });
}

async function* programmeChunks(
  kv: Deno.Kv,
  epg: Epg,
  channelId: string,
  o: { outId: string; fromMs: number; toMs: number; iconUrl?: (src: string) => string },
): AsyncGenerator<string> {
  const generation = epg.generation;
  if (!generation || !(o.toMs > o.fromMs)) return;
  // Keys take finite numbers only; ±1e9 days lie far outside any guide.
  const firstDay = Number.isFinite(o.fromMs) ? Math.floor(o.fromMs / DAY_MS) - 1 : -1e9;
  const lastDay = Number.isFinite(o.toMs) ? Math.floor((o.toMs - 1) / DAY_MS) : 1e9;
  const it = kv.list<EpgProgrammePart>({
    start: epgProgrammesKey(epg.id, generation, channelId, firstDay, 0),
    end: epgProgrammesKey(epg.id, generation, channelId, lastDay + 1, 0),
  }, { batchSize: 100 });
  let day: number | null = null;
  let parts: EpgProgrammePart[] = [];
  for await (const e of it) {
    const d = e.key[4] as number;
    if (d !== day && parts.length) {
      const chunk = dayChunk(parts, o);
      if (chunk) yield chunk;
      parts = [];
    }
    day = d;
    parts.push(e.value);
  }
  if (parts.length) {
    const chunk = dayChunk(parts, o);
    if (chunk) yield chunk;
  }
}

function dayChunk(
  parts: EpgProgrammePart[],
  o: { outId: string; fromMs: number; toMs: number; iconUrl?: (src: string) => string },
): string {
  const rows: { start: number; stop: number | null; xml: string }[] = [];
  for (const p of parts) {
    for (let i = 0; i < p.starts.length; i++) {
      const start = p.starts[i];
      const stop = p.stops[i];
      if (start >= o.toMs || (stop === null ? start < o.fromMs : stop <= o.fromMs)) continue;
      rows.push({ start, stop, xml: p.xml[i] });
    }
  }
  // Parts hold file order; a stable sort keeps the first of two programmes with one start.
  rows.sort((a, b) => a.start - b.start);
  let out = "";
  let last = NaN;
  for (const r of rows) {
    if (r.start === last) continue;
    last = r.start;
    out += programmeWithChannel(r.xml, o.outId) + "\n";
  }
  return o.iconUrl ? rewriteIcons(out, o.iconUrl) : out;
}

/** The whole upstream guide from storage, with each icon src passed through iconUrl (for the icon cache). */
export async function* wholeGuideXml(
  kv: Deno.Kv,
  epg: Epg,
  iconUrl: (src: string) => string,
): AsyncGenerator<string> {
  yield guideHeader() + "\n";
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
      yield* programmeChunks(kv, epg, id, {
        outId: id,
        fromMs: -Infinity,
        toMs: Infinity,
        iconUrl,
      });
    }
  }
  yield guideFooter();
}
