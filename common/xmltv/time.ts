/**
 * XMLTV times: `YYYYMMDDhhmmss +HHMM` (xmltv.dtd, "date and time" format). Real guides also
 * send fewer digits (`YYYYMMDDhhmm`), no offset at all, `+HH:MM`, or a zone name.
 */

// Zone names seen in real guides; the DTD prefers numeric offsets. Minutes east of UTC.
const ZONES: Record<string, number> = {
  Z: 0,
  UT: 0,
  UTC: 0,
  GMT: 0,
  WET: 0,
  WEST: 60,
  BST: 60,
  CET: 60,
  CEST: 120,
  MET: 60,
  MEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
};

/** A parsed time: milliseconds since the epoch and whether the zone was understood. */
export interface XmltvTime {
  ms: number;
  /** false when no offset was given or the zone name was unknown (then read as UTC) */
  zoned: boolean;
  /** true when the text already is `YYYYMMDDhhmmss +HHMM` */
  canonical: boolean;
}

/** The number written by `n` decimal digits at `i`, or -1. */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** `YYYYMMDDhhmmss +HHMM`, the form nearly every programme has, without slicing. */
function parseCanonical(s: string): XmltvTime | null {
  const sign = s.charCodeAt(15);
  if (s.charCodeAt(14) !== 32 || (sign !== 43 && sign !== 45)) return null;
  const year = digits(s, 0, 4);
  const month = digits(s, 4, 2);
  const day = digits(s, 6, 2);
  const hour = digits(s, 8, 2);
  const minute = digits(s, 10, 2);
  const second = digits(s, 12, 2);
  const oh = digits(s, 16, 2);
  const om = digits(s, 18, 2);
  if (
    year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 24 ||
    minute < 0 || minute > 59 || second < 0 || second > 60 || oh < 0 || oh > 18 || om < 0 ||
    om > 59
  ) return null;
  const offset = (oh * 60 + om) * (sign === 45 ? -60_000 : 60_000);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offset;
  return { ms, zoned: true, canonical: true };
}

/**
 * Parses an XMLTV time. Missing digits are padded (month and day with 01, the rest with 0);
 * a missing offset or an unknown zone name is read as UTC. Null when it is not a time.
 */
export function parseXmltvTime(raw: string): XmltvTime | null {
  if (raw.length === 20) {
    const t = parseCanonical(raw);
    if (t) return t;
  }
  const s = raw.trim();
  let i = 0;
  while (i < s.length && i < 14) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  if (i < 4) return null;
  const d = s.slice(0, i).padEnd(14, "0");
  // Seconds may carry a fraction (`20240101120000.5`): ignore it.
  let rest = s.slice(i).replace(/^\.\d*/, "").trim();
  const year = Number(d.slice(0, 4));
  const month = Math.max(1, Number(d.slice(4, 6)));
  const day = Math.max(1, Number(d.slice(6, 8)));
  const hour = Number(d.slice(8, 10));
  const minute = Number(d.slice(10, 12));
  const second = Number(d.slice(12, 14));
  if (month > 12 || day > 31 || hour > 24 || minute > 59 || second > 60) return null;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (!Number.isFinite(ms)) return null;
  let zoned = false;
  if (rest) {
    const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(rest);
    if (m) {
      const minutes = Number(m[2]) * 60 + Number(m[3] ?? "0");
      if (minutes <= 18 * 60) {
        ms -= (m[1] === "-" ? -minutes : minutes) * 60_000;
        zoned = true;
      }
    } else {
      rest = rest.toUpperCase();
      if (rest in ZONES) {
        ms -= ZONES[rest] * 60_000;
        zoned = true;
      } else if (!/^[A-Z]{1,6}$/.test(rest)) return null;
    }
  }
  return { ms, zoned, canonical: false };
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Formats milliseconds as an XMLTV time in UTC: `YYYYMMDDhhmmss +0000`. */
export function formatXmltvTime(ms: number): string {
  const t = new Date(ms);
  return `${String(t.getUTCFullYear()).padStart(4, "0")}${two(t.getUTCMonth() + 1)}${
    two(t.getUTCDate())
  }${two(t.getUTCHours())}${two(t.getUTCMinutes())}${two(t.getUTCSeconds())} +0000`;
}

/** The time as written out: the source's text when it is already canonical, else UTC. */
export function canonicalXmltvTime(raw: string, time: XmltvTime): string {
  return time.canonical ? raw : formatXmltvTime(time.ms);
}
