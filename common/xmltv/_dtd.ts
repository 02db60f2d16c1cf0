/**
 * The XMLTV DTD (xmltv.dtd, as shipped by Debian's xmltv-util) as data: for each element its
 * attributes, which are required or enumerated, and its content model with the child order.
 * The parser keeps only what this table allows, in this order, so what it writes validates.
 */

/** How an element's content is written. */
export type ContentKind = "empty" | "text" | "mixed" | "children";

/** An element of the DTD, compiled for the parser. */
export interface ElementSpec {
  name: string;
  /** allowed attributes in the order they are written */
  attrs: readonly string[];
  /** attributes without which the element is dropped (#REQUIRED) */
  required: readonly string[];
  /** enumerated attribute values; another value drops the attribute, or the element if required */
  enums: Readonly<Record<string, readonly string[]>>;
  content: ContentKind;
  /** allowed children, in DTD order (children and mixed content) */
  children: readonly string[];
  /** slot of each allowed child */
  slot: ReadonlyMap<string, number>;
  /** per slot, the child's own spec */
  childSpecs: ElementSpec[];
  /** per slot: true when the child may appear at most once (`?` in the DTD) */
  once: readonly boolean[];
  /** slot that must be filled (`+` or a required child), or -1 */
  need: number;
}

interface Def {
  attrs?: string[];
  required?: string[];
  enums?: Record<string, string[]>;
  content: ContentKind;
  /**
   * The children as the DTD's content model writes them, in order: `title+, sub-title*, date?`
   * (`?` at most once, `+` at least once, `*` any number, none exactly once).
   */
  model?: string;
}

const text = (attrs: string[] = []): Def => ({ attrs, content: "text" });
// <!ELEMENT director (#PCDATA | image | url)*> and the same for every credited person
const person: Def = { content: "mixed", model: "image*, url*" };
const rating: Def = { attrs: ["system"], content: "children", model: "value, icon*" };
const lang = ["lang"];

// Element declarations of xmltv.dtd, with the DTD's content models.
const DEFS: Record<string, Def> = {
  channel: {
    attrs: ["id"],
    required: ["id"],
    content: "children",
    model: "display-name+, icon*, url*",
  },
  "display-name": text(lang),
  icon: { attrs: ["src", "width", "height"], required: ["src"], content: "empty" },
  url: text(["system"]),
  programme: {
    attrs: [
      "start",
      "stop",
      "pdc-start",
      "vps-start",
      "showview",
      "videoplus",
      "channel",
      "clumpidx",
    ],
    required: ["start", "channel"],
    content: "children",
    model: "title+, sub-title*, desc*, credits?, date?, category*, keyword*, language?, " +
      "orig-language?, length?, icon*, url*, country*, episode-num*, video?, audio?, " +
      "previously-shown?, premiere?, last-chance?, new?, subtitles*, rating*, star-rating*, " +
      "review*, image*",
  },
  title: text(lang),
  "sub-title": text(lang),
  desc: text(lang),
  credits: {
    content: "children",
    model: "director*, actor*, writer*, adapter*, producer*, composer*, editor*, presenter*, " +
      "commentator*, guest*",
  },
  director: person,
  actor: { ...person, attrs: ["role", "guest"], enums: { guest: ["no", "yes"] } },
  writer: person,
  adapter: person,
  producer: person,
  composer: person,
  editor: person,
  presenter: person,
  commentator: person,
  guest: person,
  date: text(),
  category: text(lang),
  keyword: text(lang),
  language: text(lang),
  "orig-language": text(lang),
  length: {
    attrs: ["units"],
    required: ["units"],
    enums: { units: ["seconds", "minutes", "hours"] },
    content: "text",
  },
  country: text(lang),
  "episode-num": text(["system"]),
  video: { content: "children", model: "present?, colour?, aspect?, quality?" },
  present: text(),
  colour: text(),
  aspect: text(),
  quality: text(),
  audio: { content: "children", model: "present?, stereo?" },
  stereo: text(),
  "previously-shown": { attrs: ["start", "channel"], content: "empty" },
  premiere: text(lang),
  "last-chance": text(lang),
  new: { content: "empty" },
  subtitles: {
    attrs: ["type"],
    enums: { type: ["teletext", "onscreen", "deaf-signed"] },
    content: "children",
    model: "language?",
  },
  rating,
  "star-rating": rating,
  value: text(),
  review: {
    attrs: ["type", "source", "reviewer", "lang"],
    required: ["type"],
    enums: { type: ["text", "url"] },
    content: "text",
  },
  image: {
    attrs: ["type", "size", "orient", "system"],
    enums: {
      type: ["poster", "backdrop", "still", "person", "character"],
      size: ["1", "2", "3"],
      orient: ["P", "L"],
    },
    content: "text",
  },
};

/** The children of a content model with their marks: `title+, date?` is title `+`, date `?`. */
function parseModel(model: string): [child: string, mark: string][] {
  return model.split(", ").map((part) => {
    const m = /^([a-z-]+)([?*+]?)$/.exec(part);
    if (!m) throw new Error(`Content model part "${part}" is not a name with ?, * or + or none`);
    return [m[1], m[2]];
  });
}

function compile(name: string, d: Def): ElementSpec {
  const parts = d.model ? parseModel(d.model) : [];
  const children = parts.map(([child]) => child);
  // No mark (exactly once) or `?`: at most once; no mark or `+`: at least once.
  const once = new Set(parts.filter(([, mark]) => mark === "" || mark === "?").map(([c]) => c));
  const need = parts.find(([, mark]) => mark === "" || mark === "+")?.[0];
  return {
    name,
    attrs: d.attrs ?? [],
    required: d.required ?? [],
    enums: d.enums ?? {},
    content: d.content,
    children,
    slot: new Map(children.map((c, i) => [c, i])),
    childSpecs: [],
    once: children.map((c) => once.has(c)),
    need: need ? children.indexOf(need) : -1,
  };
}

/** Every element of the XMLTV DTD below `<tv>`, by name (names mean the same everywhere). */
export const ELEMENTS: ReadonlyMap<string, ElementSpec> = new Map(
  Object.entries(DEFS).map(([name, d]) => [name, compile(name, d)]),
);
for (const spec of ELEMENTS.values()) {
  for (const c of spec.children) spec.childSpecs.push(ELEMENTS.get(c)!);
}
