/**
 * The channel filter as an admin means it: the query matches what the index searches (imported
 * name, tvg-id, tvg-name, group, URL) and also the names the admin gave channels, so a channel
 * renamed "NTV" is found by "NTV". The list, its paging and every bulk action share it, so
 * "Disable all N matching" acts on exactly the N shown.
 */
import type { ChannelFilter, ChannelPage } from "../../common/db/channel_index.ts";
import { loadChannelOverrides } from "../../common/db/overrides.ts";
import type { ChangeFeed } from "../../common/kv/change_feed.ts";
import type { Channel } from "../../common/schemas.ts";
import type { ManagerDeps } from "../deps.ts";

/**
 * The admin's channel names by channel id, kept while the change feed's "overrides" topic stays
 * where it was when they were read (requests sync the feed first, so they see every rename).
 */
class RenamedChannels {
  #kv: Deno.Kv;
  #feed: ChangeFeed;
  #cached: { stamp: string | null; names: Promise<Map<string, string>> } | null = null;

  constructor(kv: Deno.Kv, feed: ChangeFeed) {
    this.#kv = kv;
    this.#feed = feed;
  }

  get(): Promise<Map<string, string>> {
    const stamp = this.#feed.stamps.overrides;
    if (this.#cached?.stamp !== stamp) {
      const names = this.#load();
      this.#cached = { stamp, names };
      // A failed read is not kept: the next search reads again.
      names.catch(() => {
        if (this.#cached?.names === names) this.#cached = null;
      });
    }
    return this.#cached.names;
  }

  async #load(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const [id, o] of await loadChannelOverrides(this.#kv)) if (o.name) out.set(id, o.name);
    return out;
  }
}

/** One per change feed, that is per manager: it lives and goes with the feed it follows. */
const caches = new WeakMap<ChangeFeed, RenamedChannels>();

function renamedChannels(deps: ManagerDeps): Promise<Map<string, string>> {
  let cache = caches.get(deps.feed);
  if (!cache) caches.set(deps.feed, cache = new RenamedChannels(deps.kv, deps.feed));
  return cache.get();
}

/** Every channel matching the filter, in list order, the admin's names searched too. */
export async function matchingChannels(
  deps: ManagerDeps,
  filter: ChannelFilter,
): Promise<Iterable<Channel>> {
  const q = filter.q?.trim() ?? "";
  if (!q) return deps.index.matching(filter);
  // The index's own rule: the query as literal text, case ignored.
  const re = new RegExp(q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
  const renamed = new Set<string>();
  for (const [id, name] of await renamedChannels(deps)) if (re.test(name)) renamed.add(id);
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
  filter: ChannelFilter,
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
