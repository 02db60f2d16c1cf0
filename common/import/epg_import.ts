/**
 * Imports an upstream guide: streams the source (URL or DATA_DIR file, gzip or not) through
 * the XMLTV parser into a new generation of channel records and programme parts, written in
 * atomic batches, then switches the guide to it in one commit. A failed run leaves the previous
 * generation in place. Programmes are grouped per channel and UTC day of their start, so a
 * 600,000-programme guide costs some 25,000 KV writes, not 600,000; a channel-day larger than
 * one KV value (64 KiB) is split into parts. Each part holds ready XML and its deflate
 * (common/xmltv/programme_parts.ts), so serving a guide is a concatenation. Memory stays flat: channel-days are buffered up to
 * BUFFER_BYTES and the least recently touched ones are written out first.
 */
import { ulid } from "ulid";
import { bump } from "../kv/revisions.ts";
import { ConflictError, NotFoundError, UpstreamError } from "../errors.ts";
import { BatchWriter, deletePrefix } from "../db/_store.ts";
import {
  epgChannelKey,
  epgChannelsPrefix,
  epgGenerationKey,
  epgGenerationsPrefix,
  epgImportLockKey,
  epgImportRunKey,
  epgImportRunsPrefix,
  epgKey,
  epgProgrammesKey,
  epgProgrammesPrefix,
} from "../db/keys.ts";
import { parseXmltvStream, type XmltvChannel, type XmltvProgramme } from "../xmltv/parser.ts";
import type { Epg, EpgImportRun } from "../xmltv/schemas.ts";
import {
  buildProgrammeParts,
  partBound,
  partSize,
  programmeBytes,
  type ProgrammeRun,
} from "../xmltv/programme_parts.ts";
import { DAY_MS, type EpgChannelRecord } from "../xmltv/store.ts";
import { channelElementXml } from "../xmltv/writer.ts";
import { acquireRun, type RunLease, userAgentFor } from "./_run.ts";
import { openSource } from "./source.ts";

/** What a guide import needs from the configuration. */
export interface EpgImportSettings {
  dataDir: string;
  userAgent: string;
  /** EPG_TIMEOUT, seconds */
  epgTimeout: number;
  /** MAX_PLAYLIST_MB; a guide may be EPG_SIZE_FACTOR times larger */
  maxPlaylistMb: number;
}

/** Options of one guide import. */
export interface EpgImportOptions {
  settings: EpgImportSettings;
  trigger?: EpgImportRun["trigger"];
  /** Called after a successful switch to the new generation. */
  onCompleted?: (epg: Epg) => void;
  /** How long the replaced generation stays readable for outputs still streaming it (60 s). */
  oldGenerationGraceMs?: number;
}

/** Guides run larger than playlists: the size cap is MAX_PLAYLIST_MB times this. */
export const EPG_SIZE_FACTOR = 4;

// V8 serialises a string as one or two bytes a character: count two to stay under 64 KiB.
const PART_BYTES = 60_000;
const BUFFER_BYTES = 32 * 1048576;
const KEEP_RUNS = 20;
const MAX_WARNINGS = 50;
// Keys are limited to 2 KiB; a channel id is one part of a programme key.
const MAX_CHANNEL_ID = 500;

/**
 * Starts a guide import in the background and answers at once with the new run.
 * Throws NotFoundError for an unknown guide, ConflictError while another import of it runs.
 */
export async function startEpgImport(
  kv: Deno.Kv,
  epgId: string,
  options: EpgImportOptions,
): Promise<{ run: EpgImportRun; done: Promise<EpgImportRun> }> {
  const entry = await kv.get<Epg>(epgKey(epgId));
  if (!entry.value) throw new NotFoundError(`Guide ${epgId} was not found`);
  const epg = entry.value;
  const run: EpgImportRun = {
    id: ulid(),
    epgId,
    trigger: options.trigger ?? "manual",
    status: "running",
    startedAt: new Date().toISOString(),
    finishedAt: null,
    durationMs: null,
    bytes: 0,
    totalBytes: null,
    counts: { channels: 0, programmes: 0, skipped: 0 },
    error: null,
    warnings: [],
  };
  const lease = await acquireRun(
    kv,
    { lockKey: epgImportLockKey(epgId), runKey: epgImportRunKey(epgId, run.id) },
    run,
    `An import of guide "${epg.name}" is already running`,
  );
  return { run, done: runImport(kv, epg, run, lease, options) };
}

async function runImport(
  kv: Deno.Kv,
  epg: Epg,
  run: EpgImportRun,
  lease: RunLease,
  options: EpgImportOptions,
): Promise<EpgImportRun> {
  const generation = ulid();
  try {
    await kv.set(epgGenerationKey(epg.id, generation), { runId: run.id, startedAt: run.startedAt });
    await importGeneration(kv, epg, run, generation, options.settings, lease.save);
    const previous = await switchGeneration(kv, epg, generation);
    run.status = "ok";
    await lease.finish();
    options.onCompleted?.({ ...epg, generation });
    await collectGenerations(kv, epg.id, generation, previous, options.oldGenerationGraceMs);
  } catch (err) {
    run.status = "failed";
    run.error = `Cannot import guide "${epg.name}": ${(err as Error).message}`;
    await lease.finish();
    // The new generation was never switched to: collect what was written of it.
    await deleteGeneration(kv, epg.id, generation);
  }
  await pruneRuns(kv, epg.id).catch(() => {});
  return run;
}

interface DayGroup extends ProgrammeRun {
  channel: string;
  day: number;
  key: string;
  bytes: number;
  touched: number;
}

async function importGeneration(
  kv: Deno.Kv,
  epg: Epg,
  run: EpgImportRun,
  generation: string,
  s: EpgImportSettings,
  save: (force?: boolean) => Promise<void>,
): Promise<void> {
  const ua = await userAgentFor(kv, epg.userAgentId, s.userAgent);
  const source = await openSource({
    url: epg.url || undefined,
    path: epg.path || undefined,
    dataDir: s.dataDir,
    userAgent: ua,
    timeoutMs: s.epgTimeout * 1000,
    maxBytes: s.maxPlaylistMb * EPG_SIZE_FACTOR * 1048576,
    onBytes: (received, total) => {
      run.bytes = received;
      run.totalBytes = total;
    },
  });
  const warn = (m: string) => {
    if (run.warnings.length < MAX_WARNINGS) run.warnings.push(m);
  };
  const writer = new BatchWriter(kv);
  const channels = new Map<string, EpgChannelRecord>();
  const groups = new Map<string, DayGroup>();
  const nextPart = new Map<string, number>();
  let buffered = 0;
  let tick = 0;

  const flush = async (g: DayGroup) => {
    if (!g.starts.length) return;
    // Ready XML in both encodings, so rendering a guide is a concatenation (programme_parts.ts).
    const parts = buildProgrammeParts(g.channel, g, PART_BYTES);
    let part = nextPart.get(g.key) ?? 0;
    nextPart.set(g.key, part + parts.length);
    buffered -= g.bytes;
    for (const value of parts) {
      const key = epgProgrammesKey(epg.id, generation, g.channel, g.day, part++);
      await writer.set(key, value, partSize(value));
    }
    // Later programmes of this channel-day go to the next part.
    g.starts = [];
    g.stops = [];
    g.xml = [];
    g.bytes = 0;
  };
  const flushOldest = async () => {
    const byAge = [...groups.values()].sort((a, b) => a.touched - b.touched);
    for (const g of byAge) {
      if (buffered <= BUFFER_BYTES / 2) break;
      await flush(g);
      groups.delete(g.key);
    }
  };
  const addProgramme = async (p: XmltvProgramme) => {
    if (p.channel.length > MAX_CHANNEL_ID) {
      run.counts.skipped++;
      warn(`Skipped a programme whose channel id is over ${MAX_CHANNEL_ID} characters long`);
      return;
    }
    const size = p.xml.length * 2 + 32;
    // Stored as UTF-8 (up to 3 bytes a UTF-16 unit) beside its deflate: measure the long ones.
    const mayNotFit = partBound(3 * (p.xml.length + 6 * p.channel.length + 32), 1) > PART_BYTES;
    if (mayNotFit && partBound(programmeBytes(p.channel, p.xml), 1) > PART_BYTES) {
      run.counts.skipped++;
      warn(`Skipped a programme of "${p.channel}" at ${p.start}: its element is too large`);
      return;
    }
    const day = Math.floor(p.startMs / DAY_MS);
    const key = `${p.channel}\u0000${day}`;
    let g = groups.get(key);
    if (!g) {
      g = { channel: p.channel, day, key, starts: [], stops: [], xml: [], bytes: 0, touched: 0 };
      groups.set(key, g);
    }
    if (g.bytes + size > PART_BYTES) await flush(g);
    g.starts.push(p.startMs);
    g.stops.push(p.stopMs);
    g.xml.push(p.xml);
    g.bytes += size;
    g.touched = ++tick;
    buffered += size;
    let c = channels.get(p.channel);
    if (!c) {
      c = {
        id: p.channel,
        displayNames: [],
        icons: [],
        urls: [],
        xml: "",
        declared: false,
        programmes: 0,
      };
      channels.set(p.channel, c);
    }
    c.programmes++;
    run.counts.programmes++;
    if (buffered > BUFFER_BYTES) await flushOldest();
  };
  const addChannel = (ch: XmltvChannel) => {
    if (ch.id.length > MAX_CHANNEL_ID) {
      run.counts.skipped++;
      warn(`Skipped a channel whose id is over ${MAX_CHANNEL_ID} characters long`);
      return;
    }
    const c = channels.get(ch.id);
    if (!c || !c.declared) {
      const { id, displayNames, icons, urls, xml } = ch;
      const rec = {
        id,
        displayNames,
        icons,
        urls,
        xml,
        declared: true,
        programmes: c?.programmes ?? 0,
      };
      if (JSON.stringify(rec).length > PART_BYTES / 2) {
        run.counts.skipped++;
        warn(`Skipped channel "${ch.id}": its element is too large`);
        return;
      }
      channels.set(ch.id, rec);
      run.counts.channels++;
      return;
    }
    // A repeated id: the first element wins; names, icons and URLs it lacks are added.
    if (mergeChannel(c, ch)) {
      c.xml = channelElementXml(c);
      warn(`Merged repeated <channel id="${ch.id}"> into the first one`);
    }
  };

  try {
    const it = parseXmltvStream(source.body);
    let step = await it.next();
    while (!step.done) {
      for (const item of step.value) {
        if (item.kind === "programme") await addProgramme(item);
        else addChannel(item);
      }
      await save();
      step = await it.next();
    }
    const summary = step.value;
    run.counts.skipped += summary.skipped;
    for (const w of summary.warnings) warn(w);
    // An empty answer must not wipe a working guide.
    if (!run.counts.programmes) {
      throw new UpstreamError(
        summary.complete
          ? "the guide holds no programmes"
          : "the guide ended before its first programme",
      );
    }
    for (const g of groups.values()) await flush(g);
    let seq = 0;
    for (const c of channels.values()) {
      await writer.set(epgChannelKey(epg.id, generation, seq++), c, JSON.stringify(c).length);
    }
    await writer.close();
  } finally {
    source.close();
  }
  await save(true);
}

function mergeChannel(c: EpgChannelRecord, ch: XmltvChannel): boolean {
  let changed = false;
  for (const d of ch.displayNames) {
    if (c.displayNames.length >= 20) break;
    if (!c.displayNames.some((x) => x.value === d.value && x.lang === d.lang)) {
      c.displayNames.push(d);
      changed = true;
    }
  }
  for (const src of ch.icons) {
    if (c.icons.length < 10 && !c.icons.includes(src)) {
      c.icons.push(src);
      changed = true;
    }
  }
  for (const url of ch.urls) {
    if (c.urls.length < 10 && !c.urls.includes(url)) {
      c.urls.push(url);
      changed = true;
    }
  }
  return changed;
}

/** Points the guide at the new generation; returns the one it replaced. */
async function switchGeneration(kv: Deno.Kv, epg: Epg, generation: string): Promise<string | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const cur = await kv.get<Epg>(epgKey(epg.id));
    if (!cur.value) throw new UpstreamError("the guide was deleted during the import");
    if (cur.value.generation !== epg.generation) {
      throw new ConflictError("another import finished first");
    }
    const res = await bump(kv.atomic(), "guides").check(cur).set(epgKey(epg.id), {
      ...cur.value,
      generation,
      lastImportedAt: new Date().toISOString(),
    }).commit();
    if (res.ok) return cur.value.generation;
  }
  throw new ConflictError("the guide kept changing during the import; try again");
}

async function deleteGeneration(kv: Deno.Kv, epgId: string, generation: string): Promise<void> {
  await deletePrefix(kv, epgProgrammesPrefix(epgId, generation));
  await deletePrefix(kv, epgChannelsPrefix(epgId, generation));
  await kv.delete(epgGenerationKey(epgId, generation));
}

/**
 * Deletes generations no longer in use: the replaced one after a grace period (an output may
 * still be streaming it), any other (left by a crashed run) at once.
 */
async function collectGenerations(
  kv: Deno.Kv,
  epgId: string,
  current: string,
  previous: string | null,
  graceMs = 60_000,
): Promise<void> {
  for await (const e of kv.list({ prefix: epgGenerationsPrefix(epgId) })) {
    const g = e.key[2] as string;
    if (g === current || g === previous) continue;
    await deleteGeneration(kv, epgId, g);
  }
  if (!previous) return;
  const drop = () => deleteGeneration(kv, epgId, previous).catch(() => {});
  if (graceMs <= 0) return void await drop();
  const timer = setTimeout(drop, graceMs);
  Deno.unrefTimer(timer);
}

async function pruneRuns(kv: Deno.Kv, epgId: string): Promise<void> {
  const keys: Deno.KvKey[] = [];
  for await (const e of kv.list({ prefix: epgImportRunsPrefix(epgId) }, { reverse: true })) {
    keys.push(e.key);
  }
  for (const key of keys.slice(KEEP_RUNS)) await kv.delete(key);
}
