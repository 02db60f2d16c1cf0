/** Text-level work before saxes sees an XMLTV guide: the decoder, entity names and bare `&`. */

// HTML's Latin-1 entity names (&nbsp; … &yuml;, U+00A0 … U+00FF), common in sloppy guides.
const LATIN1 =
  "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn " +
  "sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave " +
  "Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml " +
  "ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN " +
  "szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave " +
  "iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute " +
  "ucirc uuml yacute thorn yuml";

function entityTable(): Record<string, string> {
  const t: Record<string, string> = Object.create(null);
  Object.assign(t, { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" });
  LATIN1.split(" ").forEach((n, i) => t[n] = String.fromCharCode(0xa0 + i));
  Object.assign(t, {
    ndash: "\u2013",
    mdash: "\u2014",
    lsquo: "\u2018",
    rsquo: "\u2019",
    ldquo: "\u201c",
    rdquo: "\u201d",
    hellip: "\u2026",
    euro: "\u20ac",
    trade: "\u2122",
  });
  return t;
}
/** Entity names the parser decodes: XML's five, HTML's Latin-1 names and a few more. */
export const ENTITIES = entityTable();

/** Well-formed entity or character reference after an `&`. */
const BARE_AMP = /&(?![A-Za-z_:][\w.:-]*;|#[0-9]+;|#x[0-9A-Fa-f]+;)/g;

/**
 * Escapes `&` that starts no reference ("Tom & Jerry"): saxes would otherwise read everything
 * up to the next `;` as an entity name, tags included. CDATA sections are left alone; a tail
 * that may hold a split reference or marker is carried to the next chunk.
 */
export class AmpFixer {
  #carry = "";
  #inCdata = false;

  /** Escapes the bare `&` of a chunk; `last` flushes the carried tail. */
  fix(chunk: string, last: boolean): string {
    let s = this.#carry + chunk;
    this.#carry = "";
    if (!last) {
      let tail = Math.max(s.lastIndexOf("&"), s.lastIndexOf("<"));
      const bracket = s.lastIndexOf("]");
      // "]]" | ">" must travel together for the end of a CDATA section to be seen.
      if (bracket > tail) {
        tail = bracket > 0 && s.charCodeAt(bracket - 1) === 93 ? bracket - 1 : bracket;
      }
      if (tail !== -1 && tail >= s.length - 32) {
        this.#carry = s.slice(tail);
        s = s.slice(0, tail);
      }
    }
    if (!this.#inCdata && !s.includes("<![CDATA[")) {
      return s.includes("&") ? s.replace(BARE_AMP, "&amp;") : s;
    }
    let out = "";
    let i = 0;
    while (i < s.length) {
      if (this.#inCdata) {
        const end = s.indexOf("]]>", i);
        if (end === -1) return out + s.slice(i);
        out += s.slice(i, end + 3);
        i = end + 3;
        this.#inCdata = false;
      } else {
        const start = s.indexOf("<![CDATA[", i);
        const part = s.slice(i, start === -1 ? s.length : start);
        out += part.includes("&") ? part.replace(BARE_AMP, "&amp;") : part;
        if (start === -1) break;
        out += "<![CDATA[";
        i = start + 9;
        this.#inCdata = true;
      }
    }
    return out;
  }
}

/** Picks the decoder from a byte-order mark or the XML declaration's encoding (default UTF-8). */
export function decoderFor(head: Uint8Array, warn: (m: string) => void): TextDecoder {
  if (head[0] === 0xff && head[1] === 0xfe) return new TextDecoder("utf-16le");
  if (head[0] === 0xfe && head[1] === 0xff) return new TextDecoder("utf-16be");
  const start = new TextDecoder("latin1").decode(head.subarray(0, 256));
  const m = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(start);
  if (m && !/^utf-?8$/i.test(m[1])) {
    try {
      return new TextDecoder(m[1]);
    } catch {
      warn(`Unknown encoding "${m[1]}": read as UTF-8`);
    }
  }
  return new TextDecoder("utf-8");
}
