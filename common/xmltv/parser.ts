/**
 * Streaming XMLTV parser on `saxes`: text goes in chunk by chunk, complete `<channel>` and
 * `<programme>` elements come out, each with its canonical XML. Only one element is held at a
 * time, never the document.
 *
 * Canonical means DTD-valid (xmltv.dtd): elements and attributes the DTD does not declare are
 * dropped, children are written in the DTD's order, `?` children keep their first occurrence,
 * times are normalised to `YYYYMMDDhhmmss +HHMM` (no offset: UTC). Entity references other than
 * XML's five and the HTML Latin-1 names are dropped: no DTD entity is expanded and no external
 * entity is ever resolved (saxes reads DOCTYPEs without acting on them). A text, attribute
 * value or comment over 64 KB is cut before saxes buffers it, and an element's children stop
 * being kept past 256 KB: a hostile guide cannot make one element cost memory.
 */
import { SaxesParser, type SaxesTagPlain } from "saxes";
import { ELEMENTS } from "./_dtd.ts";
import { attributes, type Frame, frame } from "./_frame.ts";
import { LongRunCutter, MAX_RUN_CHARS } from "./_long_runs.ts";
import { AmpFixer, decoderFor, ENTITIES } from "./_text.ts";
import { canonicalXmltvTime, parseXmltvTime } from "./time.ts";
import { escapeAttr, escapeText } from "./writer.ts";

export type {
  XmltvChannel,
  XmltvDisplayName,
  XmltvItem,
  XmltvProgramme,
  XmltvSummary,
} from "./types.ts";
import type { XmltvItem, XmltvSummary } from "./types.ts";

/** The input is not an XMLTV document at all (HTML, JSON, another XML vocabulary). */
export class XmltvFormatError extends Error {
  override name = "XmltvFormatError";
}

/** Options of the parser. */
export interface XmltvParserOptions {
  /** most warnings kept; default 20 */
  maxWarnings?: number;
}

/** Children beyond this many characters are dropped from their element (none is real). */
const MAX_ELEMENT_CHARS = 256 * 1024;

const enum Root {
  Before,
  Open,
  Closed,
}

/** Parses XMLTV text pushed in chunks; `push` and `end` return the completed items. */
export class XmltvParser {
  #sax: SaxesParser<{ xmlns: false; position: false }>;
  #amp = new AmpFixer();
  #cutter = new LongRunCutter();
  #frames: Frame[] = [];
  #skip = 0;
  #transparent = 0;
  #root = Root.Before;
  #rootClosePending = false;
  #out: XmltvItem[] = [];
  #chars = 0;
  #maxWarnings: number;
  #warnings: string[] = [];
  #dropped = new Map<string, number>();
  #entities = new Map<string, number>();
  #errors = 0;
  #channels = 0;
  #programmes = 0;
  #skipped = 0;

  constructor(options: XmltvParserOptions = {}) {
    this.#maxWarnings = options.maxWarnings ?? 20;
    const sax = new SaxesParser<{ xmlns: false; position: false }>({
      xmlns: false,
      position: false,
    });
    sax.ENTITIES = new Proxy(ENTITIES, {
      get: (t, name: string) => {
        const v = t[name];
        if (v !== undefined) return v;
        // Never expand: DTD-declared (billion laughs) and external (XXE) entities end here.
        this.#entities.set(name, (this.#entities.get(name) ?? 0) + 1);
        return "";
      },
    });
    sax.on("opentag", this.#open);
    sax.on("closetag", this.#close);
    sax.on("text", this.#text);
    sax.on("cdata", this.#text);
    sax.on("error", (err) => this.#error(err.message));
    this.#sax = sax;
  }

  /** True once `</tv>` was read: later input is ignored. */
  get done(): boolean {
    return this.#root === Root.Closed;
  }

  /** Parses the next chunk of text. Throws XmltvFormatError when the root is not `<tv>`. */
  push(chunk: string): XmltvItem[] {
    if (this.#root === Root.Closed) return [];
    this.#chars += chunk.length;
    this.#sax.write(this.#amp.fix(this.#cutter.cut(chunk, false), false));
    this.#settleRoot();
    if (this.#root === Root.Before && this.#chars > 4 * 1048576) {
      throw new XmltvFormatError(
        "the source is not an XMLTV guide: its first 4 MB hold no <tv> element",
      );
    }
    return this.#take();
  }

  /** Ends the input. Throws XmltvFormatError when no `<tv>` element was found. */
  end(): XmltvItem[] {
    if (this.#root !== Root.Closed) {
      this.#sax.write(this.#amp.fix(this.#cutter.cut("", true), true));
      this.#settleRoot();
    }
    if (this.#root !== Root.Closed) {
      this.#sax.close();
      this.#settleRoot();
    }
    if (this.#root === Root.Before) {
      throw new XmltvFormatError(
        this.#chars === 0
          ? "the source is empty"
          : "the source is not an XMLTV guide: it holds no <tv> element",
      );
    }
    if (this.#root === Root.Open) {
      this.#warn(
        `The guide ended before </tv> (truncated?): kept the ${this.#programmes} complete programmes`,
      );
      this.#frames = [];
    }
    return this.#take();
  }

  /** Counts and warnings so far. */
  summary(): XmltvSummary {
    const warnings = [...this.#warnings];
    if (this.#dropped.size) {
      const list = [...this.#dropped].slice(0, 10).map(([n, c]) => `<${n}> (${c})`).join(", ");
      warnings.push(`Dropped elements the XMLTV DTD does not allow there: ${list}`);
    }
    if (this.#entities.size) {
      const list = [...this.#entities].slice(0, 10).map(([n, c]) => `&${n}; (${c})`).join(", ");
      warnings.push(`Dropped references to undeclared entities (never expanded): ${list}`);
    }
    if (this.#cutter.cuts) {
      warnings.push(
        `Cut ${this.#cutter.cuts} texts, tags or comments longer than ${MAX_RUN_CHARS} characters`,
      );
    }
    if (this.#errors > this.#maxWarnings) {
      warnings.push(`${this.#errors} XML errors in all; the first are listed above`);
    }
    return {
      channels: this.#channels,
      programmes: this.#programmes,
      skipped: this.#skipped,
      complete: this.#root === Root.Closed,
      warnings,
    };
  }

  #take(): XmltvItem[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #warn(message: string): void {
    if (this.#warnings.length < this.#maxWarnings) this.#warnings.push(message);
  }

  #drop(name: string): void {
    if (this.#dropped.size < 50 || this.#dropped.has(name)) {
      this.#dropped.set(name, (this.#dropped.get(name) ?? 0) + 1);
    }
  }

  #error(message: string): void {
    // saxes pops every open element when it meets an end tag that matches none; a `</tv>` seen
    // that way is not the end of the guide.
    if (
      this.#rootClosePending &&
      (message.includes("unexpected close tag") || message.includes("unmatched closing tag"))
    ) this.#rootClosePending = false;
    if (this.#root === Root.Closed) return;
    this.#errors++;
    // Position tracking slows saxes down by a fifth; the character offset is close enough.
    this.#warn(`XML error before character ${this.#chars}: ${message}`);
  }

  #settleRoot(): void {
    if (this.#rootClosePending) {
      this.#rootClosePending = false;
      this.#root = Root.Closed;
    }
  }

  // Handlers are arrow fields: saxes calls them without a wrapper, once per tag and text.
  #open = (tag: SaxesTagPlain): void => {
    this.#settleRoot();
    if (this.#root !== Root.Open) {
      if (this.#root === Root.Closed) return;
      if (tag.name !== "tv") {
        throw new XmltvFormatError(
          tag.name.toLowerCase() === "html"
            ? "the source is an HTML page, not an XMLTV guide (an error or login page?)"
            : `the source is not an XMLTV guide: its root element is <${tag.name}>, not <tv>`,
        );
      }
      this.#root = Root.Open;
      return;
    }
    if (this.#skip) {
      this.#skip++;
      return;
    }
    if (this.#transparent) {
      this.#transparent++;
      return;
    }
    const name = tag.name;
    const parent = this.#frames[this.#frames.length - 1];
    if (!parent) {
      if (name === "programme") this.#openProgramme(tag);
      else if (name === "channel") this.#openChannel(tag);
      else {
        this.#drop(name);
        this.#skip = 1;
      }
      return;
    }
    const content = parent.spec.content;
    const slot = parent.spec.slot.get(name);
    if (slot !== undefined) {
      const spec = parent.spec.childSpecs[slot];
      const attrs = spec.attrs.length ? attributes(spec, tag.attributes) : "";
      if (attrs === null) {
        this.#drop(`${name}> without a valid required attribute <${name}`);
        this.#skip = 1;
        return;
      }
      const f = frame(spec, attrs, tag.attributes);
      f.slot = slot;
      this.#frames.push(f);
      return;
    }
    // Text-only and mixed content keep the text of an undeclared child; others drop it whole.
    this.#drop(name);
    if (content === "text" || content === "mixed") this.#transparent = 1;
    else this.#skip = 1;
  };

  #openChannel(tag: SaxesTagPlain): void {
    const id = (tag.attributes.id ?? "").trim();
    if (!id) {
      this.#skipped++;
      this.#warn("Skipped a <channel> without an id");
      this.#skip = 1;
      return;
    }
    const f = frame(ELEMENTS.get("channel")!, ` id="${escapeAttr(id)}"`, tag.attributes);
    f.channel = { kind: "channel", id, displayNames: [], icons: [], urls: [], xml: "" };
    this.#frames.push(f);
  }

  #openProgramme(tag: SaxesTagPlain): void {
    const a = tag.attributes;
    const channel = (a.channel ?? "").trim();
    const start = a.start ?? "";
    const startTime = start ? parseXmltvTime(start) : null;
    if (!channel || !startTime) {
      this.#skipped++;
      this.#warn(
        !channel
          ? `Skipped a <programme> without a channel (start "${start.slice(0, 40)}")`
          : `Skipped a <programme> of "${channel.slice(0, 80)}" with a bad start "${
            start.slice(0, 40)
          }"`,
      );
      this.#skip = 1;
      return;
    }
    let attrs = ` start="${escapeAttr(canonicalXmltvTime(start, startTime))}"`;
    const stop = a.stop ?? null;
    const stopTime = stop ? parseXmltvTime(stop) : null;
    if (stopTime) attrs += ` stop="${escapeAttr(canonicalXmltvTime(stop!, stopTime))}"`;
    else if (stop) this.#warn(`Dropped a bad stop time "${stop.slice(0, 40)}" of "${channel}"`);
    for (const name of ["pdc-start", "vps-start", "showview", "videoplus", "clumpidx"]) {
      const v = a[name];
      if (v !== undefined) attrs += ` ${name}="${escapeAttr(v)}"`;
    }
    const f = frame(ELEMENTS.get("programme")!, attrs, a);
    f.programme = {
      kind: "programme",
      channel,
      start,
      stop: stopTime ? stop : null,
      startMs: startTime.ms,
      stopMs: stopTime ? stopTime.ms : null,
      xml: "",
    };
    this.#frames.push(f);
  }

  #text = (t: string): void => {
    if (this.#skip || this.#root !== Root.Open) return;
    const f = this.#frames[this.#frames.length - 1];
    if (!f) return;
    const content = f.spec.content;
    // Several text events (around comments or dropped children) add up to one text: cap it too.
    if (f.text.length > MAX_RUN_CHARS) return;
    if (content === "text") f.text += t;
    else if (content === "mixed") f.text += escapeText(t);
  };

  #close = (): void => {
    if (this.#root !== Root.Open) return;
    if (this.#skip) {
      this.#skip--;
      return;
    }
    if (this.#transparent) {
      this.#transparent--;
      return;
    }
    const f = this.#frames.pop();
    if (!f) {
      this.#rootClosePending = true;
      return;
    }
    const spec = f.spec;
    const name = spec.name;
    let body: string | null;
    let text = "";
    switch (spec.content) {
      case "empty":
        body = null;
        break;
      case "text":
        text = f.text.trim();
        body = escapeText(text);
        break;
      case "mixed":
        body = f.text.trim();
        break;
      default:
        if (spec.need !== -1 && !f.slots![spec.need]) {
          if (f.channel) {
            // <!ELEMENT channel (display-name+, …)>: name it after its id.
            f.slots![spec.need] = `<display-name>${escapeText(f.channel.id)}</display-name>`;
            f.channel.displayNames.push({ value: f.channel.id });
          } else if (f.programme) {
            this.#skipped++;
            this.#warn(`Skipped a <programme> of "${f.programme.channel}" without a <title>`);
            return;
          } else {
            this.#drop(`${name}> without <${spec.children[spec.need]}`);
            return;
          }
        }
        body = f.slots!.join("");
    }
    const xml = body === null ? `<${name}${f.attrs}/>` : `<${name}${f.attrs}>${body}</${name}>`;
    if (f.programme) {
      f.programme.xml = xml;
      this.#programmes++;
      this.#out.push(f.programme);
      return;
    }
    if (f.channel) {
      f.channel.xml = xml;
      this.#channels++;
      this.#out.push(f.channel);
      return;
    }
    const parent = this.#frames[this.#frames.length - 1]!;
    parent.size += xml.length;
    if (parent.size > MAX_ELEMENT_CHARS) {
      this.#drop(`${name}> past ${MAX_ELEMENT_CHARS} characters of <${parent.spec.name}`);
      return;
    }
    if (parent.channel) {
      const c = parent.channel;
      if (name === "display-name") {
        const lang = f.given.lang;
        c.displayNames.push(lang === undefined ? { value: text } : { lang, value: text });
      } else if (name === "icon") c.icons.push(f.given.src);
      else if (name === "url") c.urls.push(text);
    }
    if (parent.spec.content === "mixed") {
      parent.text += xml;
      return;
    }
    const slot = f.slot;
    if (parent.spec.once[slot] && parent.slots![slot]) {
      this.#drop(`${name}> repeated in <${parent.spec.name}`);
      return;
    }
    parent.slots![slot] += xml;
  };
}

/**
 * Streaming: decodes bytes (UTF-8 unless a BOM or the XML declaration says otherwise) and
 * yields the items completed by each chunk. Stops reading at `</tv>`. Returns the summary.
 * Throws XmltvFormatError when the source is not XMLTV.
 */
export async function* parseXmltvStream(
  body: ReadableStream<Uint8Array>,
  options: XmltvParserOptions = {},
): AsyncGenerator<XmltvItem[], XmltvSummary> {
  const parser = new XmltvParser(options);
  const reader = body.getReader();
  let decoder: TextDecoder | null = null;
  const early: string[] = [];
  let read = true;
  try {
    while (!parser.done) {
      const r = await reader.read();
      if (r.done) {
        read = false;
        break;
      }
      decoder ??= decoderFor(r.value, (m) => early.push(m));
      const items = parser.push(decoder.decode(r.value, { stream: true }));
      if (items.length) yield items;
    }
    if (!parser.done) {
      const items = parser.push(decoder ? decoder.decode() : "");
      for (const item of parser.end()) items.push(item);
      if (items.length) yield items;
    }
  } finally {
    // Stopped early (</tv>, an error, or the consumer broke off): stop the source too.
    if (read) {
      try {
        await reader.cancel();
      } catch {
        // The source failed already: that failure is what the caller sees.
      }
    }
    reader.releaseLock();
  }
  const summary = parser.summary();
  summary.warnings.unshift(...early);
  return summary;
}

/** Parses a whole string (tests, tools). */
export function parseXmltvText(text: string): { items: XmltvItem[]; summary: XmltvSummary } {
  const parser = new XmltvParser();
  const items = parser.push(text);
  for (const item of parser.end()) items.push(item);
  return { items, summary: parser.summary() };
}
