/**
 * The edit log of a playlist's channels: every commit of admin edits also records which chunks it
 * rewrote, so another process's channel index reloads just those chunks rather than the whole
 * playlist. Entries expire; a process that missed more reloads the playlist.
 */
import { ulid } from "ulid";
import { channelEditLogKey, channelEditLogPrefix } from "./keys.ts";

/** One commit of admin edits: the chunks of `generation` it rewrote (see channelEditLogKey). */
export interface ChannelEditLog {
  generation: string;
  firstSeqs: number[];
}

/** How long an edit log entry is kept; a process that missed more reloads the whole playlist. */
export const EDIT_LOG_TTL_MS = 3_600_000;

/** Adds the log entry of an edit to the atomic commit that makes the edit. */
export function logEdit(
  op: Deno.AtomicOperation,
  playlistId: string,
  log: ChannelEditLog,
): Deno.AtomicOperation {
  return op.set(channelEditLogKey(playlistId, ulid()), log, { expireIn: EDIT_LOG_TTL_MS });
}

/** One playlist's edit log entries (id and value), oldest first. */
export async function listEditLog(
  kv: Deno.Kv,
  playlistId: string,
): Promise<{ id: string; log: ChannelEditLog }[]> {
  const out: { id: string; log: ChannelEditLog }[] = [];
  for await (const e of kv.list<ChannelEditLog>({ prefix: channelEditLogPrefix(playlistId) })) {
    out.push({ id: String(e.key.at(-1)), log: e.value });
  }
  return out;
}
