/**
 * Programmes as stored: the programmes of one guide channel that start on one UTC day (or a part
 * of them) as ready XML, UTF-8 `<programme channel="…">` elements in start order with their raw
 * deflate, so a guide is a concatenation of stored bytes in both encodings. Their starts, stops
 * and element ends cut the parts at a window's edges; only those cut parts are encoded and
 * compressed again when a guide is rendered.
 */
import { deflateBound, deflatePiece } from "../gzip.ts";
import { escapeAttr } from "./writer.ts";

/** Programmes of one guide channel that start on one UTC day, or a part of them, as stored. */
export interface EpgProgrammePart {
  /** start of each programme, epoch ms, ascending */
  starts: number[];
  stops: (number | null)[];
  /** where each element (with its newline) ends in `xml` */
  ends: number[];
  /** UTF-8 `<programme channel="…">` elements labelled with the guide's channel id, each + "\n" */
  xml: Uint8Array;
  /** `xml` as raw deflate ending in a sync flush (common/gzip.ts) */
  deflated: Uint8Array;
}

/** The stored form before ready XML: canonical elements without a channel attribute, file order. */
interface LegacyPart {
  starts: number[];
  stops: (number | null)[];
  xml: string[];
}

/** Programmes of one channel-day on their way into parts: parallel arrays in file order. */
export interface ProgrammeRun {
  starts: number[];
  stops: (number | null)[];
  /** canonical `<programme>` elements without their channel attribute */
  xml: string[];
}

/** A piece of a channel's programmes in a window, ready to concatenate. */
export interface ProgrammeSlice {
  /** UTF-8 `<programme>` elements, each followed by a newline */
  xml: Uint8Array;
  /** raw deflate of `xml` as stored; null when it was cut or re-labelled here */
  deflated: Uint8Array | null;
  /** which stored part and which of its programmes the bytes are made of */
  id: string;
}

/** A stored part with what names it: its day and number, for ProgrammeSlice.id. */
export interface NamedPart {
  part: EpgProgrammePart;
  id: string;
}

/** A window: programmes whose stop > fromMs and start < toMs (no stop: fromMs <= start < toMs). */
export interface ProgrammeWindow {
  /** the channel id the output labels the programmes with */
  outId: string;
  fromMs: number;
  toMs: number;
}

const PROGRAMME_OPEN = "<programme";
/** Per programme in a stored value: its start, stop and end offset as V8 serialises them. */
const PER_PROGRAMME_BYTES = 24;
const PART_OVERHEAD = 128;
const encoder = new TextEncoder();

/** The beginning of a start tag labelling a programme with channel `id`. */
function programmeOpen(id: string): string {
  return `${PROGRAMME_OPEN} channel="${escapeAttr(id)}"`;
}

/** The most a part of `n` programmes whose XML takes `bytes` bytes can take as a KV value. */
export function partBound(bytes: number, n: number): number {
  return bytes + deflateBound(bytes) + n * PER_PROGRAMME_BYTES + PART_OVERHEAD;
}

/** What a built part takes as a KV value (an upper bound). */
export function partSize(p: EpgProgrammePart): number {
  return p.xml.length + p.deflated.length + p.starts.length * PER_PROGRAMME_BYTES + PART_OVERHEAD;
}

/** UTF-8 size of a programme stored for `channel`, the largest a part must hold. */
export function programmeBytes(channel: string, xml: string): number {
  return encoder.encode(programmeOpen(channel) + xml.slice(PROGRAMME_OPEN.length) + "\n").length;
}

/**
 * The parts of one channel-day: its programmes sorted by start (the first in file order of two
 * with one start kept), labelled with `channel`, split so that no part's partBound() exceeds
 * `maxBytes` (a programme too large for a part of its own must have been left out before).
 */
export function buildProgrammeParts(
  channel: string,
  run: ProgrammeRun,
  maxBytes = Infinity,
): EpgProgrammePart[] {
  // Array.prototype.sort is stable: equal starts keep file order.
  const order = run.starts.map((_, i) => i).sort((a, b) => run.starts[a] - run.starts[b]);
  const open = encoder.encode(programmeOpen(channel));
  const out: EpgProgrammePart[] = [];
  let buf = new Uint8Array(16_384);
  let len = 0;
  let starts: number[] = [];
  let stops: (number | null)[] = [];
  let ends: number[] = [];
  let last = NaN;
  for (const i of order) {
    if (run.starts[i] === last) continue;
    last = run.starts[i];
    // Written in place: the label, the element after its name, a newline.
    const rest = run.xml[i].slice(PROGRAMME_OPEN.length);
    const most = open.length + rest.length * 3 + 1;
    if (len + most > buf.length) {
      const grown = new Uint8Array(Math.max(buf.length * 2, len + most));
      grown.set(buf.subarray(0, len));
      buf = grown;
    }
    const at = len;
    buf.set(open, at);
    let end = at + open.length;
    end += encoder.encodeInto(rest, buf.subarray(end)).written;
    buf[end++] = 10;
    if (starts.length && partBound(end, starts.length + 1) > maxBytes) {
      // This element opens the next part.
      const xml = buf.slice(0, at);
      out.push({ starts, stops, ends, xml, deflated: deflatePiece(xml) });
      buf.copyWithin(0, at, end);
      end -= at;
      starts = [];
      stops = [];
      ends = [];
    }
    len = end;
    starts.push(run.starts[i]);
    stops.push(run.stops[i]);
    ends.push(len);
  }
  if (starts.length) {
    const xml = buf.slice(0, len);
    out.push({ starts, stops, ends, xml, deflated: deflatePiece(xml) });
  }
  return out;
}

/** A stored value as a part: values written before parts held ready XML are converted here. */
export function readPart(
  channel: string,
  value: EpgProgrammePart | LegacyPart,
): EpgProgrammePart[] {
  if (value.xml instanceof Uint8Array) return [value as EpgProgrammePart];
  return buildProgrammeParts(channel, value as LegacyPart);
}

function inWindow(start: number, stop: number | null, w: ProgrammeWindow): boolean {
  return start < w.toMs && (stop === null ? start >= w.fromMs : stop > w.fromMs);
}

/** Copies programme `i` of `p` into `out` at `at`, its start tag's label replaced; answers the end. */
function copyProgramme(
  p: EpgProgrammePart,
  i: number,
  label: { from: number; to: Uint8Array } | null,
  out: Uint8Array,
  at: number,
): number {
  let begin = i ? p.ends[i - 1] : 0;
  if (label) {
    out.set(label.to, at);
    at += label.to.length;
    begin += label.from;
  }
  out.set(p.xml.subarray(begin, p.ends[i]), at);
  return at + p.ends[i] - begin;
}

function sliceOf(
  picks: { p: EpgProgrammePart; i: number }[],
  label: { from: number; to: Uint8Array } | null,
  id: string,
): ProgrammeSlice {
  let size = 0;
  for (const { p, i } of picks) {
    size += p.ends[i] - (i ? p.ends[i - 1] : 0) + (label ? label.to.length - label.from : 0);
  }
  const xml = new Uint8Array(size);
  let at = 0;
  for (const { p, i } of picks) at = copyProgramme(p, i, label, xml, at);
  return { xml, deflated: null, id };
}

/**
 * The programmes of one channel-day in window `w`, labelled `w.outId`, from its stored parts (in
 * part order): parts whose programmes are all inside are used as stored; parts at the window's
 * edges are cut. Parts that overlap in time (a channel-day written in two runs) are merged.
 */
export function daySlices(
  channel: string,
  parts: NamedPart[],
  w: ProgrammeWindow,
): ProgrammeSlice[] {
  const label = w.outId === channel ? null : {
    from: encoder.encode(programmeOpen(channel)).length,
    to: encoder.encode(programmeOpen(w.outId)),
  };
  const inSequence = parts.every(({ part }, k) =>
    k === 0 || part.starts[0] > parts[k - 1].part.starts[parts[k - 1].part.starts.length - 1]
  );
  const out: ProgrammeSlice[] = [];
  if (!inSequence) {
    // Stable: of two programmes with one start, the one written first (file order) is kept.
    const all = parts.flatMap(({ part }) => part.starts.map((_, i) => ({ p: part, i })));
    all.sort((a, b) => a.p.starts[a.i] - b.p.starts[b.i]);
    const picks = all.filter(({ p, i }, k) =>
      (k === 0 || p.starts[i] !== all[k - 1].p.starts[all[k - 1].i]) &&
      inWindow(p.starts[i], p.stops[i], w)
    );
    const id = `${parts.map((n) => n.id).join("+")}:` +
      picks.map(({ p, i }) => `${parts.findIndex((n) => n.part === p)}.${i}`).join(",");
    if (picks.length) out.push(sliceOf(picks, label, id));
    return out;
  }
  for (const { part, id } of parts) {
    const picks: number[] = [];
    for (let i = 0; i < part.starts.length; i++) {
      if (inWindow(part.starts[i], part.stops[i], w)) picks.push(i);
    }
    if (!picks.length) continue;
    if (picks.length === part.starts.length && !label) {
      out.push({ xml: part.xml, deflated: part.deflated, id });
    } else {
      const cut = picks.length === part.starts.length ? "" : `:${picks.join(",")}`;
      out.push(sliceOf(picks.map((i) => ({ p: part, i })), label, id + cut));
    }
  }
  return out;
}
