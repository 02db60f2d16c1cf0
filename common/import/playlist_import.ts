/**
 * Imports an upstream playlist: streams the source through the M3U parser into a new channel
 * generation in atomic batches, then switches the playlist to it in one commit. A failed run
 * leaves the previous generation, groups and states exactly as they were. The run's lease, its
 * reconciliation after a crash and the collection of old generations are common/sources/.
 *
 * Identity across refreshes (first rule that finds an unclaimed old channel wins):
 *   1. same tvg-id and same name, 2. same stream URL, 3. same group and same name.
 * A matched channel keeps its id, enabled state and keep-status flag. Old channels that match
 * nothing are kept, marked missing and disabled (unless keep status is set).
 */
import { ulid } from "ulid";
import { ConflictError, NotFoundError, UpstreamError } from "../errors.ts";
import type { Channel, Group, ImportRun, UpstreamPlaylist } from "../schemas.ts";
import { BatchWriter, deletePrefix, listValues } from "../db/_store.ts";
import { keySize, MAX_KEY_BYTES } from "../kv/size.ts";
import {
  channelSize,
  channelTooLarge,
  chunkSpans,
  ChunkWriter,
  encodeChunk,
  listGeneration,
} from "../db/channels.ts";
import type { ChunkSpan } from "../db/channels.ts";
import {
  channelChunkKey,
  channelEditsKey,
  channelsPrefix,
  groupKey,
  groupsByNameKey,
  groupsPrefix,
  upstreamPlaylistKey,
} from "../db/keys.ts";
import { bump } from "../kv/revisions.ts";
import { parseM3uStream } from "../m3u/mod.ts";
import { PLAYLISTS, type RunLease, type StartedRun, startRun } from "../sources/mod.ts";
import type { M3uEntry } from "../m3u/mod.ts";
import { claimPrevious, indexOld, reuseEqualParts } from "./_previous.ts";
import { recalled, remember } from "../db/written_generations.ts";
import { newRunRecord, openRunSource } from "./source.ts";
import { blockedReason, compileUrlRules, isNetworkUrl } from "./url_rules.ts";
import type { UrlRules } from "./url_rules.ts";

/** Group name used when an entry has neither group-title nor #EXTGRP. */
export const UNGROUPED = "Ungrouped";

/** What an import needs from the configuration. */
export interface ImportSettings extends UrlRules {
  dataDir: string;
  userAgent: string;
  playlistTimeout: number;
  /** MAX_PLAYLIST_MB: cap of the unpacked bytes parsed */
  maxPlaylistMb: number;
  /** MAX_PLAYLIST_ENTRIES: cap of the entries read */
  maxPlaylistEntries: number;
  /** ALLOWED_PRIVATE_HOSTS: internal hosts a download may be redirected to */
  allowedPrivateHosts: readonly string[];
}

/** Options of one import. */
export interface ImportOptions {
  settings: ImportSettings;
  trigger?: ImportRun["trigger"];
  /** Lease timing for tests: heartbeat interval and the age of a dead holder's heartbeat. */
  timing?: { heartbeatMs?: number; staleMs?: number };
}

// ulid()'s default PRNG calls crypto.getRandomValues once per character (~27 µs an id, 2.7 s
// for 100,000 channels); drawing the same bytes from a refilled pool costs ~1 µs.
const randomPool = new Uint8Array(4096);
let randomAt = randomPool.length;
function pooledRandom(): number {
  if (randomAt === randomPool.length) {
    crypto.getRandomValues(randomPool);
    randomAt = 0;
  }
  return randomPool[randomAt++] / 256;
}

/** A new ULID (same format and randomness as `ulid()`, faster in bulk). */
function newId(): string {
  return ulid(undefined, pooledRandom);
}

/** A new run record of a playlist import, running, with nothing counted yet. */
export function newImportRun(playlistId: string, trigger: ImportRun["trigger"]): ImportRun {
  return {
    ...newRunRecord(trigger, {
      entries: 0,
      channels: 0,
      added: 0,
      kept: 0,
      missing: 0,
      excluded: 0,
      disabledByRule: 0,
      groups: 0,
      orphans: 0,
    }),
    playlistId,
  };
}

/**
 * Starts an import in the background and answers at once with the new run.
 * Throws ConflictError while another import of the same playlist runs.
 */
export async function startImport(
  kv: Deno.Kv,
  playlistId: string,
  options: ImportOptions,
): Promise<StartedRun<ImportRun>> {
  const pEntry = await kv.get<UpstreamPlaylist>(upstreamPlaylistKey(playlistId));
  if (!pEntry.value) throw new NotFoundError(`Upstream playlist ${playlistId} was not found`);
  const playlist = pEntry.value;
  const run = newImportRun(playlistId, options.trigger ?? "manual");
  return await startRun(kv, {
    kind: PLAYLISTS,
    source: playlist,
    run,
    ...options.timing,
    work: async (lease) => {
      // Caches (the manager's channel index) learn of the switch through the change feed.
      await importGeneration(kv, playlist, lease, options);
    },
  });
}

function groupNameOf(e: M3uEntry): string {
  return (e.attrs["group-title"] ?? "").trim() || (e.extGrp ?? "").trim() || UNGROUPED;
}

async function importGeneration(
  kv: Deno.Kv,
  playlist: UpstreamPlaylist,
  lease: RunLease<ImportRun>,
  options: ImportOptions,
): Promise<{ channels: Channel[]; groups: Group[] }> {
  const { run, generation } = lease;
  const save = (force?: boolean) => lease.save(force);
  const s = options.settings;
  const rules = compileUrlRules(s);
  const now = new Date().toISOString();
  const editsAtStart = (await kv.get<Deno.KvU64>(channelEditsKey(playlist.id))).versionstamp;
  const oldGroups = await listValues<Group>(kv, groupsPrefix(playlist.id));
  const groupsByName = new Map(oldGroups.map((g) => [g.name, g]));
  const groupNames = new Map(oldGroups.map((g) => [g.id, g.name]));
  // In file order, so duplicates match in order (KV lists by id, and ids are random within a ms).
  const oldList = playlist.generation
    ? recalled(kv, playlist.id, playlist.generation, editsAtStart) ??
      await listGeneration(kv, playlist.id, playlist.generation)
    : [];
  const old = indexOld(oldList, groupNames);
  const excluded = new Set(playlist.excludedGroups.map((g) => g.trim()));
  const seenGroups = new Set<string>();
  const newGroups: Group[] = [];

  const limits = {
    timeoutSeconds: s.playlistTimeout,
    maxMb: s.maxPlaylistMb,
    capName: "MAX_PLAYLIST_MB",
  };
  const source = await openRunSource(kv, playlist, lease, { settings: s, ...limits });
  const writer = new ChunkWriter(kv, playlist.id, generation);
  const channels: Channel[] = [];
  let headerAttrs: Record<string, string> = {};
  try {
    const it = parseM3uStream(source.body);
    let step = await it.next();
    while (!step.done) {
      for (const e of step.value) {
        if (++run.counts.entries > s.maxPlaylistEntries) {
          throw new UpstreamError(
            `the playlist has more than ${s.maxPlaylistEntries} entries (MAX_PLAYLIST_ENTRIES)`,
          );
        }
        // A line of "=" signs between two #EXTM3U sections is no stream: say so, keep nothing.
        if (!/[\p{L}\p{N}]/u.test(e.url)) {
          run.counts.orphans++;
          if (run.warnings.length < 50) {
            run.warnings.push(`Line ${e.line}: "${e.url.slice(0, 40)}" is no stream URL; skipped`);
          }
          continue;
        }
        const gName = groupNameOf(e);
        if (excluded.has(gName)) {
          run.counts.excluded++;
          continue;
        }
        let group = groupsByName.get(gName);
        if (!group) {
          group = {
            id: newId(),
            playlistId: playlist.id,
            name: gName,
            enabled: true,
            present: true,
            firstSeenAt: now,
          };
          groupsByName.set(gName, group);
          newGroups.push(group);
        }
        seenGroups.add(gName);
        // One copy of the title per group, not one per channel (the index holds them all).
        if (e.attrs["group-title"] === group.name) e.attrs["group-title"] = group.name;
        const prev = claimPrevious(old, e, gName);
        if (prev) reuseEqualParts(e, prev);
        const ch: Channel = {
          id: prev?.id ?? newId(),
          playlistId: playlist.id,
          groupId: group.id,
          seq: channels.length,
          name: e.name,
          url: e.url,
          duration: e.duration,
          attrs: e.attrs,
          vlcOpts: e.vlcOpts,
          kodiProps: e.kodiProps,
          ...(e.extGrp !== undefined ? { extGrp: e.extGrp } : {}),
          extras: e.extras,
          enabled: true,
          keepStatus: prev?.keepStatus ?? false,
          missing: false,
          blockedReason: null,
          firstSeenAt: prev?.firstSeenAt ?? now,
          lastSeenAt: now,
        };
        if (prev) {
          run.counts.kept++;
          ch.enabled = prev.enabled;
          ch.blockedReason = prev.blockedReason;
          if (prev.url !== ch.url && !prev.keepStatus) {
            // A changed URL is judged by the rules again.
            ch.blockedReason = blockedReason(ch.url, rules);
            if (ch.blockedReason) ch.enabled = false;
          }
        } else {
          run.counts.added++;
          ch.blockedReason = blockedReason(ch.url, rules);
          ch.enabled = ch.blockedReason === null;
        }
        // A URL that is not a network URL is never enabled, whatever else says so.
        if (!isNetworkUrl(ch.url)) ch.enabled = false;
        if (ch.blockedReason && !ch.enabled) run.counts.disabledByRule++;
        // A channel over KV's 64 KiB value limit even alone in a chunk is skipped.
        const size = channelSize(ch);
        if (channelTooLarge(ch, size)) {
          run.warnings.length < 50 && run.warnings.push(
            `Skipped "${e.name.slice(0, 80)}" at line ${e.line}: its entry is too large`,
          );
          continue;
        }
        channels.push(ch);
        await writer.add(ch, size);
      }
      await save();
      step = await it.next();
    }
    const summary = step.value;
    headerAttrs = keptHeaderAttrs(summary.header.attrs);
    run.counts.orphans = summary.orphans;
    for (const issue of summary.issues.slice(0, 20)) {
      run.warnings.push(`Line ${issue.line}: ${issue.message}`);
    }
    // Without an #EXTM3U header, at least one #EXTINF entry must vouch for the format; an HTML
    // error page would otherwise pass as lines of "URLs".
    const bare = summary.issues.filter((i) => i.message === "URL without #EXTINF").length;
    if (!summary.sawExtM3u && run.counts.entries - bare <= 0) {
      throw new UpstreamError("the file is not an M3U playlist (no #EXTM3U header, no #EXTINF)");
    }
    if (run.counts.entries === 0 && oldList.length > 0) {
      throw new UpstreamError(
        `the playlist has no entries; keeping the ${oldList.length} channels imported before`,
      );
    }
    // Channels gone upstream stay, marked missing and disabled unless their status is kept.
    let missingSeq = 1_000_000_000;
    for (const c of old.all) {
      if (old.claimed.has(c)) continue;
      const m: Channel = { ...c, seq: missingSeq++, missing: true };
      if (!c.keepStatus) m.enabled = false;
      run.counts.missing++;
      channels.push(m);
      await writer.add(m, channelSize(m));
      seenGroups.add(groupNames.get(c.groupId) ?? "");
    }
    await writer.close();
  } finally {
    source.close();
  }
  run.counts.channels = channels.length;
  run.counts.groups = seenGroups.size;
  await save(true);
  const groups = [...groupsByName.values()].map((g) => ({ ...g, present: seenGroups.has(g.name) }));
  await switchGeneration(kv, playlist, lease, {
    generation,
    channels,
    spans: writer.spans,
    groups,
    newGroups,
    editsAtStart,
    previous: oldList,
    headerAttrs,
  });
  return { channels, groups };
}

/**
 * The header attributes stored on the playlist record: at most 24,000 characters of them, so a
 * hostile header cannot push the record past KV's 64 KiB value limit (a real x-tvg-url of 100
 * guides takes some 6,000).
 */
function keptHeaderAttrs(attrs: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  let room = 24_000;
  for (const [k, v] of Object.entries(attrs)) {
    if (k.length + v.length > room) continue;
    kept[k] = v;
    room -= k.length + v.length;
  }
  return kept;
}

/**
 * Carries admin edits made during the import into the new generation, then switches the
 * playlist to it in one commit that checks nothing changed meanwhile. Answers the versionstamp
 * of the edit counter the switch was checked against.
 */
async function switchGeneration(
  kv: Deno.Kv,
  playlist: UpstreamPlaylist,
  lease: RunLease<ImportRun>,
  next: {
    generation: string;
    channels: Channel[];
    /** how `channels` were chunked */
    spans: ChunkSpan[];
    groups: Group[];
    newGroups: Group[];
    editsAtStart: string | null;
    /** the channels of the generation in use (its keys are deleted after the switch) */
    previous: Channel[];
    /** attributes of the file's #EXTM3U line(s): url-tvg, x-tvg-url and such */
    headerAttrs: Record<string, string>;
  },
): Promise<string | null> {
  // Groups are shared by every generation: a run that lost its lease must not touch them.
  await lease.ensureHeld();
  // Groups first: new ones are invisible until channels of the new generation point to them.
  const writer = new BatchWriter(kv);
  const isNew = new Set(next.newGroups.map((g) => g.id));
  for (const g of next.groups) {
    if (!isNew.has(g.id)) continue;
    const what = `group "${g.name.slice(0, 80)}"`;
    await writer.set(groupKey(playlist.id, g.id), g, what);
    // A name too long for a key (2 KiB of UTF-8) has no index entry; nothing looks one up.
    const byName = groupsByNameKey(playlist.id, g.name);
    if (keySize(byName) <= MAX_KEY_BYTES) await writer.set(byName, g.id, what);
  }
  await writer.close();
  await markPresentGroups(kv, playlist.id, next.groups.filter((g) => !isNew.has(g.id)));
  let editsAt = next.editsAtStart;
  for (let attempt = 0; attempt < 5; attempt++) {
    const [pEntry, edits] = await kv.getMany<[UpstreamPlaylist, Deno.KvU64]>([
      upstreamPlaylistKey(playlist.id),
      channelEditsKey(playlist.id),
    ]);
    if (!pEntry.value) throw new UpstreamError("the playlist was deleted during the import");
    if (pEntry.value.generation !== playlist.generation) {
      throw new ConflictError("another import finished first");
    }
    if (edits.versionstamp !== editsAt && playlist.generation) {
      await carryEdits(kv, playlist, next.generation, next.channels, next.spans);
      editsAt = edits.versionstamp;
    }
    // Remembered before the commit: the channel index may catch up the moment it lands.
    remember(kv, playlist.id, {
      generation: next.generation,
      editsAt: edits.versionstamp,
      channels: next.channels,
    });
    const op = kv.atomic().check(pEntry).check(edits)
      .set(upstreamPlaylistKey(playlist.id), {
        ...pEntry.value,
        generation: next.generation,
        headerAttrs: next.headerAttrs,
        lastImportedAt: new Date().toISOString(),
      });
    // The lease checks that this run still owns the playlist's import, so a run declared dead
    // can never switch.
    if (await lease.commit(bump(op, "channels"))) {
      if (playlist.generation) {
        // The old generation is unreachable now. A failure leaves it to the collector.
        await dropGeneration(kv, playlist.id, playlist.generation, next.previous).catch((err) =>
          lease.run.warnings.push(`Cannot delete the channels replaced: ${err.message}`)
        );
      }
      return edits.versionstamp;
    }
  }
  throw new ConflictError("the playlist kept changing during the import; try again");
}

/**
 * Sets `present` on the playlist's existing groups as the import found them, each commit checked
 * against the group as read: an admin's enable or disable made during the import is kept, never
 * overwritten with the state read when the import started.
 */
async function markPresentGroups(kv: Deno.Kv, playlistId: string, groups: Group[]) {
  let todo = groups;
  for (let attempt = 0; todo.length && attempt < 10; attempt++) {
    const failed: Group[] = [];
    for (let i = 0; i < todo.length; i += 100) {
      const batch = todo.slice(i, i + 100);
      const keys = batch.map((g) => groupKey(playlistId, g.id));
      const entries: Deno.KvEntryMaybe<Group>[] = [];
      for (let k = 0; k < keys.length; k += 10) {
        entries.push(...await kv.getMany<Group[]>(keys.slice(k, k + 10)));
      }
      const op = kv.atomic();
      let writes = 0;
      batch.forEach((g, n) => {
        const cur = entries[n];
        if (!cur.value || cur.value.present === g.present) return;
        op.check(cur).set(cur.key, { ...cur.value, present: g.present });
        writes++;
      });
      if (writes && !(await op.commit()).ok) failed.push(...batch);
    }
    todo = failed;
  }
  if (todo.length) throw new ConflictError("the groups kept changing during the import; try again");
}

/**
 * Deletes a generation: first the chunks it is known to hold, without listing them back (a
 * listing reads and decodes every value), then whatever a listing still finds under its prefix.
 */
async function dropGeneration(
  kv: Deno.Kv,
  playlistId: string,
  generation: string,
  channels: Channel[],
): Promise<void> {
  const spans = chunkSpans(channels);
  for (let i = 0; i < spans.length; i += 800) {
    const op = kv.atomic();
    for (const c of spans.slice(i, i + 800)) {
      op.delete(channelChunkKey(playlistId, generation, c.firstSeq));
    }
    await op.commit();
  }
  await deletePrefix(kv, channelsPrefix(playlistId, generation));
}

/** Carries admin edits made meanwhile to the current generation into the new one. */
async function carryEdits(
  kv: Deno.Kv,
  playlist: UpstreamPlaylist,
  generation: string,
  channels: Channel[],
  spans: ChunkSpan[],
): Promise<void> {
  const current = await listGeneration(kv, playlist.id, playlist.generation!);
  const byId = new Map(current.map((c) => [c.id, c]));
  const writer = new BatchWriter(kv);
  for (const span of spans) {
    let changed = false;
    for (let i = span.start; i < span.end; i++) {
      const ch = channels[i];
      const cur = byId.get(ch.id);
      if (
        !cur || (cur.keepStatus === ch.keepStatus && (ch.missing || cur.enabled === ch.enabled))
      ) continue;
      ch.keepStatus = cur.keepStatus;
      if (!ch.missing || ch.keepStatus) ch.enabled = cur.enabled && isNetworkUrl(ch.url);
      changed = true;
    }
    if (!changed) continue;
    const chunk = channels.slice(span.start, span.end);
    await writer.set(
      channelChunkKey(playlist.id, generation, span.firstSeq),
      encodeChunk(chunk),
      `the channels ${chunk[0].seq} to ${chunk.at(-1)!.seq} of playlist "${playlist.name}"`,
    );
  }
  await writer.close();
}
