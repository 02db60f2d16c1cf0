/**
 * Edits of the channel list: one channel's overrides changed field by field (the inline editor)
 * and names rewritten in bulk over a filter. Both write overrides checked against the versions
 * read, so an edit made meanwhile by someone else is a ConflictError, never overwritten.
 */
import { z } from "@hono/zod-openapi";
import { readChannelOverrides, setChannelOverrides } from "../../common/db/overrides.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../common/errors.ts";
import type { ChannelOverride } from "../../common/schemas.ts";
import type { ManagerDeps } from "../deps.ts";
import { type ChannelListFilter, matchingChannels } from "./channel_search.ts";
import { guideIndex } from "./guides.ts";

const text = (max: number) => z.string().trim().max(max).nullable().optional();

/** A partial change of a channel's overrides: a field left out stays, null or "" clears it. */
export const ChannelOverridePatch = z.object({
  name: text(500),
  group: text(500),
  number: z.number().int().min(0).max(1_000_000).nullable().optional(),
  tvgId: text(500),
  logo: text(4000),
  epg: z.object({ epgId: z.string().min(1).max(64), channelId: z.string().min(1).max(500) })
    .nullable().optional(),
}).openapi("ChannelOverridePatch");
/** A partial change of a channel's overrides. */
export type ChannelOverridePatch = z.infer<typeof ChannelOverridePatch>;

/** How names are rewritten in bulk. */
export const BulkRename = z.discriminatedUnion("mode", [
  z.object({
    mode: z.literal("replace"),
    find: z.string().min(1, "Say what to find").max(500),
    replace: z.string().max(500).default(""),
    /** `find` is a JavaScript regular expression; `$1` in `replace` names its groups */
    regex: z.boolean().default(false),
  }).refine((r) => !r.regex || validRegex(r.find), {
    path: ["find"],
    message: "Not a valid regular expression",
  }),
  z.object({ mode: z.literal("prefix"), text: z.string().min(1).max(200) }),
  z.object({ mode: z.literal("suffix"), text: z.string().min(1).max(200) }),
  /** every name back to the imported one */
  z.object({ mode: z.literal("reset") }),
]).openapi("ChannelBulkRename");
/** How names are rewritten in bulk. */
export type BulkRename = z.infer<typeof BulkRename>;

function validRegex(s: string): boolean {
  try {
    new RegExp(s, "u");
    return true;
  } catch {
    return false;
  }
}

/** What a bulk rename did (or, as a dry run, would do). */
export interface BulkRenameResult {
  matched: number;
  changed: number;
  /** the first few changes, for a preview */
  samples: { id: string; from: string; to: string }[];
}

/** Applies a patch to an override: null and "" clear a field. */
function merged(current: ChannelOverride, patch: ChannelOverridePatch): ChannelOverride {
  const out: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (v === null || v === "") delete out[k];
    else out[k] = v;
  }
  return out as ChannelOverride;
}

/**
 * Changes some of a channel's overrides. `expectVersion` (from If-Match) is the version the
 * editor read: null when it saw none; undefined checks only against the version read here.
 * A guide mapping must name a guide channel that exists.
 */
export async function patchChannelOverride(
  deps: ManagerDeps,
  id: string,
  { patch, expectVersion }: { patch: ChannelOverridePatch; expectVersion?: string | null },
): Promise<void> {
  const c = deps.index.get(id);
  if (!c) throw new NotFoundError(`Channel ${id} was not found`);
  if (patch.epg) {
    const index = await guideIndex(deps);
    if (!index.byKey.has(`${patch.epg.epgId}\0${patch.epg.channelId}`)) {
      throw new ValidationError(
        `Cannot map channel "${c.name}": guide channel "${patch.epg.channelId}" is not in that guide`,
        { epg: ["Unknown guide channel"] },
      );
    }
  }
  const current = (await readChannelOverrides(deps.kv, [id])).get(id)!;
  if (expectVersion !== undefined && expectVersion !== current.version) {
    throw new ConflictError(
      `Channel "${c.name}" was changed by someone else meanwhile; reload and try again`,
    );
  }
  const next = merged(current.value, patch);
  // Nothing to change: no commit, so the caches that follow the overrides are not thrown away.
  if (JSON.stringify(next) === JSON.stringify(current.value)) return;
  await setChannelOverrides(deps.kv, [[id, next, current.version]]);
}

/** The rewrite of one name that a bulk rename makes. */
export function renamer(r: BulkRename): (name: string) => string {
  switch (r.mode) {
    case "prefix":
      return (n) => n.startsWith(r.text) ? n : r.text + n;
    case "suffix":
      return (n) => n.endsWith(r.text) ? n : n + r.text;
    case "reset":
      return (n) => n;
    case "replace": {
      if (!r.regex) return (n) => n.replaceAll(r.find, r.replace);
      const re = new RegExp(r.find, "gu");
      return (n) => n.replace(re, r.replace);
    }
  }
}

/**
 * Renames every channel matching the filter: the new name is stored as the name override (a
 * name equal to the imported one, or empty, clears it). Prefix and suffix are not added twice,
 * so applying one again changes nothing. With `dryRun`, only counts and samples.
 */
export async function bulkRename(
  deps: ManagerDeps,
  filter: ChannelListFilter,
  opts: { rename: BulkRename; dryRun?: boolean; samples?: number },
): Promise<BulkRenameResult> {
  const { rename } = opts;
  const channels = [...await matchingChannels(deps, filter)];
  const current = await readChannelOverrides(deps.kv, channels.map((c) => c.id));
  const rewrite = renamer(rename);
  const writes: [string, ChannelOverride, string | null][] = [];
  const samples: BulkRenameResult["samples"] = [];
  for (const c of channels) {
    const o = current.get(c.id)!;
    const from = o.value.name || c.name;
    const to = rename.mode === "reset" ? c.name : rewrite(from).trim();
    if (to === from || (!to && !o.value.name)) continue;
    if (samples.length < (opts.samples ?? 5)) samples.push({ id: c.id, from, to: to || c.name });
    const name = to && to !== c.name ? to : undefined;
    writes.push([c.id, { ...o.value, name }, o.version]);
  }
  if (!opts.dryRun) await setChannelOverrides(deps.kv, writes);
  return { matched: channels.length, changed: writes.length, samples };
}
