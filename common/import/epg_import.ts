/**
 * Imports an upstream guide: streams the source (URL or DATA_DIR file, gzip or not) through
 * the XMLTV parser into a new generation of channel records and programme parts, written in
 * atomic batches, then switches the guide to it in one commit. A failed run leaves the previous
 * generation in place. Programmes are grouped per channel and UTC day of their start, so a
 * 600,000-programme guide costs some 25,000 KV writes, not 600,000; a channel-day larger than
 * one KV value (64 KiB) is split into parts. Each part holds ready XML and its deflate
 * (common/xmltv/programme_parts.ts), so serving a guide is a concatenation. Memory stays flat:
 * channel-days are buffered up to BUFFER_BYTES and the least recently touched ones are written
 * out first. The run's lease, its reconciliation after a crash and the collection of old
 * generations are common/sources/.
 */
import { ConflictError, NotFoundError, UpstreamError } from "../errors.ts";
import { BatchWriter } from "../db/_store.ts";
import { epgChannelKey, epgGenerationKey, epgKey, epgProgrammesKey } from "../db/keys.ts";
import { bump } from "../kv/revisions.ts";
import { MAX_VALUE_BYTES, maxValueSize, valueSize } from "../kv/size.ts";
import {
  type GenerationMarker,
  GUIDES,
  type RunLease,
  type StartedRun,
  startRun,
} from "../sources/mod.ts";
import { parseXmltvStream, type XmltvChannel, type XmltvProgramme } from "../xmltv/parser.ts";
import type { Epg, EpgImportRun } from "../xmltv/schemas.ts";
import {
  buildProgrammeParts,
  partBound,
  programmeBytes,
  type ProgrammeRun,
} from "../xmltv/programme_parts.ts";
import { DAY_MS, type EpgChannelRecord } from "../xmltv/store.ts";
import { channelElementXml } from "../xmltv/writer.ts";
import { newRunRecord, openRunSource } from "./source.ts";

/** What a guide import needs from the configuration. */
export interface EpgImportSettings {
  dataDir: string;
  userAgent: string;
  /** EPG_TIMEOUT, seconds */
  epgTimeout: number;
  /** MAX_EPG_MB: cap of the unpacked bytes parsed */
  maxEpgMb: number;
  /** ALLOWED_PRIVATE_HOSTS: internal hosts a download may be redirected to */
  allowedPrivateHosts: readonly string[];
}

/** Options of one guide import. */
export interface EpgImportOptions {
  settings: EpgImportSettings;
  trigger?: EpgImportRun["trigger"];
  /** How long the replaced generation stays readable for outputs still streaming it (60 s). */
  oldGenerationGraceMs?: number;
  /** Lease timing for tests: heartbeat interval and the age of a dead holder's heartbeat. */
  timing?: { heartbeatMs?: number; staleMs?: number };
}

// Most bytes of one stored part (its UTF-8 XML, deflate and times; programme_parts.ts measures
// them): under KV's 64 KiB value limit with room for the record's own framing.
const PART_BYTES = 60_000;
// Channel-days held before the least recently touched are written: 8 MB keeps the manager's
// whole import near 150 MB RSS whatever the guide's size (32 MB held it near 280 MB); guides
// sorted by time rather than by channel get more, smaller parts for it.
const BUFFER_BYTES = 8 * 1048576;
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
): Promise<StartedRun<EpgImportRun>> {
  const entry = await kv.get<Epg>(epgKey(epgId));
  if (!entry.value) throw new NotFoundError(`Guide ${epgId} was not found`);
  const epg = entry.value;
  const counts = { channels: 0, programmes: 0, skipped: 0 };
  const run: EpgImportRun = { ...newRunRecord(options.trigger ?? "manual", counts), epgId };
  return await startRun(kv, {
    kind: GUIDES,
    source: epg,
    run,
    ...options.timing,
    work: async (lease) => {
      // The marker is written first: a run that dies leaves a generation the collector finds.
      await kv.set(epgGenerationKey(epg.id, lease.generation), {
        runId: run.id,
        startedAt: run.startedAt,
      });
      await importGeneration(kv, epg, lease, options.settings);
      await switchGeneration(kv, epg, lease, options.oldGenerationGraceMs ?? 60_000);
    },
  });
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
  lease: RunLease<EpgImportRun>,
  s: EpgImportSettings,
): Promise<void> {
  const { run, generation } = lease;
  const save = (force?: boolean) => lease.save(force);
  const limits = { timeoutSeconds: s.epgTimeout, maxMb: s.maxEpgMb, capName: "MAX_EPG_MB" };
  const source = await openRunSource(kv, epg, lease, { settings: s, ...limits });
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
    const date = new Date(g.day * DAY_MS).toISOString().slice(0, 10);
    buffered -= g.bytes;
    for (const value of parts) {
      const key = epgProgrammesKey(epg.id, generation, g.channel, g.day, part++);
      await writer.set(key, value, `the programmes of "${g.channel}" on ${date} (part ${part})`);
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
      if (recordTooLarge(rec)) {
        run.counts.skipped++;
        warn(`Skipped channel "${ch.id}": its element is too large`);
        return;
      }
      channels.set(ch.id, rec);
      run.counts.channels++;
      return;
    }
    // A repeated id: the first element wins; names, icons and URLs it lacks are added.
    const { displayNames, icons, urls, xml } = c;
    const before = { displayNames: [...displayNames], icons: [...icons], urls: [...urls], xml };
    if (mergeChannel(c, ch)) {
      c.xml = channelElementXml(c);
      if (recordTooLarge(c)) {
        Object.assign(c, before);
        warn(`Skipped a repeated <channel id="${ch.id}">: merged, it would be too large`);
        return;
      }
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
      await writer.set(epgChannelKey(epg.id, generation, seq++), c, `guide channel "${c.id}"`);
    }
    await writer.close();
  } finally {
    source.close();
  }
  await save(true);
}

/**
 * Whether a channel record is over KV's 64 KiB value limit (less room for its programme count to
 * grow), measured by serialising it only when its bound says it may be.
 */
function recordTooLarge(rec: EpgChannelRecord): boolean {
  return maxValueSize(rec) > MAX_VALUE_BYTES - 8 && valueSize(rec) > MAX_VALUE_BYTES - 8;
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

/**
 * Points the guide at the run's generation in one commit checked by the run's lease, and keeps
 * the one it replaced for `graceMs` (an output may still be streaming it; the collector deletes
 * it after that).
 */
async function switchGeneration(
  kv: Deno.Kv,
  epg: Epg,
  lease: RunLease<EpgImportRun>,
  graceMs: number,
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const cur = await kv.get<Epg>(epgKey(epg.id));
    if (!cur.value) throw new UpstreamError("the guide was deleted during the import");
    if (cur.value.generation !== epg.generation) {
      throw new ConflictError("another import finished first");
    }
    const op = kv.atomic().check(cur).set(epgKey(epg.id), {
      ...cur.value,
      generation: lease.generation,
      lastImportedAt: new Date().toISOString(),
    });
    const previous = cur.value.generation;
    if (previous) {
      const marker = await kv.get<GenerationMarker>(epgGenerationKey(epg.id, previous));
      op.check(marker).set(marker.key, { ...marker.value, keepUntil: Date.now() + graceMs });
    }
    if (await lease.commit(bump(op, "guides"))) return;
  }
  throw new ConflictError("the guide kept changing during the import; try again");
}
