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
  children?: string[];
  once?: string[];
  need?: string;
}

const text = (attrs: string[] = []): Def => ({ attrs, content: "text" });
const person: Def = { content: "mixed", children: ["image", "url"] };
const lang = ["lang"];

// Element declarations of xmltv.dtd; the comments give the DTD's content models.
const DEFS: Record<string, Def> = {
  // <!ELEMENT channel (display-name+, icon*, url*)>
  channel: {
    attrs: ["id"],
    required: ["id"],
    content: "children",
    children: ["display-name", "icon", "url"],
    need: "display-name",
  },
  "display-name": text(lang),
  icon: { attrs: ["src", "width", "height"], required: ["src"], content: "empty" },
  url: text(["system"]),
  // <!ELEMENT programme (title+, sub-title*, desc*, credits?, date?, category*, keyword*,
  //   language?, orig-language?, length?, icon*, url*, country*, episode-num*, video?, audio?,
  //   previously-shown?, premiere?, last-chance?, new?, subtitles*, rating*, star-rating*,
  //   review*, image*)>
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
    children: [
      "title",
      "sub-title",
      "desc",
      "credits",
      "date",
      "category",
      "keyword",
      "language",
      "orig-language",
      "length",
      "icon",
      "url",
      "country",
      "episode-num",
      "video",
      "audio",
      "previously-shown",
      "premiere",
      "last-chance",
      "new",
      "subtitles",
      "rating",
      "star-rating",
      "review",
      "image",
    ],
    once: [
      "credits",
      "date",
      "language",
      "orig-language",
      "length",
      "video",
      "audio",
      "previously-shown",
      "premiere",
      "last-chance",
      "new",
    ],
    need: "title",
  },
  title: text(lang),
  "sub-title": text(lang),
  desc: text(lang),
  // <!ELEMENT credits (director*, actor*, writer*, adapter*, producer*, composer*, editor*,
  //   presenter*, commentator*, guest*)>
  credits: {
    content: "children",
    children: [
      "director",
      "actor",
      "writer",
      "adapter",
      "producer",
      "composer",
      "editor",
      "presenter",
      "commentator",
      "guest",
    ],
  },
  // <!ELEMENT director (#PCDATA | image | url)*> and the same for every credited person
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
  // <!ELEMENT video (present?, colour?, aspect?, quality?)>
  video: {
    content: "children",
    children: ["present", "colour", "aspect", "quality"],
    once: ["present", "colour", "aspect", "quality"],
  },
  present: text(),
  colour: text(),
  aspect: text(),
  quality: text(),
  // <!ELEMENT audio (present?, stereo?)>
  audio: { content: "children", children: ["present", "stereo"], once: ["present", "stereo"] },
  stereo: text(),
  "previously-shown": { attrs: ["start", "channel"], content: "empty" },
  premiere: text(lang),
  "last-chance": text(lang),
  new: { content: "empty" },
  // <!ELEMENT subtitles (language?)>
  subtitles: {
    attrs: ["type"],
    enums: { type: ["teletext", "onscreen", "deaf-signed"] },
    content: "children",
    children: ["language"],
    once: ["language"],
  },
  // <!ELEMENT rating (value, icon*)>
  rating: {
    attrs: ["system"],
    content: "children",
    children: ["value", "icon"],
    once: ["value"],
    need: "value",
  },
  // <!ELEMENT star-rating (value, icon*)>
  "star-rating": {
    attrs: ["system"],
    content: "children",
    children: ["value", "icon"],
    once: ["value"],
    need: "value",
  },
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

function compile(name: string, d: Def): ElementSpec {
  const children = d.children ?? [];
  const once = new Set(d.once ?? []);
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
    need: d.need ? children.indexOf(d.need) : -1,
  };
}

/** Every element of the XMLTV DTD below `<tv>`, by name (names mean the same everywhere). */
export const ELEMENTS: ReadonlyMap<string, ElementSpec> = new Map(
  Object.entries(DEFS).map(([name, d]) => [name, compile(name, d)]),
);
for (const spec of ELEMENTS.values()) {
  for (const c of spec.children) spec.childSpecs.push(ELEMENTS.get(c)!);
}
