/** Guides for devices: each downstream playlist's own guide, and the seed's whole-guide URL. */
import { listEpgs } from "../../common/db/epgs.ts";
import type { Epg } from "../../common/xmltv/schemas.ts";
import { listEpgChannels, wholeGuideXml } from "../../common/xmltv/store.ts";
import type { ManagerDeps } from "../deps.ts";
import type { AssembledChannel } from "../output/assemble.ts";
import {
  buildGuideIndex,
  type GuideIndex,
  type GuideMatch,
  matchGuide,
  outputTvgId,
} from "../output/guide_map.ts";
import { assembleDownstream, iconUrlFor } from "./downstream.ts";

let cached: { key: string; index: GuideIndex } | null = null;

/** The guide channels of every enabled, imported guide (reloaded when a generation changes). */
export async function guideIndex(deps: ManagerDeps): Promise<GuideIndex> {
  const epgs = (await listEpgs(deps.kv)).filter((e) => e.enabled && e.generation);
  const key = epgs.map((e) => `${e.id}:${e.generation}`).join(",");
  if (cached?.key === key) return cached.index;
  const guides = await Promise.all(
    epgs.map(async (epg) => ({ epg, channels: await listEpgChannels(deps.kv, epg) })),
  );
  const index = buildGuideIndex(guides);
  cached = { key, index };
  return index;
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
