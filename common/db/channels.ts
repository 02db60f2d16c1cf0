/**
 * Channels of upstream playlists, stored per import generation in chunks: one KV value holds an
 * array of up to CHUNK_COUNT consecutive channels (file order), keyed by the first one's seq.
 * 100,000 channels are ~1,000 values: writing and listing them back costs a fraction of one
 * value per channel (see channelChunkKey).
 */
import { ConflictError, NotFoundError } from "../errors.ts";
import { bump } from "../kv/revisions.ts";
import type { Channel, ChannelPatch, UpstreamPlaylist } from "../schemas.ts";
import {
  keySize,
  MAX_COMMIT_BYTES,
  MAX_VALUE_BYTES,
  maxSerialisedSize,
  maxValueSize,
  valueSize,
} from "../kv/size.ts";
import { logEdit } from "./channel_edit_log.ts";
import { BatchWriter, deletePrefix } from "./_store.ts";
import {
  channelChunkKey,
  channelEditsKey,
  channelsPrefix,
  legacyChannelsPrefix,
  upstreamPlaylistKey,
  upstreamPlaylistsPrefix,
} from "./keys.ts";

/** Most channels in one chunk. */
const CHUNK_COUNT = 100;
/**
 * Most bytes (channelSize, an upper bound) in one chunk of several channels: with a byte more a
 * channel and the chunk's own 7, under KV's 64 KiB value limit whatever the text. A larger
 * channel gets a chunk of its own, which the import keeps if its measured size fits
 * (channelTooLarge).
 */
const CHUNK_BYTES = 64_000;

/**
 * The most bytes a channel adds to a chunk but one, however V8 holds its strings:
 * maxSerialisedSize of its stored tuple (whose 2 header bytes stand for its index in the
 * chunk, up to 3). Counts no character: it runs for every channel of an import.
 */
export function channelSize(ch: Channel): number {
  return maxSerialisedSize(encode(ch));
}

/**
 * Whether a channel cannot be stored even in a chunk of its own (over KV's 64 KiB value limit),
 * measured by serialising it only when its `size` (channelSize) says it might.
 */
export function channelTooLarge(ch: Channel, size = channelSize(ch)): boolean {
  return size > CHUNK_BYTES && valueSize(encodeChunk([ch])) > MAX_VALUE_BYTES;
}

/**
 * A channel as stored in a chunk: a tuple without field names or playlist id (the key has it).
 * Field names repeated in every serialised object were a third of the bytes, and every byte
 * serialised waits in memory for a garbage collection.
 */
type StoredChannel = [
  id: string,
  groupId: string,
  seq: number,
  name: string,
  url: string,
  duration: number,
  attrs: Record<string, string>,
  vlcOpts: [string, string][],
  kodiProps: [string, string][],
  extGrp: string | null,
  extras: string[],
  /** 1: enabled, 2: keepStatus, 4: missing */
  flags: number,
  blockedReason: string | null,
  firstSeenAt: string,
  lastSeenAt: string,
];

function encode(c: Channel): StoredChannel {
  return [
    c.id,
    c.groupId,
    c.seq,
    c.name,
    c.url,
    c.duration,
    c.attrs,
    c.vlcOpts,
    c.kodiProps,
    c.extGrp ?? null,
    c.extras,
    (c.enabled ? 1 : 0) | (c.keepStatus ? 2 : 0) | (c.missing ? 4 : 0),
    c.blockedReason,
    c.firstSeenAt,
    c.lastSeenAt,
  ];
}

/** A chunk's value for channels in seq order. */
export function encodeChunk(channels: Channel[]): StoredChannel[] {
  return channels.map(encode);
}

function decode(playlistId: string, t: StoredChannel): Channel {
  // Same field order as the importer builds them, so both serialise alike.
  return {
    id: t[0],
    playlistId,
    groupId: t[1],
    seq: t[2],
    name: t[3],
    url: t[4],
    duration: t[5],
    attrs: t[6],
    vlcOpts: t[7],
    kodiProps: t[8],
    ...(t[9] !== null ? { extGrp: t[9] } : {}),
    extras: t[10],
    enabled: (t[11] & 1) !== 0,
    keepStatus: (t[11] & 2) !== 0,
    missing: (t[11] & 4) !== 0,
    blockedReason: t[12],
    firstSeenAt: t[13],
    lastSeenAt: t[14],
  };
}

/** Reads chunks of a generation by their first seqs, decoded (missing ones left out). */
export async function readChunks(
  kv: Deno.Kv,
  playlistId: string,
  generation: string,
  firstSeqs: number[],
): Promise<Channel[][]> {
  const out: Channel[][] = [];
  for (let i = 0; i < firstSeqs.length; i += 10) {
    const keys = firstSeqs.slice(i, i + 10).map((s) => channelChunkKey(playlistId, generation, s));
    for (const e of await kv.getMany<StoredChannel[][]>(keys)) {
      if (e.value) out.push(e.value.map((t) => decode(playlistId, t)));
    }
  }
  return out;
}

/** Whether a channel of `size` starts a new chunk after one of `count` channels and `bytes`. */
function startsChunk(count: number, bytes: number, size: number): boolean {
  return count > 0 && (count >= CHUNK_COUNT || bytes + size > CHUNK_BYTES);
}

/** A chunk as written: its first seq and its slice [start, end) of the generation's channels. */
export interface ChunkSpan {
  firstSeq: number;
  start: number;
  end: number;
}

/**
 * Writes one generation's channels in chunks, in seq order, through a BatchWriter. The chunking
 * depends only on the channels (their order and sizes), so `chunkSpans` finds the keys again.
 */
export class ChunkWriter {
  #writer: BatchWriter;
  #playlistId: string;
  #generation: string;
  #chunk: Channel[] = [];
  #bytes = 0;
  #written = 0;
  /** Every chunk flushed so far. */
  readonly spans: ChunkSpan[] = [];
  constructor(kv: Deno.Kv, playlistId: string, generation: string) {
    this.#writer = new BatchWriter(kv);
    this.#playlistId = playlistId;
    this.#generation = generation;
  }
  /** Adds the next channel (seq order); `size` is channelSize(ch). */
  add(ch: Channel, size: number): Promise<void> {
    if (startsChunk(this.#chunk.length, this.#bytes, size)) {
      const p = this.#flush();
      this.#chunk.push(ch);
      this.#bytes += size;
      return p;
    }
    this.#chunk.push(ch);
    this.#bytes += size;
    return DONE;
  }
  #flush(): Promise<void> {
    const chunk = this.#chunk;
    if (!chunk.length) return DONE;
    this.#chunk = [];
    this.#bytes = 0;
    const start = this.#written;
    this.#written += chunk.length;
    this.spans.push({ firstSeq: chunk[0].seq, start, end: this.#written });
    return this.#writer.set(
      channelChunkKey(this.#playlistId, this.#generation, chunk[0].seq),
      encodeChunk(chunk),
      chunkName(this.#playlistId, chunk),
    );
  }
  /** Writes what is queued and waits for every commit. */
  async close(): Promise<void> {
    await this.#flush();
    await this.#writer.close();
  }
}

const DONE = Promise.resolve();

/** A chunk in an error message: its channels' seqs, first name and playlist. */
function chunkName(playlistId: string, chunk: Channel[]): string {
  const first = chunk[0];
  return `the channels ${first.seq} to ${chunk.at(-1)!.seq} ("${first.name.slice(0, 60)}", ...) ` +
    `of playlist ${playlistId}`;
}

/** The chunks `ChunkWriter` made of `channels` (seq order). */
export function chunkSpans(channels: Channel[]): ChunkSpan[] {
  const spans: ChunkSpan[] = [];
  let count = 0;
  let bytes = 0;
  for (let i = 0; i < channels.length; i++) {
    const size = channelSize(channels[i]);
    if (startsChunk(count, bytes, size)) {
      spans.push({ firstSeq: channels[i - count].seq, start: i - count, end: i });
      count = 0;
      bytes = 0;
    }
    count++;
    bytes += size;
  }
  if (count) {
    spans.push({
      firstSeq: channels[channels.length - count].seq,
      start: channels.length - count,
      end: channels.length,
    });
  }
  return spans;
}

/** Lists one generation's channels in seq order. */
export async function listGeneration(
  kv: Deno.Kv,
  playlistId: string,
  generation: string,
): Promise<Channel[]> {
  const out: Channel[] = [];
  const strings = new Map<string, string>();
  // Every value read back is a string of its own; channels of one import share their times and
  // most share group titles: one copy each keeps 100,000 channels ~10 MB smaller.
  const intern = (s: string) => {
    const known = strings.get(s);
    if (known !== undefined) return known;
    if (strings.size < 10_000) strings.set(s, s);
    return s;
  };
  for await (
    const e of kv.list<StoredChannel[]>({ prefix: channelsPrefix(playlistId, generation) }, {
      batchSize: 500,
    })
  ) {
    for (const t of e.value) {
      t[13] = intern(t[13]);
      t[14] = intern(t[14]);
      const title = t[6]["group-title"];
      if (title !== undefined) t[6]["group-title"] = intern(title);
      out.push(decode(playlistId, t));
    }
  }
  return out;
}

/** Lists the channels of a playlist's current generation in file order. */
export async function listPlaylistChannels(
  kv: Deno.Kv,
  playlist: UpstreamPlaylist,
): Promise<Channel[]> {
  if (!playlist.generation) return [];
  return await listGeneration(kv, playlist.id, playlist.generation);
}

/** Reads the count of admin edits of a playlist's channels. */
export async function readChannelEdits(kv: Deno.Kv, playlistId: string): Promise<bigint> {
  const e = await kv.get<Deno.KvU64>(channelEditsKey(playlistId));
  return e.value?.value ?? 0n;
}

interface ChunkEntry {
  key: Deno.KvKey;
  value: Channel[];
  versionstamp: string;
}

function decodeEntry(playlistId: string, e: Deno.KvEntry<StoredChannel[]>): ChunkEntry {
  return {
    key: e.key,
    value: e.value.map((t) => decode(playlistId, t)),
    versionstamp: e.versionstamp,
  };
}

/**
 * The chunks holding the channels `ids` (with their seq when known), by key, with the ids each
 * holds. Few channels of known seq: one backward listing each; else the whole generation.
 */
async function findChunks(
  kv: Deno.Kv,
  playlistId: string,
  generation: string,
  ids: string[],
  seqs: Map<string, number>,
): Promise<Map<string, { entry: ChunkEntry; ids: Set<string> }>> {
  const prefix = channelsPrefix(playlistId, generation);
  const found = new Map<string, { entry: ChunkEntry; ids: Set<string> }>();
  const put = (entry: ChunkEntry, id: string) => {
    const k = String(entry.key.at(-1));
    let f = found.get(k);
    if (!f) found.set(k, f = { entry, ids: new Set() });
    f.ids.add(id);
  };
  if (ids.length <= 50 && ids.every((id) => seqs.has(id))) {
    const entries = await Promise.all(ids.map(async (id) => {
      const seq = seqs.get(id)!;
      for await (
        const e of kv.list<StoredChannel[]>(
          { prefix, end: channelChunkKey(playlistId, generation, seq + 0.5) },
          { reverse: true, limit: 1 },
        )
      ) return decodeEntry(playlistId, e);
      return null;
    }));
    if (entries.every((e, i) => e?.value.some((c) => c.id === ids[i]))) {
      entries.forEach((e, i) => put(e!, ids[i]));
      return found;
    }
    found.clear();
  }
  const wanted = new Set(ids);
  for await (const raw of kv.list<StoredChannel[]>({ prefix }, { batchSize: 500 })) {
    if (!raw.value.some((t) => wanted.has(t[0]))) continue;
    const e = decodeEntry(playlistId, raw);
    for (const c of e.value) if (wanted.has(c.id)) put(e, c.id);
  }
  for (const id of ids) {
    if (![...found.values()].some((f) => f.ids.has(id))) {
      throw new NotFoundError(`Channel ${id} was not found`);
    }
  }
  return found;
}

/**
 * Patches channels of the playlist's current generation: reads the chunks that hold them and
 * writes them back in atomic commits that check the playlist did not switch generation and no
 * chunk changed meanwhile (a chunk changed by another edit is read again). Answers the patched
 * channels by id.
 */
async function patchInChunks(
  kv: Deno.Kv,
  playlistId: string,
  ids: string[],
  seqs: Map<string, number>,
  patch: ChannelPatch,
  switchedMessage: string,
): Promise<Map<string, Channel>> {
  const out = new Map<string, Channel>();
  let todo = ids;
  for (let attempt = 0; todo.length && attempt < 10; attempt++) {
    const pEntry = await kv.get<UpstreamPlaylist>(upstreamPlaylistKey(playlistId));
    const gen = pEntry.value?.generation;
    if (!pEntry.value || !gen) {
      throw new NotFoundError(`Upstream playlist ${playlistId} was not found`);
    }
    const chunks = [...(await findChunks(kv, playlistId, gen, todo, seqs)).values()];
    const failed: string[] = [];
    let i = 0;
    while (i < chunks.length) {
      const op = bump(kv.atomic(), "channels").check(pEntry).sum(channelEditsKey(playlistId), 1n);
      const firstSeqs: number[] = [];
      const batch: Map<string, Channel>[] = [];
      const batchIds: Set<string>[] = [];
      // The playlist's key checked once, the counter's summed (a key set counts twice).
      let bytes = keySize(pEntry.key) + 2 * keySize(channelEditsKey(playlistId)) + 8;
      while (i < chunks.length && batch.length < 90) {
        const { entry, ids: inChunk } = chunks[i];
        const done = new Map<string, Channel>();
        const next = entry.value.map((c) => {
          if (!inChunk.has(c.id)) return c;
          const n = { ...c, ...patch };
          done.set(c.id, n);
          return n;
        });
        const value = encodeChunk(next);
        // A chunk's key is checked and set: it counts three times.
        const size = 3 * keySize(entry.key) + maxValueSize(value);
        if (batch.length && bytes + size > MAX_COMMIT_BYTES) break;
        i++;
        bytes += size;
        op.check(entry).set(entry.key, value);
        firstSeqs.push(Number(entry.key.at(-1)));
        batch.push(done);
        batchIds.push(inChunk);
      }
      // Which chunks this commit rewrote: other processes' channel indexes reload just those.
      logEdit(op, playlistId, { generation: gen, firstSeqs });
      const res = await op.commit();
      if (res.ok) {
        for (const done of batch) for (const [id, c] of done) out.set(id, c);
        continue;
      }
      const now = await kv.get<UpstreamPlaylist>(upstreamPlaylistKey(playlistId));
      if (now.versionstamp !== pEntry.versionstamp) throw new ConflictError(switchedMessage);
      // Another edit changed one of these chunks: read them again.
      for (const s of batchIds) failed.push(...s);
    }
    todo = failed;
  }
  if (todo.length) throw new ConflictError(switchedMessage);
  return out;
}

/**
 * Applies an admin patch to channels of one playlist, in atomic batches that each check the
 * playlist did not switch generation meanwhile. Returns the updated channels. `known` may give
 * the channels' current values (from the manager's channel index) to find their chunks faster.
 */
export async function patchChannels(
  kv: Deno.Kv,
  playlistId: string,
  channelIds: string[],
  patch: ChannelPatch,
  known: Channel[] = [],
): Promise<Channel[]> {
  const seqs = new Map(known.map((c) => [c.id, c.seq]));
  const done = await patchInChunks(
    kv,
    playlistId,
    channelIds,
    seqs,
    patch,
    "The channels were changed meanwhile (an import finished?); try again",
  );
  return channelIds.map((id) => done.get(id)!);
}

/**
 * Applies a patch to many channels given as current values (from the manager's channel index),
 * in atomic commits that each check the playlist did not switch generation.
 */
export async function bulkPatchChannels(
  kv: Deno.Kv,
  playlistId: string,
  channels: Channel[],
  patch: ChannelPatch,
): Promise<Channel[]> {
  const seqs = new Map(channels.map((c) => [c.id, c.seq]));
  const done = await patchInChunks(
    kv,
    playlistId,
    channels.map((c) => c.id),
    seqs,
    patch,
    "The playlist was re-imported meanwhile; apply the change again",
  );
  return channels.map((c) => done.get(c.id)!);
}

/**
 * Moves channels stored one per key (before chunks) into chunks: each playlist's current
 * generation is rewritten, then every old key is deleted. Safe to run again after a crash (the
 * chunks are rewritten the same way). Answers how many channels were moved.
 */
export async function migrateChannelsToChunks(kv: Deno.Kv): Promise<number> {
  const byGeneration = new Map<string, Channel[]>();
  for await (const e of kv.list<Channel>({ prefix: legacyChannelsPrefix() }, { batchSize: 500 })) {
    const k = `${String(e.key[1])}/${String(e.key[2])}`;
    let list = byGeneration.get(k);
    if (!list) byGeneration.set(k, list = []);
    list.push(e.value);
  }
  if (!byGeneration.size) return 0;
  let moved = 0;
  for await (const p of kv.list<UpstreamPlaylist>({ prefix: upstreamPlaylistsPrefix() })) {
    const list = p.value.generation && byGeneration.get(`${p.value.id}/${p.value.generation}`);
    if (!list) continue;
    list.sort((a, b) => a.seq - b.seq);
    const writer = new ChunkWriter(kv, p.value.id, p.value.generation!);
    for (const c of list) await writer.add(c, channelSize(c));
    await writer.close();
    moved += list.length;
  }
  await deletePrefix(kv, legacyChannelsPrefix());
  return moved;
}
