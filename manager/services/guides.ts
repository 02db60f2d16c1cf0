/** Guides for devices: each downstream playlist's own guide, and the seed's whole-guide URL. */
import { listEpgs } from "../../common/db/epgs.ts";
import type { ChangeFeed } from "../../common/kv/change_feed.ts";
import type { Epg } from "../../common/xmltv/schemas.ts";
import { listEpgChannels, wholeGuideXml } from "../../common/xmltv/store.ts";
import type { ManagerDeps } from "../deps.ts";
import type { AssembledChannel } from "../../common/output/assemble.ts";
import {
  buildGuideIndex,
  type GuideIndex,
  type GuideMatch,
  matchGuide,
  outputTvgId,
} from "../output/guide_map.ts";
import { assembleDownstream, iconUrlFor } from "./downstream.ts";

/**
 * The guide channels of every enabled, imported guide, kept while the change feed's "guides"
 * topic stays where it was when they were read.
 */
export class GuideIndexCache {
  #kv: Deno.Kv;
  #feed: ChangeFeed;
  #cached: { stamp: string | null; index: GuideIndex } | null = null;
  #building: { stamp: string | null; index: Promise<GuideIndex> } | null = null;

  constructor(kv: Deno.Kv, feed: ChangeFeed) {
    this.#kv = kv;
    this.#feed = feed;
  }

  /** The index as of the feed's last read. */
  async get(): Promise<GuideIndex> {
    const stamp = this.#feed.stamps.guides;
    if (this.#cached?.stamp === stamp) return this.#cached.index;
    if (this.#building?.stamp !== stamp) {
      const building = { stamp, index: this.#build() };
      this.#building = building;
      building.index.then((index) => {
        if (this.#building === building) this.#building = null;
        this.#cached = { stamp, index };
      }, () => {
        if (this.#building === building) this.#building = null;
      });
    }
    return await this.#building!.index;
  }

  async #build(): Promise<GuideIndex> {
    const epgs = (await listEpgs(this.#kv)).filter((e) => e.enabled && e.generation);
    const guides = await Promise.all(
      epgs.map(async (epg) => ({ epg, channels: await listEpgChannels(this.#kv, epg) })),
    );
    return buildGuideIndex(guides);
  }
}

/** The guide channels of every enabled, imported guide. */
export function guideIndex(deps: ManagerDeps): Promise<GuideIndex> {
  return deps.guides.get();
}

/** A downstream playlist's channels with their guide matches and the tvg-ids they emit. */
export async function mappedDownstream(
  deps: ManagerDeps,
  p: Parameters<typeof assembleDownstream>[1],
): Promise<{ channel: AssembledChannel; match: GuideMatch | null; tvgId: string }[]> {
  const [assembled, index] = await Promise.all([assembleDownstream(deps, p), guideIndex(deps)]);
  return assembled.map((a) => {
    const match = matchGuide(index, a);
    return { channel: a, match, tvgId: outputTvgId(a, match) };
  });
}

/** The whole upstream guide as a stream of bytes, icon URLs rewritten to the icon cache. */
export function wholeGuideStream(deps: ManagerDeps, epg: Epg): ReadableStream<Uint8Array> {
  const it = wholeGuideXml(deps.kv, epg, iconUrlFor(deps));
  const enc = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      const r = await it.next();
      if (r.done) ctl.close();
      else ctl.enqueue(enc.encode(r.value));
    },
    async cancel() {
      await it.return(undefined);
    },
  });
}
