// M3U writer: the inverse of the parser. Every attribute is double-quoted; `"` inside a value is
// written as `&quot;` (and a literal `&amp;`/`&quot;` has its `&` escaped) so that the parser
// reads back exactly the value given. Line breaks inside fields would end the line, so they
// become spaces.

import { encodeAttrValue, hasLineBreak } from "./_attrs.ts";
import type { M3uEntry, M3uHeader } from "./types.ts";

/** Writes a header + entries back to M3U text that parses to the same header and entries. */
export function writeM3u(header: M3uHeader, entries: Iterable<M3uEntry>): string {
  let out = "#EXTM3U" + writeAttrs(header.attrs) + "\n";
  for (const e of entries) out += writeM3uEntry(e);
  return out;
}

/** Writes one entry: `#EXTINF`, its `#EXTVLCOPT`/`#KODIPROP`/`#EXTGRP`/extra lines, then the URL. */
export function writeM3uEntry(e: M3uEntry): string {
  const duration = Number.isFinite(e.duration) ? String(e.duration) : "-1";
  let out = "#EXTINF:" + duration + writeAttrs(e.attrs) + "," + oneLine(e.name) + "\n";
  for (const [key, value] of e.vlcOpts) out += "#EXTVLCOPT:" + pair(key, value) + "\n";
  for (const [key, value] of e.kodiProps) out += "#KODIPROP:" + pair(key, value) + "\n";
  if (e.extGrp !== undefined) out += "#EXTGRP:" + oneLine(e.extGrp) + "\n";
  for (const extra of e.extras) {
    // Only comment/directive lines: anything else would be read back as a URL.
    if (extra.startsWith("#")) out += oneLine(extra) + "\n";
  }
  return out + oneLine(e.url) + "\n";
}

function writeAttrs(attrs: Record<string, string>): string {
  let out = "";
  for (const key in attrs) {
    if (!isAttrName(key)) continue;
    out += " " + key + '="' + encodeAttrValue(String(attrs[key])) + '"';
  }
  return out;
}

/** A name the parser reads back: not empty, no space, `=` or `,`, not starting with a quote. */
function isAttrName(key: string): boolean {
  if (key.length === 0) return false;
  const first = key.charCodeAt(0);
  if (first === 34 || first === 39) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c <= 32 || c === 61 || c === 44) return false;
  }
  return true;
}

function pair(key: string, value: string): string {
  return oneLine(key.replaceAll("=", "")) + "=" + oneLine(value);
}

function oneLine(text: string): string {
  return hasLineBreak(text) ? text.replace(/[\r\n]+/g, " ") : text;
}
