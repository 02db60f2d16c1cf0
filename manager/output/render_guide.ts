/**
 * A downstream playlist's own guide: one `<channel>` per tvg-id the playlist emits, with our names
 * and icons, then the matched guide channels' programmes in the playlist's window. The programmes
 * are the stored parts' bytes concatenated (common/xmltv/programme_parts.ts): only the parts at
 * the window's edges, or labelled with another id, are cut and copied. The gzip encoding is the
 * stored parts' deflate spliced into one member (common/gzip.ts). A render keeps what it read and
 * compressed beside its output, so the next render of the same guide (after an unrelated change)
 * reads and compresses only what it lacks.
 */
import { deflatePiece, spliceGzip } from "../../common/gzip.ts";
import type { DownstreamPlaylist } from "../../common/schemas.ts";
import type { Epg } from "../../common/xmltv/schemas.ts";
import {
  channelXml,
  guideFooter,
  guideHeader,
  type NamedPart,
  readProgrammeDays,
  windowDays,
} from "../../common/xmltv/store.ts";
import { daySlices } from "../../common/xmltv/programme_parts.ts";
import type { ManagerDeps } from "../deps.ts";
import { iconUrlFor } from "../services/downstream.ts";
import { mappedDownstream } from "../services/guides.ts";
import { etagOf, joinChunks, type Rendered, rendered } from "./cache.ts";

const DAY = 86_400_000;
/** Guide channels read from KV at once. */
const READERS = 16;
/**
 * zlib level of what is compressed on the request path (cut days, the channels): level 1, some
 * 2.5 times faster than 6; it is about a twentieth of a guide.
 */
const RENDER_LEVEL = 1;

/** The stored parts of one guide channel over a range of days, as one render read them. */
interface ChannelDays {
  firstDay: number;
  lastDay: number;
  days: { day: number; parts: NamedPart[] }[];
}

/**
 * What a render read and compressed. Stored parts never change (a new import writes a new
 * generation), so keyed by generation they stay true for as long as anyone holds them.
 */
interface GuideMemo {
  /** by `${epgId}/${generation}/${channelId}` */
  channels: Map<string, ChannelDays>;
  /** deflate of runs of cut slices, by what their bytes are made of */
  deflated: Map<string, Uint8Array>;
}

/** Each cached guide's memo, dropped with it. */
const memos = new WeakMap<Rendered, GuideMemo>();

interface Wanted {
  outId: string;
  epg: Epg;
  channelId: string;
}

/** Renders a downstream playlist's own guide; `previous` is its last render, if any. */
export async function renderGuide(
  deps: ManagerDeps,
  p: DownstreamPlaylist,
  previous: Rendered | null,
): Promise<Rendered> {
  const rows = await mappedDownstream(deps, p);
  const iconUrl = iconUrlFor(deps);
  const now = Date.now();
  const window = { fromMs: now - p.guidePastDays * DAY, toMs: now + p.guideFutureDays * DAY };
  let head = guideHeader() + "\n";
  const seen = new Set<string>();
  const wanted: Wanted[] = [];
  for (const r of rows) {
    if (!r.tvgId || seen.has(r.tvgId)) continue;
    seen.add(r.tvgId);
    const logo = r.channel.logo || r.match?.info.icon || "";
    head += channelXml({
      id: r.tvgId,
      displayNames: [r.channel.name],
      icon: logo ? iconUrl(logo) : null,
    }) + "\n";
    if (r.match) wanted.push({ outId: r.tvgId, epg: r.match.epg, channelId: r.match.info.id });
  }
  const old = previous ? memos.get(previous) : undefined;
  const memo: GuideMemo = { channels: new Map(), deflated: new Map() };
  const days = await readChannels(deps.kv, wanted, windowDays(window.fromMs, window.toMs), {
    old,
    memo,
  });
  const enc = new TextEncoder();
  const body: Uint8Array[] = [enc.encode(head)];
  const pieces: (Uint8Array | Piece)[] = [{ bytes: body[0], name: null }];
  const made: string[] = [];
  wanted.forEach((w, i) => {
    const channel = `${w.epg.id}/${w.epg.generation}/${w.channelId}>${w.outId}`;
    made.push(channel);
    for (const d of days[i]) {
      for (const s of daySlices(w.channelId, d.parts, { ...window, outId: w.outId })) {
        body.push(s.xml);
        pieces.push(s.deflated ?? { bytes: s.xml, name: `${channel}/${s.id}` });
        made.push(s.id);
      }
    }
  });
  body.push(enc.encode(guideFooter()));
  pieces.push({ bytes: body[body.length - 1], name: null });
  const runs = runsOf(pieces);
  for (const r of runs) {
    if (r instanceof Uint8Array || r.key === null) continue;
    const kept = old?.deflated.get(r.key);
    if (kept) memo.deflated.set(r.key, kept);
  }
  // The bytes are the head (channels) and the stored parts named in `made`, which never change:
  // hashing those names is hashing the body.
  const etag = await etagOf(enc.encode(JSON.stringify([head, made])));
  const out = await rendered(body, "application/xml; charset=utf-8", {
    etag,
    gzip: () => gzipOf(body, runs, memo),
  });
  memos.set(out, memo);
  return out;
}

/** The stored parts of each wanted channel, re-used from the last render where it read them. */
async function readChannels(
  kv: Deno.Kv,
  wanted: Wanted[],
  range: { firstDay: number; lastDay: number },
  m: { old: GuideMemo | undefined; memo: GuideMemo },
): Promise<{ day: number; parts: NamedPart[] }[][]> {
  const out: { day: number; parts: NamedPart[] }[][] = wanted.map(() => []);
  let next = 0;
  const reader = async () => {
    while (next < wanted.length) {
      const i = next++;
      const w = wanted[i];
      const key = `${w.epg.id}/${w.epg.generation}/${w.channelId}`;
      let known = m.memo.channels.get(key) ?? m.old?.channels.get(key);
      if (!known || known.firstDay > range.firstDay || known.lastDay < range.lastDay) {
        known = { ...range, days: await readProgrammeDays(kv, w.epg, w.channelId, range) };
      }
      m.memo.channels.set(key, known);
      out[i] = known.days.filter((d) => d.day >= range.firstDay && d.day <= range.lastDay);
    }
  };
  await Promise.all(Array.from({ length: READERS }, reader));
  return out;
}

/** A chunk of the body without stored deflate, and what its bytes are made of (null: more). */
interface Piece {
  bytes: Uint8Array;
  name: string | null;
}

/** Consecutive chunks without stored deflate, compressed as one; null key: not to re-use. */
interface Run {
  chunks: Uint8Array[];
  key: string | null;
}

/** Stored deflate as it is; consecutive chunks without, gathered into runs. */
function runsOf(pieces: (Uint8Array | Piece)[]): (Uint8Array | Run)[] {
  const out: (Uint8Array | Run)[] = [];
  let run: Piece[] = [];
  const close = () => {
    if (!run.length) return;
    // The head and the foot vary with more than a name says: never re-used.
    const named = run.every((p) => p.name !== null);
    out.push({
      chunks: run.map((p) => p.bytes),
      key: named ? run.map((p) => p.name).join("\n") : null,
    });
    run = [];
  };
  for (const p of pieces) {
    if (p instanceof Uint8Array) {
      close();
      out.push(p);
    } else run.push(p);
  }
  close();
  return out;
}

/** The gzip encoding: stored deflate, and each run compressed (or as the last render did). */
function gzipOf(body: Uint8Array[], runs: (Uint8Array | Run)[], memo: GuideMemo): Uint8Array[] {
  const pieces = runs.map((r) => {
    if (r instanceof Uint8Array) return r;
    let deflated = r.key === null ? undefined : memo.deflated.get(r.key);
    if (!deflated) {
      const bytes = r.chunks.length === 1 ? r.chunks[0] : joinChunks(r.chunks);
      deflated = deflatePiece(bytes, RENDER_LEVEL);
      if (r.key !== null) memo.deflated.set(r.key, deflated);
    }
    return deflated;
  });
  // One buffer: made once a render, served many times, and a few thousand small chunks cost
  // more to send than this copy does.
  return [joinChunks(spliceGzip(body, pieces))];
}
