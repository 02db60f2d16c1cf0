// Byte-to-text decoding for streamed playlists: UTF-8 (WHATWG decoder, one call per chunk),
// falling back to windows-1252 for the rest of the stream at the first invalid UTF-8 sequence.
// Old playlists saved by Windows tools are Latin-1/windows-1252; every byte sequence is valid
// windows-1252, so the fallback never fails.

/**
 * Decodes a byte stream chunk by chunk. A multi-byte UTF-8 sequence split between chunks is
 * carried over to the next chunk. The BOM is not stripped here (the parser skips it).
 */
export class FallbackDecoder {
  #utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  #latin: TextDecoder | null = null;
  #carry: Uint8Array | null = null;

  /** Whether invalid UTF-8 was met and the rest is being decoded as windows-1252. */
  get fellBack(): boolean {
    return this.#latin !== null;
  }

  /** Decodes one chunk, keeping an incomplete trailing UTF-8 sequence for the next one. */
  decode(chunk: Uint8Array): string {
    if (this.#latin) return this.#latin.decode(chunk);
    let bytes = chunk;
    if (this.#carry) {
      bytes = new Uint8Array(this.#carry.length + chunk.length);
      bytes.set(this.#carry);
      bytes.set(chunk, this.#carry.length);
      this.#carry = null;
    }
    const cut = completeLength(bytes);
    try {
      const text = this.#utf8.decode(cut === bytes.length ? bytes : bytes.subarray(0, cut));
      if (cut < bytes.length) this.#carry = bytes.slice(cut);
      return text;
    } catch {
      return this.#fallBack(bytes);
    }
  }

  /** Decodes whatever is still carried at the end of the stream. */
  flush(): string {
    const carry = this.#carry;
    this.#carry = null;
    if (!carry) return "";
    // An incomplete sequence at the very end is not UTF-8.
    return this.#fallBack(carry);
  }

  #fallBack(bytes: Uint8Array): string {
    const valid = validUtf8Prefix(bytes);
    this.#latin = new TextDecoder("windows-1252");
    return this.#utf8.decode(bytes.subarray(0, valid)) + this.#latin.decode(bytes.subarray(valid));
  }
}

/** Length of `bytes` without a trailing UTF-8 sequence that is still incomplete. */
export function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = n - 1;
  while (i >= 0 && n - i <= 3 && (bytes[i] & 0xc0) === 0x80) i--;
  if (i < 0) return n;
  const b = bytes[i];
  const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return n - i < need ? i : n;
}

/** Length of the longest prefix of `bytes` made of complete, well-formed UTF-8 sequences. */
export function validUtf8Prefix(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    // Well-formed byte sequences: Unicode 15, table 3-7.
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= n) return i;
    const c = bytes[i + 1];
    if (c < lo || c > hi) return i;
    for (let k = 2; k <= need; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return n;
}
