/**
 * `GET /stream/<stream token>/<channel id>.<ext>`: a channel of a downstream playlist, streamed
 * through one shared upstream connection per channel. The token and the channel are checked
 * against KV before anything goes upstream; a connection slot of the upstream playlist is taken
 * first (503 when the provider's limit is reached, unless the same client is switching channels,
 * which takes over its old session); every way out releases it.
 */
import { LimitReachedError, UpstreamError } from "../common/errors.ts";
import { StaleStampsError, type Stamps, topicChecks } from "../common/kv/revisions.ts";
import { MEMBERSHIP_TOPICS, type StreamMember } from "../common/output/membership.ts";
import { countRefusal, newSession, recordSession } from "../common/streams/sessions.ts";
import { type AlsoWrite, commitAlso } from "../common/streams/slots.ts";
import type { ProxyContext } from "./context.ts";
import { sessionFields } from "./live_sessions.ts";
import { SharedUpstream, type StreamClient } from "./shared_upstream.ts";
import { type ClientKey, holdUpstream } from "./upstream_slot.ts";
import { allowedHostsFor, openUpstream, UpstreamTimeoutError } from "./upstream_fetch.ts";

/** A plain-text answer. */
export function textResponse(status: number, text: string, headers: HeadersInit = {}): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  });
}

/** The shared upstream connections of this proxy, one per channel. */
export class UpstreamHub {
  #ctx: ProxyContext;
  #open = new Map<string, SharedUpstream>();
  #opening = new Map<string, Promise<SharedUpstream>>();

  constructor(ctx: ProxyContext) {
    this.#ctx = ctx;
  }

  /** Upstream connections open now (for tests and the overview). */
  get size(): number {
    return this.#open.size;
  }

  /**
   * The running connection of a channel, or a new one (slot taken, first chunk read). `also` is
   * committed with the new connection's slot; it is not called when a connection is joined.
   */
  async get(member: StreamMember, client: ClientKey, also?: AlsoWrite): Promise<SharedUpstream> {
    const id = member.channel.channel.id;
    const running = this.#open.get(id);
    if (running && !running.closed) return running;
    let opening = this.#opening.get(id);
    if (!opening) {
      opening = this.#connect(member, client, also).finally(() => this.#opening.delete(id));
      this.#opening.set(id, opening);
    }
    return await opening;
  }

  async #connect(
    member: StreamMember,
    client: ClientKey,
    also?: AlsoWrite,
  ): Promise<SharedUpstream> {
    const { config } = this.#ctx;
    const ch = member.channel.channel;
    const held = await holdUpstream(this.#ctx, member, client, also);
    try {
      const opened = await openUpstream(held.request.url, {
        headers: held.request.headers,
        allowedHosts: allowedHostsFor(member.upstream.url, config.allowedPrivateHosts),
        timeoutMs: config.streamTimeout * 1000,
        signal: this.#ctx.closing,
        clients: this.#ctx.clients,
      });
      const shared = new SharedUpstream(opened, () => {
        if (this.#open.get(ch.id) === shared) this.#open.delete(ch.id);
        this.#ctx.own(held.release());
      });
      this.#open.set(ch.id, shared);
      return shared;
    } catch (err) {
      await held.release();
      throw err;
    }
  }

  /** Closes every connection (the proxy stops). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#opening.values()]);
    const all = [...this.#open.values()];
    for (const u of all) u.close("the proxy stopped");
    await Promise.allSettled(all.map((u) => u.done));
  }
}

/**
 * Streams one channel to one client. `at`: the change-feed stamps `member` was found under. The
 * client's session is written in the commit that takes the slot of a new upstream connection (or
 * alone when it joins a connection open already), checked against those stamps: one commit before
 * the first byte, and a playlist changed meanwhile (a token rotated, a channel disabled) makes it
 * fail, so the membership is looked up again instead of reading the feed before every request.
 */
export async function streamChannel(
  ctx: ProxyContext,
  found: { member: StreamMember; at: Readonly<Stamps> },
  token: string,
  client: ClientKey,
): Promise<Response> {
  let { member, at } = found;
  for (let attempt = 0;; attempt++) {
    try {
      return await startStream(ctx, member, at, token, client);
    } catch (err) {
      if (!(err instanceof StaleStampsError) || attempt >= 3) throw err;
      at = await ctx.feed.sync();
      const again = await ctx.members.find(token, member.channel.channel.id, at);
      if (!again) return textResponse(404, "Not found");
      member = again;
    }
  }
}

async function startStream(
  ctx: ProxyContext,
  member: StreamMember,
  at: Readonly<Stamps>,
  token: string,
  client: ClientKey,
): Promise<Response> {
  const session = newSession(sessionFields(ctx.config.proxyName, member, client, "stream"));
  let recorded = false;
  const also: AlsoWrite = {
    checks: topicChecks(at, MEMBERSHIP_TOPICS),
    apply: (op) => recordSession(op, session),
    committed: () => recorded = true,
  };
  let upstream: SharedUpstream;
  try {
    upstream = await ctx.hub.get(member, client, also);
    // A connection open already (or being opened for another client) took no commit of ours.
    if (!recorded) await commitAlso(ctx.kv, also);
  } catch (err) {
    if (err instanceof StaleStampsError) throw err;
    // Written with the slot, then the upstream failed: the session list says why it ended.
    if (recorded) ctx.own(ctx.sessions.endUnserved(session, (err as Error).message));
    return failure(ctx, member, err);
  }
  // Kept before it joins: a connection that ends at once ends the session through end().
  let c: StreamClient | null = null;
  ctx.sessions.adopt(session, token, {
    cut: (reason) => c?.cut(reason),
    bytes: () => c?.bytes ?? 0,
    lastActivity: () => c?.lastActivity ?? Date.now(),
  });
  c = upstream.join((_client, reason) => ctx.own(ctx.sessions.end(session.id, reason)));
  return new Response(c.stream, {
    headers: {
      "content-type": upstream.contentType,
      "cache-control": "no-store",
      "x-session-id": session.id,
    },
  });
}

/** The answer for a failure to open a stream: 503, 504 or 502, each with a clear message. */
export function failure(ctx: ProxyContext, member: StreamMember, err: unknown): Response {
  const name = member.channel.name;
  if (err instanceof LimitReachedError) {
    ctx.own(countRefusal(ctx.kv, member.channel.channel.id));
    return textResponse(503, `Cannot stream "${name}": ${err.message}`, { "retry-after": "10" });
  }
  if (err instanceof UpstreamTimeoutError) {
    return textResponse(504, `Cannot stream "${name}": ${err.message}`);
  }
  if (err instanceof UpstreamError || err instanceof TypeError) {
    return textResponse(502, `Cannot stream "${name}": ${(err as Error).message}`);
  }
  throw err;
}
