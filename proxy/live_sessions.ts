/**
 * The sessions this proxy process serves now. They end at once when the change feed says an
 * admin dropped one, or that its playlist, channel, group or upstream playlist was disabled or its
 * tokens rotated (the feed carries every such commit, from any process). Their byte counters are
 * saved every few seconds under keys no output depends on.
 */
import type { Logger } from "../common/log.ts";
import type { ChangeFeed } from "../common/kv/change_feed.ts";
import type { Stamps } from "../common/kv/revisions.ts";
import { MEMBERSHIP_TOPICS, type PlaylistMembers } from "../common/output/membership.ts";
import {
  createSession,
  droppedOf,
  endSession,
  saveSessionStats,
  type Session,
  type SessionFields,
} from "../common/streams/sessions.ts";
import type { StreamMember } from "../common/output/membership.ts";

/** What ends a live session and counts its bytes. */
export interface SessionHandle {
  /** Cuts the client's stream now. */
  cut(reason: string): void;
  /** Bytes sent so far. */
  bytes(): number;
  /** When the client last got something. */
  lastActivity(): number;
}

interface Live {
  session: Session;
  /** the stream token the client used (a rotated token ends the session) */
  token: string;
  handle: SessionHandle;
  ended: Promise<void> | null;
}

/** What a new session of `client` watching `member` through proxy `proxy` records. */
export function sessionFields(
  proxy: string,
  member: StreamMember,
  client: { address: string; userAgent: string },
  kind: Session["kind"],
): SessionFields {
  return {
    proxy,
    downstreamId: member.playlist.id,
    downstreamName: member.playlist.name,
    channelId: member.channel.channel.id,
    channelName: member.channel.name,
    upstreamId: member.upstream.id,
    kind,
    client: client.address,
    userAgent: client.userAgent,
  };
}

/** How often byte counters are saved. */
const STATS_EVERY_MS = 2_000;

/** This process's live sessions. */
export class LiveSessions {
  #kv: Deno.Kv;
  #members: PlaylistMembers;
  #log: Logger;
  #live = new Map<string, Live>();
  #timer: ReturnType<typeof setInterval>;
  #unsubscribe: (() => void)[] = [];
  #pending = new Set<Promise<unknown>>();

  constructor(kv: Deno.Kv, opts: { feed: ChangeFeed; members: PlaylistMembers; log: Logger }) {
    this.#kv = kv;
    this.#members = opts.members;
    this.#log = opts.log;
    this.#unsubscribe.push(
      opts.feed.subscribe(["sessions"], () => this.#checkDrops()),
      opts.feed.subscribe(MEMBERSHIP_TOPICS, (stamps) => this.#revalidate(stamps)),
    );
    this.#timer = setInterval(() => this.#own(this.#saveStats()), STATS_EVERY_MS);
  }

  /** Live sessions, for tests and the shutdown. */
  get size(): number {
    return this.#live.size;
  }

  /** Records a new session in KV and keeps it until it ends. */
  async start(
    fields: SessionFields,
    token: string,
    handle: SessionHandle,
  ): Promise<Session> {
    const session = await createSession(this.#kv, fields);
    this.adopt(session, token, handle);
    return session;
  }

  /**
   * Keeps a session written already until it ends. A drop asked for between its commit and now
   * is found by the check that follows.
   */
  adopt(session: Session, token: string, handle: SessionHandle): void {
    this.#live.set(session.id, { session, token, handle, ended: null });
    this.#own(this.#checkDrops([session.id]));
  }

  /** Ends a session that was written but never served (its upstream failed). */
  endUnserved(session: Session, reason: string): Promise<void> {
    return this.#own(endSession(this.#kv, session.id, { reason, bytes: 0 }));
  }

  /** Ends a session: records why in KV (once), whoever noticed first. */
  end(id: string, reason: string): Promise<void> {
    const live = this.#live.get(id);
    if (!live) return Promise.resolve();
    live.ended ??= this.#own((async () => {
      this.#live.delete(id);
      await endSession(this.#kv, id, { reason, bytes: live.handle.bytes() });
    })());
    return live.ended;
  }

  /** Cuts a session's stream and ends it. */
  cut(id: string, reason: string): Promise<void> {
    const live = this.#live.get(id);
    if (!live) return Promise.resolve();
    // The handle's end callback calls end() with the same reason.
    live.handle.cut(reason);
    return this.end(id, reason);
  }

  /** Live sessions of a client (address, user agent and downstream playlist). */
  ofClient(client: string, userAgent: string, downstreamId: string): Session[] {
    return [...this.#live.values()].map((l) => l.session).filter((s) =>
      s.client === client && s.userAgent === userAgent && s.downstreamId === downstreamId
    );
  }

  async #checkDrops(ids = [...this.#live.keys()]): Promise<void> {
    const dropped = await droppedOf(this.#kv, ids);
    for (const id of dropped) await this.cut(id, "dropped by an admin");
  }

  async #revalidate(stamps: Stamps): Promise<void> {
    for (const live of [...this.#live.values()]) {
      const still = await this.#members.find(live.token, live.session.channelId, stamps);
      if (!still || still.playlist.id !== live.session.downstreamId) {
        await this.cut(
          live.session.id,
          "no longer in the playlist (disabled, removed or new tokens)",
        );
      }
    }
  }

  async #saveStats(): Promise<void> {
    for (const live of this.#live.values()) {
      await saveSessionStats(this.#kv, live.session.id, {
        bytes: live.handle.bytes(),
        lastActivityAt: new Date(live.handle.lastActivity()).toISOString(),
      });
    }
  }

  /** Keeps a background task until it settles; its failure is logged. */
  #own(p: Promise<unknown>): Promise<void> {
    const task = p.then(() => {}, (err) => this.#log.error("Sessions", err));
    this.#pending.add(task);
    task.finally(() => this.#pending.delete(task));
    return task;
  }

  /** Ends every live session (the proxy stops) and waits for background work. */
  async close(reason = "the proxy stopped"): Promise<void> {
    clearInterval(this.#timer);
    for (const u of this.#unsubscribe) u();
    for (const id of [...this.#live.keys()]) await this.cut(id, reason);
    await Promise.allSettled([...this.#pending]);
  }
}
