/**
 * Viewer sessions in KV: who watches what through which proxy. A session's record changes
 * rarely (start, end) and bumps the "sessions" topic; its byte counter and last activity live
 * under a key of their own that nothing rendered depends on. An admin ends a session by writing
 * a drop request, which the serving proxy learns of through the change feed.
 */
import { z } from "@hono/zod-openapi";
import { ulid } from "ulid";
import {
  channelStatKey,
  channelStatsPrefix,
  proxySessionDropKey,
  proxySessionKey,
  proxySessionsPrefix,
  proxySessionStatsKey,
} from "../db/keys.ts";
import { NotFoundError } from "../errors.ts";
import { bump } from "../kv/revisions.ts";

/** A viewer session. */
export const Session = z.object({
  id: z.string(),
  /** PROXY_NAME of the proxy process serving it */
  proxy: z.string(),
  downstreamId: z.string(),
  downstreamName: z.string(),
  channelId: z.string(),
  channelName: z.string(),
  upstreamId: z.string(),
  /** MPEG-TS (or any continuous body) or HLS */
  kind: z.enum(["stream", "hls"]),
  client: z.string(),
  userAgent: z.string(),
  startedAt: z.string(),
  state: z.enum(["live", "ended"]),
  endedAt: z.string().nullable(),
  endReason: z.string().nullable(),
}).openapi("Session");
/** A viewer session. */
export type Session = z.infer<typeof Session>;

/** A session's counters. */
export const SessionStats = z.object({
  bytes: z.number(),
  lastActivityAt: z.string(),
});
/** A session's counters. */
export type SessionStats = z.infer<typeof SessionStats>;

/** A session with its counters, as the API and the pages show it. */
export const SessionView = Session.extend(SessionStats.shape).openapi("SessionView");
/** A session with its counters. */
export type SessionView = z.infer<typeof SessionView>;

/** Viewing statistics of one channel. */
export const ChannelStats = z.object({
  channelId: z.string(),
  sessions: z.number(),
  watchMs: z.number(),
  bytes: z.number(),
  lastWatchedAt: z.string().nullable(),
  /** requests refused because the upstream playlist's connection limit was reached */
  refusals: z.number(),
}).openapi("ChannelStats");
/** Viewing statistics of one channel. */
export type ChannelStats = z.infer<typeof ChannelStats>;

/** How long ended sessions are kept for the overview. */
const ENDED_TTL_MS = 24 * 3_600_000;

/** The fields a new session is made from. */
export type SessionFields = Omit<Session, "id" | "startedAt" | "state" | "endedAt" | "endReason">;

/** A new live session, not yet written. */
export function newSession(fields: SessionFields): Session {
  return {
    id: ulid(),
    ...fields,
    startedAt: new Date().toISOString(),
    state: "live",
    endedAt: null,
    endReason: null,
  };
}

/**
 * Adds the writes that start `s` and announce it to `op`: the proxy commits them together with
 * the connection slot the session's upstream connection takes, so a stream costs one commit.
 */
export function recordSession(op: Deno.AtomicOperation, s: Session): Deno.AtomicOperation {
  return bump(op, "sessions")
    .check({ key: proxySessionKey(s.id), versionstamp: null })
    .set(proxySessionKey(s.id), s)
    .set(
      proxySessionStatsKey(s.id),
      { bytes: 0, lastActivityAt: s.startedAt } satisfies SessionStats,
    );
}

/** Starts a session (state live) and announces it. */
export async function createSession(kv: Deno.Kv, fields: SessionFields): Promise<Session> {
  const s = newSession(fields);
  const res = await recordSession(kv.atomic(), s).commit();
  if (!res.ok) throw new Error(`Session ${s.id} could not be written`);
  return s;
}

/** Saves a session's counters (no topic: nothing rendered depends on them). */
export async function saveSessionStats(
  kv: Deno.Kv,
  id: string,
  stats: SessionStats,
): Promise<void> {
  await kv.set(proxySessionStatsKey(id), stats);
}

/**
 * Ends a session once: records why, adds its time and bytes to the channel's statistics, clears
 * its drop request and announces it. Ending an ended session changes nothing.
 */
export async function endSession(
  kv: Deno.Kv,
  id: string,
  end: { reason: string; bytes: number },
): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const entry = await kv.get<Session>(proxySessionKey(id));
    if (!entry.value || entry.value.state === "ended") return;
    const s = entry.value;
    const now = new Date();
    const ended: Session = {
      ...s,
      state: "ended",
      endedAt: now.toISOString(),
      endReason: end.reason,
    };
    const watched = Math.max(0, now.getTime() - Date.parse(s.startedAt));
    // Counters are sums: sessions of one channel ending together never conflict.
    const res = await bump(kv.atomic(), "sessions").check(entry)
      .set(entry.key, ended, { expireIn: ENDED_TTL_MS })
      .set(
        proxySessionStatsKey(id),
        {
          bytes: end.bytes,
          lastActivityAt: now.toISOString(),
        } satisfies SessionStats,
        { expireIn: ENDED_TTL_MS },
      )
      .sum(channelStatKey(s.channelId, "sessions"), 1n)
      .sum(channelStatKey(s.channelId, "watch_ms"), BigInt(watched))
      .sum(channelStatKey(s.channelId, "bytes"), BigInt(end.bytes))
      .set(channelStatKey(s.channelId, "last_watched"), now.toISOString())
      .delete(proxySessionDropKey(id))
      .commit();
    if (res.ok) return;
  }
  throw new Error(`Session ${id} could not be ended: it kept changing`);
}

/** Counts a request refused by the connection limit against the channel. */
export async function countRefusal(kv: Deno.Kv, channelId: string): Promise<void> {
  await kv.atomic().sum(channelStatKey(channelId, "refusals"), 1n).commit();
}

/** Asks the proxy serving a live session to end it (an admin's Drop). */
export async function requestDrop(kv: Deno.Kv, id: string): Promise<Session> {
  const entry = await kv.get<Session>(proxySessionKey(id));
  if (!entry.value) throw new NotFoundError(`Session ${id} was not found`);
  if (entry.value.state === "ended") return entry.value;
  await bump(kv.atomic(), "sessions")
    .set(proxySessionDropKey(id), { at: new Date().toISOString() }, { expireIn: ENDED_TTL_MS })
    .commit();
  return entry.value;
}

/** Which of `ids` have a drop request. */
export async function droppedOf(kv: Deno.Kv, ids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 10) {
    const part = ids.slice(i, i + 10);
    const got = await kv.getMany(part.map(proxySessionDropKey));
    got.forEach((e, n) => e.versionstamp && out.add(part[n]));
  }
  return out;
}

/** One session with its counters. */
export async function getSession(kv: Deno.Kv, id: string): Promise<SessionView> {
  const [s, stats] = await kv.getMany<[Session, SessionStats]>([
    proxySessionKey(id),
    proxySessionStatsKey(id),
  ]);
  if (!s.value) throw new NotFoundError(`Session ${id} was not found`);
  return { ...s.value, ...(stats.value ?? { bytes: 0, lastActivityAt: s.value.startedAt }) };
}

/** Sessions, newest first: the live ones, and with `ended` the ended ones of the last day. */
export async function listSessions(
  kv: Deno.Kv,
  opts: { ended?: boolean; limit?: number } = {},
): Promise<SessionView[]> {
  const out: Session[] = [];
  for await (
    const e of kv.list<Session>({ prefix: proxySessionsPrefix() }, { reverse: true })
  ) {
    if (e.value.state === "live" || opts.ended) out.push(e.value);
    if (out.length >= (opts.limit ?? 500)) break;
  }
  const views: SessionView[] = [];
  for (let i = 0; i < out.length; i += 10) {
    const part = out.slice(i, i + 10);
    const stats = await kv.getMany<SessionStats[]>(part.map((s) => proxySessionStatsKey(s.id)));
    part.forEach((s, n) =>
      views.push({ ...s, ...(stats[n].value ?? { bytes: 0, lastActivityAt: s.startedAt }) })
    );
  }
  return views;
}

/** Every channel's statistics. */
export async function listChannelStats(kv: Deno.Kv): Promise<ChannelStats[]> {
  const out = new Map<string, ChannelStats>();
  for await (const e of kv.list<Deno.KvU64 | string>({ prefix: channelStatsPrefix() })) {
    const channelId = String(e.key[1]);
    let s = out.get(channelId);
    if (!s) {
      s = { channelId, sessions: 0, watchMs: 0, bytes: 0, lastWatchedAt: null, refusals: 0 };
      out.set(channelId, s);
    }
    const v = e.value;
    const n = v instanceof Deno.KvU64 ? Number(v.value) : 0;
    const field = String(e.key[2]);
    if (field === "sessions") s.sessions = n;
    else if (field === "watch_ms") s.watchMs = n;
    else if (field === "bytes") s.bytes = n;
    else if (field === "refusals") s.refusals = n;
    else if (field === "last_watched" && typeof v === "string") s.lastWatchedAt = v;
  }
  return [...out.values()];
}

/**
 * Ends the live sessions of proxies whose heartbeat is stale (a proxy that died cannot end them
 * itself); answers how many.
 */
export async function endSessionsOfDeadProxies(
  kv: Deno.Kv,
  alive: (proxy: string) => Promise<boolean>,
): Promise<number> {
  const known = new Map<string, boolean>();
  let n = 0;
  for (const s of await listSessions(kv)) {
    let ok = known.get(s.proxy);
    if (ok === undefined) known.set(s.proxy, ok = await alive(s.proxy));
    if (ok) continue;
    await endSession(kv, s.id, { reason: "its proxy stopped responding", bytes: s.bytes });
    n++;
  }
  return n;
}
