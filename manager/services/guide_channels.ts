/**
 * Guide channels as an admin picks them: searched by name or id across every usable guide, each
 * with its logo (through the icon cache) and what is on now, and a channel's now and next.
 */
import { iconSourceUrl } from "../../common/icons/mod.ts";
import type { Epg } from "../../common/xmltv/schemas.ts";
import { DAY_MS, type EpgChannelInfo, readProgrammeDays } from "../../common/xmltv/store.ts";
import { unescapeAttr } from "../../common/xmltv/writer.ts";
import type { ManagerDeps } from "../deps.ts";
import { guideIndex } from "./guides.ts";

/** One programme as the pages show it. */
export interface ProgrammeView {
  title: string;
  start: string;
  stop: string | null;
}

/** A guide channel as the picker lists it. */
export interface GuideChannelView {
  epgId: string;
  epgName: string;
  id: string;
  /** the first display name, or the id when it has none */
  name: string;
  names: string[];
  /** a URL the admin pages may load, or null (no logo, or no cached copy yet) */
  logo: string | null;
  now: ProgrammeView | null;
}

/** A page of guide channels. */
export interface GuideChannelPage {
  items: GuideChannelView[];
  total: number;
  nextOffset: number | null;
}

/**
 * The URL an admin page shows a logo from: the icon cache's copy, else (with ICON_CACHE=false,
 * where the pages' CSP allows other hosts) the logo's own http(s) URL, else null for a
 * placeholder: with the cache on, a logo without a copy is still on its way or failed.
 */
export function logoUrl(deps: Pick<ManagerDeps, "icons" | "config">, src: string): string | null {
  const url = src.trim();
  if (!url) return null;
  const cached = deps.icons.urlFor(url, "");
  if (cached !== url) return cached;
  return !deps.config.iconCache && iconSourceUrl(url) ? url : null;
}

/** How well a guide channel matches a query: 0 exact, 1 prefix, 2 inside, -1 not at all. */
function rank(c: EpgChannelInfo, q: string): number {
  let best = -1;
  for (const s of [c.id, ...c.displayNames]) {
    const v = s.toLowerCase();
    if (v === q) return 0;
    if (v.startsWith(q)) best = 1;
    else if (best < 0 && v.includes(q)) best = 2;
  }
  return best;
}

/**
 * Guide channels whose id or a display name contains `q` (case ignored), exact and prefix
 * matches first, each with what is on now. Reads programmes only for the page returned.
 */
export async function searchGuideChannels(
  deps: ManagerDeps,
  opts: { q?: string; epgId?: string; offset?: number; limit?: number; at?: number },
): Promise<GuideChannelPage> {
  const index = await guideIndex(deps);
  const q = opts.q?.trim().toLowerCase() ?? "";
  const offset = opts.offset ?? 0;
  const limit = opts.limit ?? 20;
  const found: { c: EpgChannelInfo; r: number }[] = [];
  for (const c of index.byKey.values()) {
    if (opts.epgId && c.epgId !== opts.epgId) continue;
    const r = q ? rank(c, q) : 2;
    if (r >= 0) found.push({ c, r });
  }
  // Array.prototype.sort is stable: within a rank, guides keep their priority and file order.
  if (q) found.sort((a, b) => a.r - b.r);
  const at = opts.at ?? Date.now();
  const items = await Promise.all(
    found.slice(offset, offset + limit).map(async ({ c }) => {
      const epg = index.epgs.get(c.epgId)!;
      const { now } = await nowNext(deps, { epg, channelId: c.id, at });
      return { ...guideChannelView(deps, { epg, channel: c }), now };
    }),
  );
  const end = offset + items.length;
  return { items, total: found.length, nextOffset: end < found.length ? end : null };
}

/** A guide channel without its programmes. */
export function guideChannelView(
  deps: ManagerDeps,
  { epg, channel: c }: { epg: Epg; channel: EpgChannelInfo },
): GuideChannelView {
  return {
    epgId: epg.id,
    epgName: epg.name,
    id: c.id,
    name: c.displayNames[0] ?? c.id,
    names: c.displayNames,
    logo: c.icon ? logoUrl(deps, c.icon) : null,
    now: null,
  };
}

/** The programme on at `at` and the one after it, from the guide's stored programmes. */
export async function nowNext(
  deps: Pick<ManagerDeps, "kv">,
  { epg, channelId, at }: { epg: Epg; channelId: string; at: number },
): Promise<{ now: ProgrammeView | null; next: ProgrammeView | null }> {
  const today = Math.floor(at / DAY_MS);
  // A programme on now started today or (running past midnight) the day before; the next one
  // starts today or tomorrow.
  const days = await readProgrammeDays(deps.kv, epg, channelId, {
    firstDay: today - 1,
    lastDay: today + 1,
  });
  let now: ProgrammeView | null = null;
  let next: ProgrammeView | null = null;
  let nextStart = Infinity;
  const decoder = new TextDecoder();
  for (const { parts } of days) {
    for (const { part } of parts) {
      for (let i = 0; i < part.starts.length; i++) {
        const start = part.starts[i];
        const stop = part.stops[i];
        const on = start <= at && (stop === null ? false : stop > at);
        if (!on && !(start > at && start < nextStart)) continue;
        const xml = decoder.decode(part.xml.subarray(i ? part.ends[i - 1] : 0, part.ends[i]));
        const view = {
          title: titleOf(xml),
          start: new Date(start).toISOString(),
          stop: stop === null ? null : new Date(stop).toISOString(),
        };
        if (on) now = view;
        else {
          next = view;
          nextStart = start;
        }
      }
    }
  }
  return { now, next };
}

/** The first `<title>` of a stored `<programme>` element (XMLTV DTD: title+). */
function titleOf(xml: string): string {
  const m = /<title\b[^>]*>([^<]*)<\/title>/.exec(xml);
  return m ? unescapeAttr(m[1]).trim() : "";
}

/** One guide channel of a usable guide, or null when the guide or the channel is gone. */
export async function findGuideChannel(
  deps: ManagerDeps,
  ref: { epgId: string; channelId: string },
): Promise<GuideChannelView | null> {
  const index = await guideIndex(deps);
  const info = index.byKey.get(`${ref.epgId}\0${ref.channelId}`);
  return info ? guideChannelView(deps, { epg: index.epgs.get(info.epgId)!, channel: info }) : null;
}
