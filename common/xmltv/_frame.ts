/**
 * The parser's element under construction: what the DTD allows it, its serialized attributes and
 * the serialized children kept so far, in the DTD's order.
 */
import type { ElementSpec } from "./_dtd.ts";
import type { XmltvChannel, XmltvProgramme } from "./types.ts";
import { escapeAttr } from "./writer.ts";

/** An open element. */
export interface Frame {
  spec: ElementSpec;
  /** serialized attributes, each with its leading space */
  attrs: string;
  /** the attributes as given */
  given: Record<string, string>;
  /** slot of this element in its parent */
  slot: number;
  /** raw text (text content) or escaped text and children (mixed content) */
  text: string;
  /** per child slot, the serialized children (children content) */
  slots: string[] | null;
  /** characters of the children kept so far */
  size: number;
  channel: XmltvChannel | null;
  programme: XmltvProgramme | null;
}

/** A new open element. */
export function frame(spec: ElementSpec, attrs: string, given: Record<string, string>): Frame {
  return {
    spec,
    attrs,
    given,
    slot: -1,
    text: "",
    slots: spec.content === "children" ? new Array(spec.children.length).fill("") : null,
    size: 0,
    channel: null,
    programme: null,
  };
}

/** Serialized allowed attributes, or null when a required one is missing or not allowed. */
export function attributes(spec: ElementSpec, given: Record<string, string>): string | null {
  let out = "";
  for (const a of spec.attrs) {
    const v = given[a];
    if (v === undefined) {
      if (spec.required.includes(a)) return null;
      continue;
    }
    const allowed = spec.enums[a];
    if (allowed && !allowed.includes(v.trim())) {
      if (spec.required.includes(a)) return null;
      continue;
    }
    out += ` ${a}="${escapeAttr(allowed ? v.trim() : v)}"`;
  }
  return out;
}
