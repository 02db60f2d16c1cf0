/**
 * The streaming proxy: its own Deno.serve listener (INTERNAL_PROXY_PORT). It serves only
 * channels it finds in KV for a valid stream token, never a URL a client hands it; it learns of
 * every change (sessions dropped, playlists disabled, tokens rotated) through the change feed,
 * never through HTTP callbacks; it registers itself and keeps a heartbeat so the manager shows it
 * online and its connection slots are reclaimed if it dies.
 */
import type { Config } from "../common/config.ts";
import { ChannelIndex } from "../common/db/channel_index.ts";
import { registerProxy } from "../common/db/proxies.ts";
import { ChangeFeed } from "../common/kv/change_feed.ts";
import { createLogger } from "../common/log.ts";
import { MEMBERSHIP_TOPICS, PlaylistMembers } from "../common/output/membership.ts";
import { ClientPool } from "../common/net/outbound.ts";
import { beat } from "../common/streams/slots.ts";
import type { ProxyContext } from "./context.ts";
import { HlsHub, isHlsChannel } from "./hls.ts";
import { LiveSessions } from "./live_sessions.ts";
import { streamChannel, textResponse, UpstreamHub } from "./streams.ts";
import { errorResponse, statusOf } from "../common/http_errors.ts";

/** A running proxy. */
export interface RunningProxy {
  server: Deno.HttpServer<Deno.NetAddr>;
  port: number;
  context: ProxyContext;
  shutdown(): Promise<void>;
}

/** How often the proxy writes its heartbeat. */
const HEARTBEAT_MS = 5_000;

const NOT_FOUND = () => textResponse(404, "Not found");

/** `/stream/<token>/<channel id>[.ext]`: the channel id without its extension. */
const STREAM_PATH = /^\/stream\/([A-Za-z0-9_-]{16,128})\/([0-9A-Za-z]{1,64})(\.[A-Za-z0-9]{1,8})?$/;

/** `/hls/<session key>/<ref>[.ext]`: a playlist or segment of a live HLS session. */
const HLS_PATH = /^\/hls\/([0-9a-f]{32})\/([0-9a-z]{1,12})(\.[A-Za-z0-9]{1,8})?$/;

/** Handles one proxy request; domain errors answer with the statuses common/http_errors.ts gives. */
export function proxyHandler(ctx: ProxyContext) {
  const route = routes(ctx);
  return async (req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>): Promise<Response> => {
    let res: Response;
    try {
      res = await route(req, info);
    } catch (err) {
      if (statusOf(err) === 500) ctx.log.error(`${req.method} ${new URL(req.url).pathname}`, err);
      res = errorResponse(err);
    }
    return anyOrigin(res);
  };
}

/**
 * Lets a page of another origin read the answer: the manager's Play button (its own origin)
 * streams through hls.js and mpegts.js, which fetch. Safe for any origin: no cookie or other
 * credential is involved, and a stream URL's token is what grants access, to a page or to VLC.
 */
function anyOrigin(res: Response): Response {
  try {
    res.headers.set("access-control-allow-origin", "*");
    return res;
  } catch {
    // Immutable headers (Response.redirect): the same answer with headers of its own.
    const copy = new Response(res.body, res);
    copy.headers.set("access-control-allow-origin", "*");
    return copy;
  }
}

function routes(ctx: ProxyContext) {
  return async (req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>): Promise<Response> => {
    const url = new URL(req.url);
    if (url.pathname === "/healthz") {
      return Response.json({ status: "ok", service: "proxy", name: ctx.config.proxyName });
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      return textResponse(405, "Method not allowed");
    }
    const hls = HLS_PATH.exec(url.pathname);
    if (hls) return await ctx.hls.serve(hls[1], hls[2]);
    const m = STREAM_PATH.exec(url.pathname);
    // The proxy streams only channels it knows; it never fetches a URL a client hands it.
    if (!m) return NOT_FOUND();
    const token = m[1];
    const client = {
      address: info.remoteAddr.hostname,
      userAgent: req.headers.get("user-agent") ?? "",
    };
    // Looked up in this process's caches without reading KV first: the stream's one commit is
    // checked against the stamps they were at (streamChannel). A miss reads the feed and looks
    // again (a playlist or channel added a moment ago, maybe by another process).
    let at = ctx.feed.stamps;
    let member = await ctx.members.find(token, m[2], at);
    if (!member) member = await ctx.members.find(token, m[2], at = await ctx.feed.sync());
    if (!member) return NOT_FOUND();
    if (isHlsChannel(member.channel.channel.url)) {
      member = await ctx.members.find(token, m[2], await ctx.feed.syncTopics(MEMBERSHIP_TOPICS));
      return member ? await ctx.hls.entry(member, token, client) : NOT_FOUND();
    }
    return await streamChannel(ctx, { member, at }, token, client);
  };
}

/**
 * Starts the proxy on SOCKET_ADDRESS:INTERNAL_PROXY_PORT (port 0 picks a free one) and
 * registers it under PROXY_NAME. In `deno task start` it shares the manager's change feed,
 * channel index and playlist members (built on those two); alone it makes its own.
 */
export async function startProxy(
  kv: Deno.Kv,
  config: Config,
  opts: {
    quiet?: boolean;
    feed?: ChangeFeed;
    index?: ChannelIndex;
    members?: PlaylistMembers;
  } = {},
): Promise<RunningProxy> {
  const log = createLogger(config.logLevel, "proxy", config.debug);
  const ownFeed = !opts.feed;
  const feed = opts.feed ??
    await new ChangeFeed(kv, { onError: (err) => log.error("Change feed", err) }).start();
  let index = opts.index;
  const unsubscribe: (() => void)[] = [];
  if (!index) {
    const own = new ChannelIndex();
    unsubscribe.push(feed.subscribe(["channels"], () => own.refresh(kv)));
    await own.load(kv);
    index = own;
  }
  const closing = new AbortController();
  const background = new Set<Promise<unknown>>();
  const members = opts.members ?? new PlaylistMembers(kv, feed, index);
  const ctx = {
    kv,
    config,
    feed,
    index,
    members,
    log,
    clients: new ClientPool(),
    closing: closing.signal,
    own(p: Promise<unknown>) {
      const task = p.then(() => {}, (err) => log.error("Proxy", err));
      background.add(task);
      task.finally(() => background.delete(task));
    },
  } as ProxyContext;
  ctx.sessions = new LiveSessions(kv, { feed, members, log });
  ctx.hub = new UpstreamHub(ctx);
  ctx.hls = new HlsHub(ctx);
  const server = Deno.serve({
    hostname: config.socketAddress,
    port: config.proxyPort,
    onListen: ({ hostname, port }) => {
      if (!opts.quiet) {
        console.log(`Proxy "${config.proxyName}" listening on http://${hostname}:${port}`);
      }
    },
  }, proxyHandler(ctx));
  const port = server.addr.port;
  await registerProxy(kv, {
    name: config.proxyName,
    internalUrl: config.internalProxyUrl,
    internalPort: port,
    externalUrl: config.externalProxyUrl,
    externalPort: config.proxyPort === 0 ? port : config.externalProxyPort,
  });
  await beat(kv, config.proxyName);
  const heartbeat = setInterval(() => ctx.own(beat(kv, config.proxyName)), HEARTBEAT_MS);
  return {
    server,
    port,
    context: ctx,
    async shutdown() {
      clearInterval(heartbeat);
      closing.abort();
      await ctx.sessions.close();
      await ctx.hub.close();
      await ctx.hls.close();
      await server.shutdown();
      await Promise.allSettled([...background]);
      ctx.clients.close();
      for (const u of unsubscribe) u();
      if (ownFeed) await feed.close();
    },
  };
}
