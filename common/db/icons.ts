/** Cached channel icons: one record per source URL, unique by the URL's SHA-256. */
import { sha256Hex } from "../auth/password.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { Icon } from "../icons/types.ts";
import { keySize, MAX_COMMIT_BYTES, maxValueSize } from "../kv/size.ts";
import { createWithIndexes, listValues, updateChecked } from "./_store.ts";
import { iconKey, iconsBySourceKey, iconsPrefix } from "./keys.ts";
import { bump } from "../kv/revisions.ts";

/** Most creates per atomic commit: each checks two keys and KV allows 100 checks a commit. */
const CREATE_BATCH = 40;

/** Lists every icon, oldest first. */
export function listIcons(kv: Deno.Kv): Promise<Icon[]> {
  return listValues<Icon>(kv, iconsPrefix());
}

/** Reads one icon or throws NotFoundError. */
export async function getIcon(kv: Deno.Kv, id: string): Promise<Icon> {
  const e = await kv.get<Icon>(iconKey(id));
  if (!e.value) throw new NotFoundError(`Icon ${id} was not found`);
  return e.value;
}

/** Finds the icon of a source URL, or null. */
export async function findIconBySource(kv: Deno.Kv, sourceUrl: string): Promise<Icon | null> {
  const idx = await kv.get<string>(iconsBySourceKey(await sha256Hex(sourceUrl)));
  if (!idx.value) return null;
  return (await kv.get<Icon>(iconKey(idx.value))).value;
}

/**
 * Creates icons in batched atomic commits, each checking that neither the id nor the source
 * URL exists. Returns the icons created; a source URL stored meanwhile is skipped.
 */
export async function createIcons(kv: Deno.Kv, icons: Icon[]): Promise<Icon[]> {
  const created: Icon[] = [];
  // Each icon's two keys are checked and set (three times each), with the icon and its id.
  const indexBytes = 3 * keySize(iconsBySourceKey("0".repeat(64)));
  for (let i = 0; i < icons.length;) {
    const batch: Icon[] = [];
    let bytes = 0;
    while (i < icons.length && batch.length < CREATE_BATCH) {
      const { id } = icons[i];
      const size = 3 * keySize(iconKey(id)) + maxValueSize(icons[i]) + indexBytes +
        maxValueSize(id);
      if (batch.length && bytes + size > MAX_COMMIT_BYTES) break;
      batch.push(icons[i++]);
      bytes += size;
    }
    const hashes = await Promise.all(batch.map((icon) => sha256Hex(icon.sourceUrl)));
    const op = kv.atomic();
    batch.forEach((icon, n) => {
      const key = iconKey(icon.id);
      const idx = iconsBySourceKey(hashes[n]);
      op.check({ key, versionstamp: null }, { key: idx, versionstamp: null });
      op.set(key, icon).set(idx, icon.id);
    });
    if ((await op.commit()).ok) {
      created.push(...batch);
      continue;
    }
    // One of them exists already: create them one at a time and skip the taken ones.
    for (const [n, icon] of batch.entries()) {
      const index = { key: iconsBySourceKey(hashes[n]), label: `Icon ${icon.sourceUrl}` };
      try {
        created.push(await createWithIndexes(kv, iconKey(icon.id), icon, [index], icon.id));
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
  }
  return created;
}

/** Replaces an icon's fields (not its id or source URL) with a checked commit. */
export function updateIcon(
  kv: Deno.Kv,
  id: string,
  change: (current: Icon) => Partial<Omit<Icon, "id" | "sourceUrl">>,
): Promise<Icon> {
  return updateChecked<Icon>(kv, iconKey(id), `Icon ${id}`, (cur) => ({
    value: { ...cur, ...change(cur) },
  }), {
    // Outputs link the cached copy once there is one: only a new or changed copy matters.
    topics: (cur, next) =>
      cur.etag !== next.etag || cur.contentType !== next.contentType ? ["icons"] : [],
  });
}

/** Deletes an icon record and its source index; returns what was deleted. */
export async function deleteIcon(kv: Deno.Kv, id: string): Promise<Icon> {
  const entry = await kv.get<Icon>(iconKey(id));
  if (!entry.value) throw new NotFoundError(`Icon ${id} was not found`);
  const hash = await sha256Hex(entry.value.sourceUrl);
  const res = await bump(kv.atomic(), "icons").check(entry).delete(entry.key)
    .delete(iconsBySourceKey(hash)).commit();
  if (!res.ok) throw new ConflictError(`Icon ${id} was changed meanwhile; try again`);
  return entry.value;
}
