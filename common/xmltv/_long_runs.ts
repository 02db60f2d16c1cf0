/**
 * Cuts over-long runs out of XML text before saxes sees it. saxes buffers a whole text node,
 * attribute value, comment or CDATA section before it hands it on, so one 50 MB text node cost
 * half a gigabyte; no real guide has a text over a few kilobytes. A run longer than the limit
 * keeps its first `limit` characters and loses the rest up to its end, which stays: the tag's
 * `>` (with the closing quote of a value cut open), `-->`, `]]>` or `?>`, so the document stays
 * well-formed. A document without such runs passes through unchanged.
 */

/** Characters a text node, tag, comment, CDATA section or processing instruction may keep. */
export const MAX_RUN_CHARS = 64 * 1024;

const enum State {
  Text,
  Tag,
  Comment,
  Cdata,
  Pi,
}

/** Longest lookahead: `<![CDATA[` is nine characters. */
const LOOKAHEAD = 9;

/** Feeds chunks of XML text through, cutting runs over the limit. */
export class LongRunCutter {
  /** How many runs were cut so far. */
  cuts = 0;
  #limit: number;
  #state = State.Text;
  /** The open quote of an attribute value in a tag (its char code), or 0. */
  #quote = 0;
  /** Characters of the current run so far. */
  #len = 0;
  /** True while the rest of the current run is being dropped. */
  #dropping = false;
  /** What to write where a dropped run ends (the closing quote of a value cut open). */
  #suffix = "";
  #carry = "";
  /** The character before the carried text (its code), for a `/>` split from its `/`. */
  #before = 0;

  constructor(limit = MAX_RUN_CHARS) {
    this.#limit = limit;
  }

  /** Cuts a chunk; `last` flushes what was held back for lookahead. */
  cut(chunk: string, last: boolean): string {
    const s = this.#carry.length ? this.#carry + chunk : chunk;
    // Lookahead (markup openers, terminators) may read up to LOOKAHEAD characters past `end`.
    const end = last ? s.length : Math.max(0, s.length - LOOKAHEAD);
    let out = "";
    let from = 0;
    let i = 0;
    const limit = this.#limit;
    /** Starts dropping at `p`, inside a run that passed the limit. */
    const startDrop = (p: number, quote: number) => {
      // Never keep half of a surrogate pair.
      const c = s.charCodeAt(p - 1);
      if (p > 0 && c >= 0xd800 && c <= 0xdbff) p--;
      out += s.slice(from, p);
      this.#dropping = true;
      this.#suffix = quote ? String.fromCharCode(quote) : "";
      this.cuts++;
    };
    /** The current run ends at `at`: what was dropped is replaced by the suffix. */
    const endRun = (at: number) => {
      if (this.#dropping) {
        out += this.#suffix;
        from = at;
        this.#dropping = false;
        this.#suffix = "";
      }
      this.#len = 0;
    };
    while (i < end) {
      const state = this.#state;
      if (state === State.Tag) {
        // A char loop: tags are short, and quotes decide where one ends.
        let q = this.#quote;
        let k = i;
        for (; k < end; k++) {
          const c = s.charCodeAt(k);
          if (q) {
            if (c === q) q = 0;
          } else if (c === 62) break;
          else if (c === 34 || c === 39) q = c;
        }
        if (!this.#dropping && this.#len + (k - i) > limit) {
          // Rare: find the quote state where the limit falls.
          const p = i + (limit - this.#len);
          let qp = this.#quote;
          for (let m = i; m < p; m++) {
            const c = s.charCodeAt(m);
            if (qp) {
              if (c === qp) qp = 0;
            } else if (c === 34 || c === 39) qp = c;
          }
          startDrop(p, qp);
        }
        this.#len += k - i;
        this.#quote = q;
        if (k === end) {
          i = end;
          continue;
        }
        // A cut empty-element tag keeps its "/" (`<a b="…"/>`), or it would open an element.
        const prev = k > 0 ? s.charCodeAt(k - 1) : this.#before;
        if (this.#dropping && prev === 47) this.#suffix += "/";
        endRun(k);
        this.#state = State.Text;
        i = k + 1;
        continue;
      }
      const terminator = state === State.Text
        ? "<"
        : state === State.Comment
        ? "-->"
        : state === State.Cdata
        ? "]]>"
        : "?>";
      const j = s.indexOf(terminator, i);
      const stop = j === -1 || j >= end ? end : j;
      if (!this.#dropping && this.#len + (stop - i) > limit) {
        startDrop(i + (limit - this.#len), 0);
      }
      this.#len += stop - i;
      i = stop;
      if (stop !== j) continue;
      endRun(j);
      if (state !== State.Text) {
        this.#state = State.Text;
        i = j + terminator.length;
      } else if (s.charCodeAt(j + 1) === 33 && s.startsWith("<!--", j)) {
        this.#state = State.Comment;
        i = j + 4;
      } else if (s.charCodeAt(j + 1) === 33 && s.startsWith("<![CDATA[", j)) {
        this.#state = State.Cdata;
        i = j + 9;
      } else if (s.charCodeAt(j + 1) === 63) {
        this.#state = State.Pi;
        i = j + 2;
      } else {
        this.#state = State.Tag;
        this.#quote = 0;
        i = j + 1;
      }
    }
    if (!this.#dropping) out += s.slice(from, i);
    if (i > 0) this.#before = s.charCodeAt(i - 1);
    this.#carry = s.slice(i);
    return out;
  }
}
