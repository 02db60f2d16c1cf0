// Incremental M3U/M3U8 playlist parser (the IPTV dialect: #EXTM3U, #EXTINF with attributes,
// #EXTVLCOPT, #KODIPROP, #EXTGRP). Lines are scanned in place with indexOf/charCodeAt; only the
// unfinished last line of a chunk is kept between pushes.

import { findChar, scanAttrs } from "./_attrs.ts";
import { FallbackDecoder } from "./_decode.ts";
import type { M3uEntry, M3uHeader, M3uIssue, M3uSummary } from "./types.ts";

export type { M3uEntry, M3uHeader, M3uIssue, M3uSummary } from "./types.ts";

const LF = 10;
const SPACE = 32;
const HASH = 35;
const COLON = 58;
const EQUALS = 61;
const BOM = 0xfeff;

/** Options of `M3uParser`. */
export interface M3uParserOptions {
  /** issues kept at most (later ones are dropped); default 1000 */
  maxIssues?: number;
}

// Most entries have no #EXTVLCOPT, #KODIPROP or extra lines: they share one frozen empty array
// each (a third of the memory an entry would otherwise take). Frozen, so a push throws at once.
const NO_PAIRS = Object.freeze([]) as unknown as [string, string][];
const NO_LINES = Object.freeze([]) as unknown as string[];

/** Incremental parser: feed decoded text chunks, get complete entries back. */
export class M3uParser {
  /** filled as header lines are seen */
  header: M3uHeader = { attrs: {} };
  /** problems found, capped at `maxIssues` */
  issues: M3uIssue[] = [];
  /** count of #EXTINF with no URL after them */
  orphans = 0;
  /** whether any #EXTM3U line was seen */
  sawExtM3u = false;

  #maxIssues: number;
  #tail = "";
  #lineNo = 0;
  #skipLf = false;
  // The entry being assembled: an #EXTINF waiting for its URL, and the directives seen since.
  #open = false;
  #name = "";
  #duration = -1;
  #attrs: Record<string, string> = {};
  #infLine = 0;
  #vlcOpts: [string, string][] | null = null;
  #kodiProps: [string, string][] | null = null;
  #extGrp: string | undefined = undefined;
  #extras: string[] | null = null;

  /** Creates a parser; `maxIssues` caps the issue list (default 1000). */
  constructor(options: M3uParserOptions = {}) {
    this.#maxIssues = options.maxIssues ?? 1000;
  }

  /** Feeds a chunk of decoded text; returns the entries whose URL line it completed. */
  push(text: string): M3uEntry[] {
    const out: M3uEntry[] = [];
    const buf = this.#tail.length === 0 ? text : this.#tail + text;
    const len = buf.length;
    let pos = 0;
    if (this.#skipLf && len > 0) {
      // The previous chunk ended with CR; an LF starting this one completes that CRLF.
      if (buf.charCodeAt(0) === LF) pos = 1;
      this.#skipLf = false;
    }
    let lf = buf.indexOf("\n", pos);
    let cr = buf.indexOf("\r", pos);
    while (pos < len) {
      if (lf !== -1 && lf < pos) lf = buf.indexOf("\n", pos);
      if (cr !== -1 && cr < pos) cr = buf.indexOf("\r", pos);
      let end: number;
      let next: number;
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        if (lf === -1) break;
        end = lf;
        next = lf + 1;
      } else {
        // RFC 8216 §4.1 ends lines with LF or CRLF; a lone CR (old Mac editors) ends one too.
        end = cr;
        next = cr + 1;
        if (next < len) {
          if (buf.charCodeAt(next) === LF) next++;
        } else this.#skipLf = true;
      }
      this.#lineNo++;
      this.#line(buf, pos, end, out);
      pos = next;
    }
    this.#tail = pos < len ? buf.slice(pos) : "";
    return out;
  }

  /** Flushes the last line (with no line break after it) and closes a pending #EXTINF. */
  end(): M3uEntry[] {
    const out: M3uEntry[] = [];
    if (this.#tail.length > 0) {
      const tail = this.#tail;
      this.#tail = "";
      this.#lineNo++;
      this.#line(tail, 0, tail.length, out);
    }
    if (this.#open) this.#orphan();
    this.#resetEntry();
    return out;
  }

  #line(s: string, a: number, b: number, out: M3uEntry[]): void {
    let c = 0;
    while (a < b && ((c = s.charCodeAt(a)) <= SPACE || c === BOM)) a++;
    while (b > a && s.charCodeAt(b - 1) <= SPACE) b--;
    if (a === b) return;
    if (c === HASH) this.#directive(s, a, b);
    else out.push(this.#entry(s.slice(a, b)));
  }

  #directive(s: string, a: number, b: number): void {
    if (tagAt(s, a + 1, b, "EXTINF")) {
      if (this.#open) {
        this.#orphan();
        this.#resetEntry();
      }
      this.#open = true;
      this.#infLine = this.#lineNo;
      let p = skipSpace(s, tagEnd(s, a + 7, b), b);
      const d = p;
      for (let c = 0; p < b; p++) {
        c = s.charCodeAt(p);
        if (!((c >= 48 && c <= 57) || c === 45 || c === 46 || c === 43)) break;
      }
      this.#duration = parseDuration(s, d, p);
      const attrs: Record<string, string> = {};
      const nameStart = scanAttrs(s, p, b, attrs, true);
      this.#attrs = attrs;
      this.#name = nameStart < 0 ? "" : s.slice(skipSpace(s, nameStart, b), b);
    } else if (tagAt(s, a + 1, b, "EXTM3U")) {
      this.sawExtM3u = true;
      scanAttrs(s, tagEnd(s, a + 7, b), b, this.header.attrs, false);
    } else if (tagAt(s, a + 1, b, "EXTVLCOPT")) {
      (this.#vlcOpts ??= []).push(keyValue(s, tagEnd(s, a + 10, b), b));
    } else if (tagAt(s, a + 1, b, "KODIPROP")) {
      (this.#kodiProps ??= []).push(keyValue(s, tagEnd(s, a + 9, b), b));
    } else if (tagAt(s, a + 1, b, "EXTGRP")) {
      this.#extGrp = s.slice(skipSpace(s, tagEnd(s, a + 7, b), b), b);
    } else if (this.#open) {
      (this.#extras ??= []).push(s.slice(a, b));
    }
    // Other directives and comments outside an entry say nothing about any channel.
  }

  #entry(url: string): M3uEntry {
    let e: M3uEntry;
    const vlcOpts = this.#vlcOpts ?? NO_PAIRS;
    const kodiProps = this.#kodiProps ?? NO_PAIRS;
    const extras = this.#extras ?? NO_LINES;
    if (this.#open) {
      e = {
        name: this.#name,
        url,
        duration: this.#duration,
        attrs: this.#attrs,
        vlcOpts,
        kodiProps,
        extras,
        line: this.#infLine,
      };
    } else {
      this.#issue(this.#lineNo, "URL without #EXTINF");
      e = {
        name: url,
        url,
        duration: -1,
        attrs: {},
        vlcOpts,
        kodiProps,
        extras,
        line: this.#lineNo,
      };
    }
    if (this.#extGrp !== undefined) e.extGrp = this.#extGrp;
    this.#resetEntry();
    return e;
  }

  #orphan(): void {
    this.orphans++;
    this.#issue(this.#infLine, "#EXTINF without a URL");
  }

  #issue(line: number, message: string): void {
    if (this.issues.length < this.#maxIssues) this.issues.push({ line, message });
  }

  #resetEntry(): void {
    this.#open = false;
    this.#name = "";
    this.#duration = -1;
    this.#vlcOpts = null;
    this.#kodiProps = null;
    this.#extGrp = undefined;
    this.#extras = null;
  }
}

/** Parse a whole string (used by tests and the benchmark). */
export function parseM3uText(text: string): M3uSummary & { entries: M3uEntry[] } {
  const parser = new M3uParser();
  const entries = parser.push(text);
  for (const e of parser.end()) entries.push(e);
  const { header, issues, orphans, sawExtM3u } = parser;
  return { header, entries, issues, orphans, sawExtM3u };
}

/** Options of `parseM3uStream`. */
export interface M3uStreamOptions {
  /** entries per yielded batch (the last batch may be smaller); default 1000 */
  batchSize?: number;
}

/**
 * Streaming: decode bytes (UTF-8 with BOM stripped; if the bytes are not valid UTF-8, fall back
 * to windows-1252/Latin-1 for the rest) and yield batches of entries, never holding the whole
 * file. Returns the header, issues and counts when the stream ends.
 */
export async function* parseM3uStream(
  body: ReadableStream<Uint8Array>,
  options: M3uStreamOptions = {},
): AsyncGenerator<M3uEntry[], M3uSummary> {
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  const parser = new M3uParser();
  const decoder = new FallbackDecoder();
  const reader = body.getReader();
  let finished = false;
  let batch: M3uEntry[] = [];
  try {
    while (true) {
      const chunk = await reader.read();
      if (chunk.done) break;
      for (const e of parser.push(decoder.decode(chunk.value))) batch.push(e);
      if (batch.length < batchSize) continue;
      let start = 0;
      for (; start + batchSize <= batch.length; start += batchSize) {
        yield batch.slice(start, start + batchSize);
      }
      batch = batch.slice(start);
    }
    finished = true;
    for (const e of parser.push(decoder.flush())) batch.push(e);
    for (const e of parser.end()) batch.push(e);
    for (let start = 0; start < batch.length; start += batchSize) {
      yield batch.slice(start, start + batchSize);
    }
  } finally {
    // The consumer stopped early (break/throw): stop the upstream body too.
    if (!finished) {
      try {
        await reader.cancel();
      } catch {
        // The source failed already: that failure is what the caller sees.
      }
    }
    reader.releaseLock();
  }
  const { header, issues, orphans, sawExtM3u } = parser;
  return { header, issues, orphans, sawExtM3u };
}

/** Whether `s[p, end)` starts with the directive name `tag` (upper case), in any case. */
function tagAt(s: string, p: number, end: number, tag: string): boolean {
  const n = tag.length;
  if (p + n > end) return false;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(p + i);
    if (c >= 97 && c <= 122) c -= 32;
    if (c !== tag.charCodeAt(i)) return false;
  }
  // The name must end there: "#EXTINF:" or "#EXTINF " but not "#EXTINFO".
  const next = p + n < end ? s.charCodeAt(p + n) : COLON;
  return next === COLON || next <= SPACE;
}

/** Index after a directive name and its optional colon. */
function tagEnd(s: string, p: number, end: number): number {
  return p < end && s.charCodeAt(p) === COLON ? p + 1 : p;
}

function skipSpace(s: string, p: number, end: number): number {
  while (p < end && s.charCodeAt(p) <= SPACE) p++;
  return p;
}

function parseDuration(s: string, start: number, end: number): number {
  const n = end - start;
  if (n === 2 && s.charCodeAt(start) === 45 && s.charCodeAt(start + 1) === 49) return -1;
  if (n === 1 && s.charCodeAt(start) === 48) return 0;
  if (n === 0) return -1;
  const d = Number(s.slice(start, end));
  return Number.isFinite(d) ? d : -1;
}

/** Splits `key=value` at the first `=` (values such as license URLs may contain more). */
function keyValue(s: string, p: number, end: number): [string, string] {
  p = skipSpace(s, p, end);
  const eq = findChar(s, EQUALS, p, end);
  if (eq === -1) return [s.slice(p, end), ""];
  return [s.slice(p, eq).trim(), s.slice(eq + 1, end).trim()];
}
