/**
 * `GET /stream/<stream token>/<channel id>.<ext>`: a channel of a downstream playlist, streamed
 * through one shared upstream connection per channel. The token and the channel are checked
 * against KV before anything goes upstream; a connection slot of the upstream playlist is taken
 * first (503 when the provider's limit is reached, unless the same client is switching channels,
 * which takes over its old session); every way out releases it.
 */
import { LimitReachedError, UpstreamError } from "../common/errors.ts";
import type { StreamMember } from "../common/output/membership.ts";
import { countRefusal } from "../common/streams/sessions.ts";
import type { ProxyContext } from "./context.ts";
import { SharedUpstream } from "./shared_upstream.ts";
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

  /** The running connection of a channel, or a new one (slot taken, first chunk read). */
  async get(member: StreamMember, client: ClientKey): Promise<SharedUpstream> {
    const id = member.channel.channel.id;
    const running = this.#open.get(id);
    if (running && !running.closed) return running;
    let opening = this.#opening.get(id);
    if (!opening) {
      opening = this.#connect(member, client).finally(() => this.#opening.delete(id));
      this.#opening.set(id, opening);
    }
    return await opening;
  }

  async #connect(member: StreamMember, client: ClientKey): Promise<SharedUpstream> {
    const { config } = this.#ctx;
    const ch = member.channel.channel;
    const held = await holdUpstream(this.#ctx, member, client);
    try {
      const opened = await openUpstream(held.request.url, {
        headers: held.request.headers,
        allowedHosts: allowedHostsFor(member.upstream.url, config.allowedPrivateHosts),
        timeoutMs: config.streamTimeout * 1000,
        signal: this.#ctx.closing,
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

/** Streams one channel to one client. */
export async function streamChannel(
  ctx: ProxyContext,
  member: StreamMember,
  token: string,
  client: ClientKey,
): Promise<Response> {
  let upstream: SharedUpstream;
  try {
    upstream = await ctx.hub.get(member, client);
  } catch (err) {
    return failure(ctx, member, err);
  }
  let sessionId: string | null = null;
  let endedEarly: string | null = null;
  const c = upstream.join((_client, reason) => {
    if (sessionId) ctx.own(ctx.sessions.end(sessionId, reason));
    else endedEarly = reason;
  });
  const session = await ctx.sessions.start(
    {
      proxy: ctx.config.proxyName,
      downstreamId: member.playlist.id,
      downstreamName: member.playlist.name,
      channelId: member.channel.channel.id,
      channelName: member.channel.name,
      upstreamId: member.upstream.id,
      kind: "stream",
      client: client.address,
      userAgent: client.userAgent,
    },
    token,
    {
      cut: (reason) => c.cut(reason),
      bytes: () => c.bytes,
      lastActivity: () => c.lastActivity,
    },
  );
  sessionId = session.id;
  if (endedEarly) ctx.own(ctx.sessions.end(session.id, endedEarly));
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
