/**
 * Sizes as Deno KV counts them against its limits, computed without writing. A value counts the
 * bytes of its V8 serialisation (a top-level Uint8Array its bytes, a Deno.KvU64 eight), a key
 * its tuple encoding; a commit counts every key it checks or deletes once and every key it sets
 * twice, plus the values it sets (measured against Deno 2.9.6: see size_test.ts).
 *
 * V8 writes a string one byte a character when it holds it so, else two bytes a UTF-16 code unit,
 * and how it holds one is not visible to a script: text cut out of a longer string that has a
 * character above U+00FF is held two bytes a character even when the cut part is plain ASCII
 * (a URL on a line of a Chinese playlist). So `serialisedSize` (by content) is exact for strings
 * held compactly, and limits are kept with `maxSerialisedSize`, which holds whatever the holding.
 */
import { serialize } from "node:v8";

/** Most bytes in one key. */
export const MAX_KEY_BYTES = 2_048;
/** Most bytes in one value. */
export const MAX_VALUE_BYTES = 65_536;
/** Most bytes of keys and values in one atomic commit (a key set counts twice). */
export const MAX_COMMIT_BYTES = 819_200;
/** Most bytes of the keys set in one atomic commit. */
export const MAX_COMMIT_KEY_BYTES = 81_920;
/** Most mutations in one atomic commit. */
export const MAX_MUTATIONS = 1_000;

/** V8's serialisation header: the version tag and the version (15). */
const HEADER = 2;
/** A tag and an IEEE 754 double: a number that is not a small integer, a Date. */
const DOUBLE = 9;
const WIDE = /[^\0-\xff]/;

function varint(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** A number as V8 writes it: a 32-bit integer (a Smi) as a tag and a zigzag varint. */
function numberSize(n: number): number {
  if ((n | 0) !== n || (n === 0 && 1 / n < 0)) return DOUBLE;
  return 1 + varint(((n << 1) ^ (n >> 31)) >>> 0);
}

/** A string as V8 writes it when held compactly: one byte a character if none is over U+00FF. */
function stringSize(s: string): number {
  const n = s.length;
  // A regular expression answers at once on a one-byte string, faster than a loop on any string.
  if (!WIDE.test(s)) return 1 + varint(n) + n;
  // A padding byte may precede a two-byte string to align it.
  return 2 + varint(2 * n) + 2 * n;
}

/** The most a string can take: two bytes a UTF-16 code unit, a padding byte, tag and length. */
function maxStringSize(s: string): number {
  const n = s.length;
  return 2 + varint(2 * n) + 2 * n;
}

/** A property key: an array index is written as a number, a name as a string. */
function keyBytes(k: string): number {
  const c = k.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    const i = Number(k);
    if (i < 4_294_967_295 && String(i) === k) return numberSize(i);
  }
  // Property names are internalised, which V8 does one byte a character when it can.
  return stringSize(k);
}

function bigintSize(b: bigint): number {
  let digits = 0;
  for (let x = b < 0n ? -b : b; x > 0n; x >>= 64n) digits += 8;
  // Tag, a bit field of sign and byte length, the 64-bit digits.
  return 1 + varint(digits * 2 + 1) + digits;
}

/** An ArrayBuffer view: its whole buffer, then the view's tag, kind, offset, length and flags. */
function viewSize(v: ArrayBufferView): number {
  const n = v.buffer.byteLength;
  return 1 + varint(n) + n + 2 + varint(v.byteOffset) + varint(v.byteLength) + 5;
}

/** The bytes of a value V8 writes as neither plain data nor a view, measured by writing it. */
function otherSize(v: unknown): number {
  return serialize(v).length - HEADER;
}

function objectSize(o: object, most: boolean): number {
  if (Array.isArray(o)) {
    const n = o.length;
    // Tag, length, elements, end tag, count of other properties (none), length again.
    let bytes = 3 + 2 * varint(n) + (most ? maxIndexes(n) : 0);
    let numbers = 0;
    let numberBytes = 0;
    let doubles = false;
    for (let i = 0; i < n; i++) {
      const e = o[i];
      if (typeof e !== "number") {
        bytes += plainSize(e, most);
        continue;
      }
      const b = plainSize(e, most);
      numbers++;
      numberBytes += b;
      if (b === DOUBLE) doubles = true;
    }
    // An array of numbers only, one of them not a Smi, holds (and writes) them all as doubles.
    return bytes + (numbers === n && doubles ? DOUBLE * n : numberBytes);
  }
  if (ArrayBuffer.isView(o)) return viewSize(o);
  if (o instanceof Date) return DOUBLE;
  const proto = Object.getPrototypeOf(o);
  if (proto !== Object.prototype && proto !== null) return otherSize(o);
  // Tag, then each own enumerable property's key and value, end tag and property count.
  let bytes = 2;
  let count = 0;
  for (const k in o) {
    bytes += keyBytes(k) + plainSize((o as Record<string, unknown>)[k], most);
    count++;
  }
  return bytes + varint(count);
}

/**
 * The most bytes the indexes of `length` elements can take: an array V8 holds with holes (made
 * by `new Array(n)`) is written as index and value pairs.
 */
function maxIndexes(length: number): number {
  let bytes = 0;
  // Index i is a tag and the zigzag varint of i: 2 bytes below 64, 3 below 8,192, ...
  for (let lo = 0, width = 2, hi = 64; lo < length; lo = hi, hi *= 128, width++) {
    bytes += (Math.min(hi, length) - lo) * width;
  }
  return bytes;
}

/**
 * Bytes of plain data as V8 writes it: held compactly (one byte a character where it can, each
 * small integer a Smi, arrays without holes), or with `most`, held in the widest way.
 */
function plainSize(v: unknown, most: boolean): number {
  switch (typeof v) {
    case "string":
      return most ? maxStringSize(v) : stringSize(v);
    case "number":
      // Whether an integer is held as a Smi or a double is not visible: at most, a double.
      return most ? DOUBLE : numberSize(v);
    case "boolean":
    case "undefined":
      return 1;
    case "bigint":
      return bigintSize(v);
    case "object":
      return v === null ? 1 : objectSize(v, most);
  }
  return otherSize(v);
}

/**
 * Bytes of V8's serialisation of `value` (plain data: strings, numbers, booleans, null, arrays,
 * plain objects, bigints, dates; byte arrays are bounded) when V8 holds it compactly: each
 * string one byte a character if none is over U+00FF (as strings read from KV, literals, and
 * text decoded without wider characters are), each integer of 32 bits as a Smi (a number read
 * out of an array that holds a fraction is a double). Exact but for a padding byte that may
 * precede each two-byte string. Limits are kept with maxSerialisedSize, which needs no such
 * assumption.
 */
export function serialisedSize(value: unknown): number {
  return HEADER + plainSize(value, false);
}

/**
 * The most bytes V8's serialisation of `value` can take, however V8 holds it: every string two
 * bytes a code unit, every number a double, every array with its indexes. One step per string,
 * number and property, none per character: about twice the bytes of ASCII text, exact for text
 * with characters over U+00FF.
 */
export function maxSerialisedSize(value: unknown): number {
  return HEADER + plainSize(value, true);
}

/**
 * The bytes Deno KV counts for a value, measured by serialising it (costs as much as the write).
 * node:v8 writes a byte array inside a value a few bytes shorter than KV does: use
 * maxValueSize for those.
 */
export function valueSize(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Deno.KvU64) return 8;
  return serialize(value).length;
}

/** The most bytes Deno KV can count for a value, without serialising it. */
export function maxValueSize(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Deno.KvU64) return 8;
  return maxSerialisedSize(value);
}

/** Bytes of a string in UTF-8, a NUL escaped to two (KV's tuple encoding of a string part). */
function utf8Size(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0) n++;
    } else if (c < 0x800) n++;
    else {
      // Three bytes; a surrogate pair takes four for its two code units, and a lone surrogate
      // becomes U+FFFD (three).
      n += 2;
      if (c >= 0xd800 && c <= 0xdbff) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
    }
  }
  return n;
}

/**
 * Encoded bytes of a key (FoundationDB's tuple layer, which Deno KV uses): a string is a type
 * byte, its UTF-8 (NUL escaped) and a terminator; bytes likewise; a number 9; a boolean 1; a
 * bigint a type byte and its magnitude's bytes (a length byte more from 2^64).
 */
export function keySize(key: Deno.KvKey): number {
  let n = 0;
  for (const part of key) {
    if (typeof part === "string") n += 2 + utf8Size(part);
    else if (typeof part === "number") n += 9;
    else if (typeof part === "boolean") n += 1;
    else if (typeof part === "bigint") {
      let bytes = 0;
      for (let x = part < 0n ? -part : part; x > 0n; x >>= 8n) bytes++;
      n += 1 + bytes + (bytes > 8 ? 1 : 0);
    } else if (part instanceof Uint8Array) {
      n += 2 + part.length;
      for (let i = 0; i < part.length; i++) if (part[i] === 0) n++;
    } else throw new TypeError("A key part must be a string, number, bigint, boolean or bytes");
  }
  return n;
}
