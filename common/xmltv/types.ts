/** What the XMLTV parser yields and reports. */

/** A display name of a channel. */
export interface XmltvDisplayName {
  lang?: string;
  value: string;
}

/** A `<channel>` element. */
export interface XmltvChannel {
  kind: "channel";
  id: string;
  displayNames: XmltvDisplayName[];
  icons: string[];
  urls: string[];
  /** canonical `<channel>` element */
  xml: string;
}

/** A `<programme>` element. */
export interface XmltvProgramme {
  kind: "programme";
  /** the channel attribute as given */
  channel: string;
  /** start and stop attributes as given */
  start: string;
  stop: string | null;
  startMs: number;
  stopMs: number | null;
  /** canonical `<programme>` element without its channel attribute (see programmeWithChannel) */
  xml: string;
}

/** What the parser yields. */
export type XmltvItem = XmltvChannel | XmltvProgramme;

/** Everything a parse reports besides the items. */
export interface XmltvSummary {
  channels: number;
  programmes: number;
  /** channels and programmes dropped: no id, no channel, no valid start, no title */
  skipped: number;
  /** whether `</tv>` was reached (false: the file ended early) */
  complete: boolean;
  /** problems worth telling the admin, capped */
  warnings: string[];
}
