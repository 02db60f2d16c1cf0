/**
 * gzip bodies spliced from pieces compressed apart, so a large body made of stored fragments is
 * compressed once, when the fragments are written, not on every render. Each piece is raw deflate
 * (RFC 1951) ending in a sync flush: byte-aligned, no final block, no reference to what came
 * before it. Pieces in a row therefore form one deflate stream, which one gzip member
 * (RFC 1952) wraps. One member, not one per piece: a concatenation of members is valid gzip, but
 * curl, wget, Deno's fetch and DecompressionStream stop after the first member (measured).
 */
import { constants, crc32, deflateRawSync } from "node:zlib";

/**
 * zlib level of pieces: 6, zlib's default. On the real guides in testdata, parts deflated at
 * level 1 come out 38% larger, at level 3 3% larger; 6 takes some 0.1 s per 12 MB of XML here.
 */
export const DEFLATE_LEVEL = 6;

/** Header of a gzip member: deflate, no flags, no time, unknown OS (RFC 1952 §2.3). */
const HEADER = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** An empty final block with fixed codes: BFINAL 1, BTYPE 01, end-of-block 0000000 (RFC 1951 §3.2.6). */
const FINAL_BLOCK = new Uint8Array([0x03, 0x00]);

/** The most deflatePiece() can make of `n` bytes (stored blocks of incompressible data, the flush). */
export function deflateBound(n: number): number {
  return n + (n >> 3) + 64;
}

/** Raw deflate of `bytes` ending in a sync flush, without a final block: a piece for spliceGzip(). */
export function deflatePiece(bytes: Uint8Array, level = DEFLATE_LEVEL): Uint8Array {
  const out = deflateRawSync(bytes, { level, finishFlush: constants.Z_SYNC_FLUSH });
  // A copy of its own: zlib's Buffer may be a view of a larger pooled one, which KV would store.
  return new Uint8Array(out);
}

/**
 * One gzip member of a chunked `body` from the deflatePiece() output of consecutive slices of
 * it, in order, covering all of it; in chunks, the pieces as they are.
 */
export function spliceGzip(body: Uint8Array[], pieces: Uint8Array[]): Uint8Array[] {
  let crc = 0;
  let size = 0;
  for (const c of body) {
    crc = crc32(c, crc);
    size += c.length;
  }
  const tail = new Uint8Array(FINAL_BLOCK.length + 8);
  tail.set(FINAL_BLOCK);
  const view = new DataView(tail.buffer);
  // The trailer: CRC-32 and length modulo 2^32 of the uncompressed data, little-endian.
  view.setUint32(FINAL_BLOCK.length, crc >>> 0, true);
  view.setUint32(FINAL_BLOCK.length + 4, size >>> 0, true);
  return [HEADER, ...pieces, tail];
}
