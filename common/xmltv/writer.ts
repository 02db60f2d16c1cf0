/** Writing XMLTV: escaping, the document head and foot, `<channel>` elements, re-labelled programmes. */

// Characters XML 1.0 (§2.2 Char) does not allow, plus the ones that need escaping. Matching
// control characters is the point of these expressions.
// deno-lint-ignore no-control-regex
const TEXT_SPECIAL = /[&<>\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
// deno-lint-ignore no-control-regex
const TEXT_SPECIAL_G = /[&<>\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
// deno-lint-ignore no-control-regex
const ATTR_SPECIAL = /[&<>"\u0000-\u001f\ufffe\uffff]/;
// deno-lint-ignore no-control-regex
const ATTR_SPECIAL_G = /[&<>"\u0000-\u001f\ufffe\uffff]/g;

function replaceChar(c: string): string {
  switch (c) {
    case "&":
      return "&amp;";
    case "<":
      return "&lt;";
    case ">":
      return "&gt;";
    case '"':
      return "&quot;";
    // Attribute-value normalisation (XML 1.0 §3.3.3) would turn these into spaces.
    case "\t":
      return "&#9;";
    case "\n":
      return "&#10;";
    case "\r":
      return "&#13;";
    default:
      return "";
  }
}

/** Escapes character data; drops characters XML 1.0 does not allow. */
export function escapeText(s: string): string {
  return TEXT_SPECIAL.test(s) ? s.replace(TEXT_SPECIAL_G, replaceChar) : s;
}

/** Escapes an attribute value (double-quoted); drops characters XML 1.0 does not allow. */
export function escapeAttr(s: string): string {
  return ATTR_SPECIAL.test(s) ? s.replace(ATTR_SPECIAL_G, replaceChar) : s;
}

/** Reverses escapeAttr (and the five predefined entities). */
export function unescapeAttr(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, (_, e: string) => {
    switch (e) {
      case "amp":
        return "&";
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "quot":
        return '"';
      case "apos":
        return "'";
      default:
        return String.fromCharCode(Number(e.slice(1)));
    }
  });
}

/** Name written into `generator-info-name` of every guide this product serves. */
export const GENERATOR_NAME = "iptv-manager";

/** `<?xml version="1.0" encoding="UTF-8"?>`, the DOCTYPE and the `<tv>` start tag. */
export function guideHeader(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tv SYSTEM "xmltv.dtd">\n<tv generator-info-name="${GENERATOR_NAME}">`;
}

/** The `</tv>` end tag and a final newline. */
export function guideFooter(): string {
  return "</tv>\n";
}

/** One `<channel>` element: id, display-name(s), optional icon src; text escaped. */
export function channelXml(
  c: { id: string; displayNames: string[]; icon?: string | null },
): string {
  // The DTD requires at least one display-name: fall back to the id.
  const names = c.displayNames.length ? c.displayNames : [c.id];
  let out = `<channel id="${escapeAttr(c.id)}">`;
  for (const n of names) out += `<display-name>${escapeText(n)}</display-name>`;
  if (c.icon) out += `<icon src="${escapeAttr(c.icon)}"/>`;
  return out + "</channel>";
}

/** A `<channel>` element with language-tagged display names, icons and URLs (DTD order). */
export function channelElementXml(c: {
  id: string;
  displayNames: { lang?: string; value: string }[];
  icons: string[];
  urls: string[];
}): string {
  const names = c.displayNames.length ? c.displayNames : [{ value: c.id }];
  let out = `<channel id="${escapeAttr(c.id)}">`;
  for (const n of names) {
    const lang = n.lang === undefined ? "" : ` lang="${escapeAttr(n.lang)}"`;
    out += `<display-name${lang}>${escapeText(n.value)}</display-name>`;
  }
  for (const src of c.icons) out += `<icon src="${escapeAttr(src)}"/>`;
  for (const url of c.urls) out += `<url>${escapeText(url)}</url>`;
  return out + "</channel>";
}

const PROGRAMME_OPEN = "<programme";

/** A stored programme (written without a channel attribute) labelled with channel `id`. */
export function programmeWithChannel(xml: string, id: string): string {
  return `${PROGRAMME_OPEN} channel="${escapeAttr(id)}"${xml.slice(PROGRAMME_OPEN.length)}`;
}

const ICON_SRC = /<icon src="([^"]*)"/g;

/** Passes every `<icon src>` of canonical XML (as the parser writes it) through `iconUrl`. */
export function rewriteIcons(xml: string, iconUrl: (src: string) => string): string {
  if (!xml.includes("<icon ")) return xml;
  return xml.replace(
    ICON_SRC,
    (_, src: string) => `<icon src="${escapeAttr(iconUrl(unescapeAttr(src)))}"`,
  );
}
