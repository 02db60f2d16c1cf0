/**
 * What every upstream connection of the proxy starts with, MPEG-TS or HLS alike: a connection
 * slot of the upstream playlist (at the limit, a client switching channels gives up its old
 * sessions and takes their slot over) and the request to make, with the channel's headers.
 */
import { userAgentFor } from "../common/db/user_agents.ts";
import { LimitReachedError } from "../common/errors.ts";
import type { StreamMember } from "../common/output/membership.ts";
import { listSessions, requestDrop } from "../common/streams/sessions.ts";
import { acquireSlot, type AlsoWrite, releaseSlot } from "../common/streams/slots.ts";
import { type UpstreamRequest, upstreamRequest } from "../common/streams/upstream_request.ts";
import type { ProxyContext } from "./context.ts";

/** Who asks: the same address, user agent and downstream playlist make the same client. */
export interface ClientKey {
  address: string;
  userAgent: string;
}

/** A held slot (if the playlist has a limit) and the request to make on it. */
export interface HeldUpstream {
  request: UpstreamRequest;
  /** Frees the slot (once; later calls do nothing). */
  release(): Promise<void>;
}

/** How long a switching client waits for its old session's slot. */
const TAKEOVER_WAIT_MS = 3_000;

/**
 * Takes a slot for one upstream connection of `member` and builds its request. `also` is
 * committed with the slot (the session of the client that opens the connection).
 */
export async function holdUpstream(
  ctx: ProxyContext,
  member: StreamMember,
  client: ClientKey,
  also?: AlsoWrite,
): Promise<HeldUpstream> {
  const { kv, config } = ctx;
  const holderId = crypto.randomUUID();
  const slot = await takeSlot(ctx, member, { holderId, client, also });
  const release = () =>
    slot === null ? Promise.resolve() : releaseSlot(kv, member.upstream.id, slot, holderId);
  try {
    const request = upstreamRequest(member.channel.channel, member.upstream, {
      playlistUserAgent: member.upstream.userAgentId
        ? await userAgentFor(kv, member.upstream.userAgentId, config.userAgent)
        : null,
      defaultUserAgent: config.userAgent,
    });
    return { request, release };
  } catch (err) {
    await release();
    throw err;
  }
}

/**
 * Takes a slot; at the limit, a client switching channels (same address, user agent and
 * playlist) gives up its old sessions first and waits for their slots.
 */
async function takeSlot(
  ctx: ProxyContext,
  member: StreamMember,
  who: { holderId: string; client: ClientKey; also?: AlsoWrite },
): Promise<number | null> {
  const { kv, config } = ctx;
  const holder = {
    proxy: config.proxyName,
    holderId: who.holderId,
    channelId: member.channel.channel.id,
    since: new Date().toISOString(),
  };
  try {
    return await acquireSlot(kv, member.upstream, holder, who.also);
  } catch (err) {
    if (!(err instanceof LimitReachedError)) throw err;
    const mine = (await listSessions(kv)).filter((s) =>
      s.client === who.client.address && s.userAgent === who.client.userAgent &&
      s.downstreamId === member.playlist.id && s.upstreamId === member.upstream.id
    );
    if (!mine.length) throw err;
    for (const s of mine) {
      await ctx.sessions.cut(s.id, "the client switched channels");
      await requestDrop(kv, s.id);
    }
    const until = Date.now() + TAKEOVER_WAIT_MS;
    while (true) {
      try {
        return await acquireSlot(kv, member.upstream, holder, who.also);
      } catch (again) {
        if (!(again instanceof LimitReachedError) || Date.now() > until) throw again;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
}
