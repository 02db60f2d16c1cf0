/**
 * The channel filter as an admin means it: the query matches what the index searches (imported
 * name, tvg-id, tvg-name, group, URL) and also the names the admin gave channels, so a channel
 * renamed "NTV" is found by "NTV"; and it can keep only channels with or without guide data,
 * matched the way the outputs match them. The list, its paging and every bulk action share it, so
 * "Disable all N matching" acts on exactly the N shown.
 */
import type { ChannelFilter, ChannelPage } from "../../common/db/channel_index.ts";
import { loadChannelOverrides } from "../../common/db/overrides.ts";
import type { ChangeFeed } from "../../common/kv/change_feed.ts";
import type { Channel, ChannelOverride } from "../../common/schemas.ts";
import type { ManagerDeps } from "../deps.ts";
import { matchChannelGuide } from "../output/guide_map.ts";
import { guideIndex } from "./guides.ts";

/**
 * Every channel override by channel id, kept while the change feed's "overrides" topic stays
 * where it was when they were read (requests sync the feed first, so they see every edit).
 */
class OverrideCache {
  #kv: Deno.Kv;
  #feed: ChangeFeed;
  #cached: { stamp: string | null; all: Promise<Map<string, ChannelOverride>> } | null = null;

  constructor(kv: Deno.Kv, feed: ChangeFeed) {
    this.#kv = kv;
    this.#feed = feed;
  }

  get(): Promise<Map<string, ChannelOverride>> {
    const stamp = this.#feed.stamps.overrides;
    if (this.#cached?.stamp !== stamp) {
      const all = loadChannelOverrides(this.#kv);
      this.#cached = { stamp, all };
      // A failed read is not kept: the next search reads again (its caller sees the error).
      all.catch(() => {
        if (this.#cached?.all === all) this.#cached = null;
      });
    }
    return this.#cached.all;
  }
}

/** One per change feed, that is per manager: it lives and goes with the feed it follows. */
const caches = new WeakMap<ChangeFeed, OverrideCache>();

function overrides(deps: ManagerDeps): Promise<Map<string, ChannelOverride>> {
  let cache = caches.get(deps.feed);
  if (!cache) caches.set(deps.feed, cache = new OverrideCache(deps.kv, deps.feed));
  return cache.get();
}

/** The list's filter: the index's, and whether a channel has guide data. */
export interface ChannelListFilter extends ChannelFilter {
  /** "none": only channels no guide covers; "some": only channels with guide data */
  guide?: "none" | "some";
}

/** Every channel matching the filter, in list order, the admin's names searched too. */
export async function matchingChannels(
  deps: ManagerDeps,
  filter: ChannelListFilter,
): Promise<Iterable<Channel>> {
  const { guide, ...rest } = filter;
  const found = await byText(deps, rest);
  if (!guide) return found;
  const [all, index] = await Promise.all([overrides(deps), guideIndex(deps)]);
  const want = guide === "some";
  return (function* () {
    for (const c of found) {
      if ((matchChannelGuide(index, c, all.get(c.id)) !== null) === want) yield c;
    }
  })();
}

async function byText(deps: ManagerDeps, filter: ChannelFilter): Promise<Iterable<Channel>> {
  const q = filter.q?.trim() ?? "";
  if (!q) return deps.index.matching(filter);
  // The index's own rule: the query as literal text, case ignored.
  const re = new RegExp(q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
  const renamed = new Set<string>();
  for (const [id, o] of await overrides(deps)) if (o.name && re.test(o.name)) renamed.add(id);
  if (!renamed.size) return deps.index.matching(filter);
  const found = new Set<string>();
  for (const c of deps.index.matching(filter)) found.add(c.id);
  return (function* () {
    for (const c of deps.index.matching({ ...filter, q: undefined })) {
      if (found.has(c.id) || renamed.has(c.id)) yield c;
    }
  })();
}

/** One page of matching channels plus the total count. */
export async function channelPage(
  deps: ManagerDeps,
  filter: ChannelListFilter,
  opts: { offset: number; limit: number },
): Promise<ChannelPage> {
  const items: Channel[] = [];
  let total = 0;
  for (const c of await matchingChannels(deps, filter)) {
    if (total >= opts.offset && items.length < opts.limit) items.push(c);
    total++;
  }
  const end = opts.offset + items.length;
  return { items, total, offset: opts.offset, nextOffset: end < total ? end : null };
}
