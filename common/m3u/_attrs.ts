// Attribute scanning shared by the #EXTM3U and #EXTINF lines. Built on charCodeAt over the
// line's span of the chunk: no regex, no intermediate strings besides keys and values. Searches
// stop at the end of the line, so a hostile file (say, thousands of unterminated quotes) costs
// linear time, not a rescan of the rest of the chunk per line. These run once per line of
// multi-megabyte playlists, so they take positional arguments rather than an options object.

const SPACE = 32;
const QUOTE = 34;
const APOS = 39;
const COMMA = 44;
const EQUALS = 61;

/**
 * Reads `key="value"`, `key='value'`, `key=value` and `key=""` pairs from `line[p, end)` into
 * `attrs` (keys lower-cased, `&amp;`/`&quot;` decoded, a repeated key keeps its last value).
 * With `stopAtComma` it returns the index after the first comma outside quotes (where the
 * #EXTINF display name starts), or -1 when there is none.
 */
export function scanAttrs(
  line: string,
  p: number,
  end: number,
  attrs: Record<string, string>,
  stopAtComma: boolean,
): number {
  while (p < end) {
    let c = line.charCodeAt(p);
    if (c <= SPACE) {
      p++;
      continue;
    }
    if (c === COMMA) {
      if (stopAtComma) return p + 1;
      p++;
      continue;
    }
    if (c === QUOTE || c === APOS) {
      // A quoted token with no key: skip it whole so a comma inside it is not the name's comma.
      const close = findChar(line, c, p + 1, end);
      p = close === -1 ? end : close + 1;
      continue;
    }
    const keyStart = p;
    let upper = false;
    while (p < end) {
      c = line.charCodeAt(p);
      if (c === EQUALS || c <= SPACE || c === COMMA) break;
      if (c >= 65 && c <= 90) upper = true;
      p++;
    }
    if (p >= end || c !== EQUALS) continue; // a bare word without a value is not an attribute
    const keyEnd = p++;
    let value: string;
    c = p < end ? line.charCodeAt(p) : 0;
    if (c === QUOTE || c === APOS) {
      const close = findChar(line, c, p + 1, end);
      if (close !== -1) {
        value = line.slice(p + 1, close);
        p = close + 1;
      } else {
        // Unterminated quote: the value runs to the last comma (the name follows it), if any.
        const comma = stopAtComma ? findLastChar(line, COMMA, p + 1, end) : -1;
        if (comma !== -1) {
          value = line.slice(p + 1, comma);
          p = comma;
        } else {
          value = line.slice(p + 1, end);
          p = end;
        }
      }
    } else {
      const valueStart = p;
      while (p < end) {
        c = line.charCodeAt(p);
        if (c <= SPACE || c === COMMA) break;
        p++;
      }
      value = line.slice(valueStart, p);
    }
    if (keyEnd === keyStart) continue; // `="x"`: a value without a name
    const key = upper
      ? line.slice(keyStart, keyEnd).toLowerCase()
      : knownKey(line, keyStart, keyEnd);
    attrs[key] = value.indexOf("&") === -1 ? value : decodeEntities(value);
  }
  return -1;
}

/** Index of the first `code` in `s[from, end)`, or -1. */
export function findChar(s: string, code: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (s.charCodeAt(i) === code) return i;
  return -1;
}

/** Index of the last `code` in `s[from, end)`, or -1. */
export function findLastChar(s: string, code: number, from: number, end: number): number {
  for (let i = end - 1; i >= from; i--) if (s.charCodeAt(i) === code) return i;
  return -1;
}

// Attribute names repeat on every line; handing out one string per name (instead of a fresh
// slice per line) saves allocations and V8's internalisation of each new property key.
const keysByLength: string[][] = [];
let keyCount = 0;
const MAX_KEYS = 256;

function knownKey(line: string, start: number, end: number): string {
  const n = end - start;
  const known = keysByLength[n];
  if (known !== undefined) {
    const mid = n >> 1;
    const c = line.charCodeAt(start + mid);
    for (let i = 0; i < known.length; i++) {
      const k = known[i];
      if (k.charCodeAt(mid) === c && line.startsWith(k, start)) return k;
    }
  }
  const key = line.slice(start, end);
  if (keyCount < MAX_KEYS) {
    // A long slice would keep the whole chunk it came from alive in this module-level cache.
    if (n >= 13) return remember(Array.from(key).join(""), n);
    return remember(key, n);
  }
  return key;
}

function remember(key: string, n: number): string {
  (keysByLength[n] ??= []).push(key);
  keyCount++;
  return key;
}

/** Decodes `&amp;` and `&quot;` in one left-to-right pass (other `&` are kept as they are). */
export function decodeEntities(value: string): string {
  let out = "";
  let last = 0;
  let i = value.indexOf("&");
  while (i !== -1) {
    if (value.startsWith("amp;", i + 1)) {
      out += value.slice(last, i) + "&";
      last = i + 5;
    } else if (value.startsWith("quot;", i + 1)) {
      out += value.slice(last, i) + '"';
      last = i + 6;
    }
    i = value.indexOf("&", Math.max(last, i + 1));
  }
  return last === 0 ? value : out + value.slice(last);
}

/** Encodes a value for a double-quoted attribute so that `scanAttrs` reads it back unchanged. */
export function encodeAttrValue(value: string): string {
  if (hasLineBreak(value)) value = value.replace(/[\r\n]+/g, " "); // a break would end the line
  if (value.indexOf('"') === -1 && value.indexOf("&") === -1) return value;
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '"') out += "&quot;";
    else if (ch === "&" && (value.startsWith("amp;", i + 1) || value.startsWith("quot;", i + 1))) {
      out += "&amp;"; // only where the `&` would otherwise be decoded; logo URLs keep their `&`
    } else out += ch;
  }
  return out;
}

/** Whether a string contains CR or LF (which would end an M3U line). */
export function hasLineBreak(value: string): boolean {
  return value.indexOf("\n") !== -1 || value.indexOf("\r") !== -1;
}
