/** Streaming proxies: where downstream playlists point their stream URLs. */
import { ulid } from "ulid";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { DownstreamPlaylist, Proxy, ProxyInput } from "../schemas.ts";
import { createWithIndexes, listValues, updateChecked } from "./_store.ts";
import { downstreamPlaylistsPrefix, proxiesByNameKey, proxiesPrefix, proxyKey } from "./keys.ts";
import { bump } from "../kv/revisions.ts";

const nameIndex = (name: string) => ({
  key: proxiesByNameKey(name),
  label: `Proxy name "${name}"`,
});

/** Lists proxies by name. */
export async function listProxies(kv: Deno.Kv): Promise<Proxy[]> {
  return (await listValues<Proxy>(kv, proxiesPrefix())).sort((a, b) =>
    a.name.localeCompare(b.name)
  );
}

/** Reads one proxy or throws NotFoundError. */
export async function getProxy(kv: Deno.Kv, id: string): Promise<Proxy> {
  const e = await kv.get<Proxy>(proxyKey(id));
  if (!e.value) throw new NotFoundError(`Proxy ${id} was not found`);
  return e.value;
}

/** Creates a proxy entered by an admin. */
export function createProxy(
  kv: Deno.Kv,
  input: ProxyInput,
  source: Proxy["source"] = "manual",
): Promise<Proxy> {
  const now = new Date().toISOString();
  const p: Proxy = {
    id: ulid(),
    ...input,
    source,
    lastSeenAt: source === "registered" ? now : null,
    createdAt: now,
    updatedAt: now,
  };
  return createWithIndexes(kv, proxyKey(p.id), p, [nameIndex(p.name)], p.id, ["proxies"]);
}

/** Replaces a proxy's addresses. */
export function updateProxy(kv: Deno.Kv, id: string, input: ProxyInput): Promise<Proxy> {
  return updateChecked<Proxy>(kv, proxyKey(id), `Proxy ${id}`, (cur) => ({
    value: { ...cur, ...input, updatedAt: new Date().toISOString() },
    oldIndexes: [nameIndex(cur.name)],
    newIndexes: [nameIndex(input.name)],
  }), { id, topics: ["proxies"] });
}

/** Deletes a proxy no downstream playlist uses. */
export async function deleteProxy(kv: Deno.Kv, id: string): Promise<void> {
  const e = await kv.get<Proxy>(proxyKey(id));
  if (!e.value) throw new NotFoundError(`Proxy ${id} was not found`);
  const users = (await listValues<DownstreamPlaylist>(kv, downstreamPlaylistsPrefix()))
    .filter((d) => d.proxyId === id);
  if (users.length) {
    throw new ConflictError(
      `Cannot delete proxy "${e.value.name}": used by playlist "${users[0].name}"`,
    );
  }
  const res = await bump(kv.atomic(), "proxies").check(e).delete(e.key)
    .delete(proxiesByNameKey(e.value.name)).commit();
  if (!res.ok) throw new ConflictError(`Proxy "${e.value.name}" was changed meanwhile`);
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
