/** Streaming proxies: where downstream playlists point their stream URLs. */
import { ConflictError } from "../errors.ts";
import type { DownstreamPlaylist, Proxy, ProxyInput } from "../schemas.ts";
import { defineRepository } from "./_repository.ts";
import { listValues } from "./_store.ts";
import { downstreamPlaylistsPrefix, proxiesByNameKey, proxiesPrefix, proxyKey } from "./keys.ts";
import { bump } from "../kv/revisions.ts";

/** Input of a proxy, with who wrote it (an admin, unless a proxy process registers itself). */
export type ProxyRecordInput = ProxyInput & { source?: Proxy["source"] };

/** The proxy repository. */
export const proxies = defineRepository<Proxy, ProxyRecordInput>({
  what: "Proxy",
  key: proxyKey,
  prefix: proxiesPrefix,
  byName: proxiesByNameKey,
  nameLabel: "Proxy name",
  topics: ["proxies"],
  build: ({ source = "manual", ...input }, { id, now }) => ({
    id,
    ...input,
    source,
    lastSeenAt: source === "registered" ? now : null,
    createdAt: now,
    updatedAt: now,
  }),
  // Who wrote a proxy first stays: an admin's edit does not make a registered proxy manual.
  apply: (cur, { source: _source, ...input }, now) => ({ ...cur, ...input, updatedAt: now }),
  async inUse(kv, proxy) {
    const users = (await listValues<DownstreamPlaylist>(kv, downstreamPlaylistsPrefix()))
      .filter((d) => d.proxyId === proxy.id);
    if (users.length) {
      throw new ConflictError(
        `Cannot delete proxy "${proxy.name}": used by playlist "${users[0].name}"`,
      );
    }
  },
});

/** Lists proxies by name. */
export const listProxies = proxies.list;
/** Reads one proxy or throws NotFoundError. */
export const getProxy = proxies.get;
/** Replaces a proxy's addresses. */
export const updateProxy = proxies.update;
/** Deletes a proxy no downstream playlist uses. */
export const deleteProxy = proxies.remove;

/** Creates a proxy entered by an admin (or registered by a proxy process). */
export function createProxy(
  kv: Deno.Kv,
  input: ProxyInput,
  source: Proxy["source"] = "manual",
): Promise<Proxy> {
  return proxies.create(kv, { ...input, source });
}

/** A proxy process registers (or refreshes) itself under its PROXY_NAME. */
export async function registerProxy(kv: Deno.Kv, input: ProxyInput): Promise<Proxy> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const idx = await kv.get<string>(proxiesByNameKey(input.name));
    if (!idx.value) {
      try {
        return await createProxy(kv, input, "registered");
      } catch (err) {
        if (err instanceof ConflictError) continue;
        throw err;
      }
    }
    const entry = await kv.get<Proxy>(proxyKey(idx.value));
    if (!entry.value) continue;
    const now = new Date().toISOString();
    // An admin's manual edits of the addresses win over what the process thinks of itself.
    const next: Proxy = entry.value.source === "manual"
      ? { ...entry.value, lastSeenAt: now }
      : { ...entry.value, ...input, lastSeenAt: now, updatedAt: now };
    // Only a changed address matters to playlists: a heartbeat alone bumps nothing.
    const moved = next.internalUrl !== entry.value.internalUrl ||
      next.internalPort !== entry.value.internalPort ||
      next.externalUrl !== entry.value.externalUrl ||
      next.externalPort !== entry.value.externalPort;
    const op = kv.atomic().check(entry).set(entry.key, next);
    const res = await (moved ? bump(op, "proxies") : op).commit();
    if (res.ok) return next;
  }
  throw new ConflictError(`Proxy "${input.name}" could not register: it kept changing`);
}
