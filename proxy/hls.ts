/**
 * HLS channels through the proxy. The entry URL (`/stream/<token>/<channel>.m3u8`) answers the
 * upstream playlist rewritten so every URI in it points at `/hls/<session key>/<ref><ext>`; those
 * answer rewritten playlists and proxied segments. The clients of one channel on one proxy share
 * one HLS channel: one connection slot, one playlist cache (a poll per second at most) and one
 * segment cache. A session lives while its client requests playlists or segments and ends after
 * HLS_IDLE_TIMEOUT without one (or at a drop), and the channel's slot goes with its last session.
 */
import { UpstreamError } from "../common/errors.ts";
import type { StreamMember } from "../common/output/membership.ts";
import type { ProxyContext } from "./context.ts";
import { sessionFields } from "./live_sessions.ts";
import { extensionOf, isHlsPlaylist, type RefKind, rewritePlaylist } from "./hls_rewrite.ts";
import { failure, textResponse } from "./streams.ts";
import { type ClientKey, holdUpstream } from "./upstream_slot.ts";
import { allowedHostsFor, openUpstream } from "./upstream_fetch.ts";

/** A playlist fetched this recently is served again without asking upstream. */
const PLAYLIST_FRESH_MS = 1_000;
/** Segments kept per channel (a live window is 3 to 10 of them). */
const SEGMENTS_KEPT = 12;
/** References kept per channel (URLs of a sliding window come and go). */
const REFS_KEPT = 2_000;
/** Largest segment, key or map the proxy holds (bytes). */
const MAX_SEGMENT_BYTES = 64 * 1048576;

const PLAYLIST_TYPE = "application/vnd.apple.mpegurl";

interface Ref {
  url: string;
  kind: RefKind;
}

interface HlsSession {
  key: string;
  id: string;
  channel: HlsChannel;
  client: ClientKey;
  token: string;
  bytes: number;
  lastActivity: number;
}

/** One HLS channel's shared state on this proxy. */
class HlsChannel {
  readonly sessions = new Set<HlsSession>();
  #refs = new Map<string, Ref>();
  #refByUrl = new Map<string, string>();
  #nextRef = 0;
  #playlists = new Map<string, { at: number; text: Promise<string> }>();
  #segments = new Map<string, Promise<{ bytes: Uint8Array; type: string }>>();

  constructor(
    readonly ctx: ProxyContext,
    readonly member: StreamMember,
    readonly entryUrl: string,
    readonly headers: Record<string, string>,
    readonly release: () => Promise<void>,
  ) {}

  /** The reference of an upstream URL (stable while the URL is in use). */
  ref(url: string, kind: RefKind): string {
    let id = this.#refByUrl.get(url);
    if (!id) {
      id = (this.#nextRef++).toString(36);
      this.#refByUrl.set(url, id);
      this.#refs.set(id, { url, kind });
      if (this.#refs.size > REFS_KEPT) {
        const [oldest] = this.#refs.keys();
        this.#refByUrl.delete(this.#refs.get(oldest)!.url);
        this.#refs.delete(oldest);
      }
    }
    return id;
  }

  /** What a reference points at. */
  lookup(ref: string): Ref | undefined {
    return this.#refs.get(ref);
  }

  /** The playlist at `url`, from upstream at most once a second, rewritten for a session. */
  async playlist(url: string, sessionKey: string): Promise<string> {
    let cached = this.#playlists.get(url);
    if (!cached || Date.now() - cached.at > PLAYLIST_FRESH_MS) {
      cached = { at: Date.now(), text: this.#fetchText(url) };
      this.#playlists.set(url, cached);
      cached.text.catch(() => this.#playlists.delete(url));
    }
    const text = await cached.text;
    return rewritePlaylist(text, url, (u, kind) => {
      return `/hls/${sessionKey}/${this.ref(u, kind)}${
        extensionOf(u) || (kind === "playlist" ? ".m3u8" : ".ts")
      }`;
    });
  }

  async #fetchText(url: string): Promise<string> {
    const bytes = await this.#fetchBytes(url);
    const text = new TextDecoder().decode(bytes.bytes);
    if (!isHlsPlaylist(text)) {
      throw new UpstreamError("upstream answered something that is no HLS playlist");
    }
    return text;
  }

  /** A segment (or key, or map), fetched once for every client of the channel. */
  media(url: string): Promise<{ bytes: Uint8Array; type: string }> {
    let got = this.#segments.get(url);
    if (!got) {
      got = this.#fetchBytes(url);
      this.#segments.set(url, got);
      got.catch(() => this.#segments.delete(url));
      if (this.#segments.size > SEGMENTS_KEPT) {
        const [oldest] = this.#segments.keys();
        this.#segments.delete(oldest);
      }
    }
    return got;
  }

  async #fetchBytes(url: string): Promise<{ bytes: Uint8Array; type: string }> {
    const opened = await openUpstream(url, {
      headers: this.headers,
      allowedHosts: allowedHostsFor(
        this.member.upstream.url,
        this.ctx.config.allowedPrivateHosts,
      ),
      timeoutMs: this.ctx.config.streamTimeout * 1000,
      signal: this.ctx.closing,
      clients: this.ctx.clients,
    });
    const parts: Uint8Array[] = [];
    let n = 0;
    if (opened.first) {
      parts.push(opened.first);
      n += opened.first.length;
    }
    while (true) {
      const r = await opened.reader.read();
      if (r.done) break;
      n += r.value.length;
      if (n > MAX_SEGMENT_BYTES) {
        await opened.reader.cancel();
        throw new UpstreamError("a segment over 64 MB");
      }
      parts.push(r.value);
    }
    const bytes = new Uint8Array(n);
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    return { bytes, type: opened.response.headers.get("content-type") ?? "" };
  }
}

/** The HLS channels and sessions of this proxy. */
export class HlsHub {
  #ctx: ProxyContext;
  #channels = new Map<string, HlsChannel>();
  #opening = new Map<string, Promise<HlsChannel>>();
  #sessions = new Map<string, HlsSession>();
  #sweep: ReturnType<typeof setInterval>;

  constructor(ctx: ProxyContext) {
    this.#ctx = ctx;
    this.#sweep = setInterval(() => this.#endIdle(), 1_000);
  }

  /** HLS channels with an upstream slot now (for tests and the overview). */
  get channels(): number {
    return this.#channels.size;
  }

  /** The entry playlist of a channel for a client: its session (new or its own) and the text. */
  async entry(member: StreamMember, token: string, client: ClientKey): Promise<Response> {
    let channel: HlsChannel;
    try {
      channel = await this.#channel(member, client);
    } catch (err) {
      return failure(this.#ctx, member, err);
    }
    const session =
      [...channel.sessions].find((s) =>
        s.client.address === client.address && s.client.userAgent === client.userAgent &&
        s.token === token
      ) ?? await this.#start(channel, member, token, client);
    return await this.#answerPlaylist(session, channel.entryUrl);
  }

  /** `/hls/<key>/<ref><ext>`: a playlist or a segment of a live session. */
  async serve(key: string, ref: string): Promise<Response> {
    const session = this.#sessions.get(key);
    if (!session) return textResponse(404, "This HLS session has ended");
    const target = session.channel.lookup(ref);
    if (!target) return textResponse(404, "Not found");
    session.lastActivity = Date.now();
    if (target.kind === "playlist") return await this.#answerPlaylist(session, target.url);
    try {
      const { bytes, type } = await session.channel.media(target.url);
      if (!this.#sessions.has(key)) return textResponse(404, "This HLS session has ended");
      session.bytes += bytes.length;
      session.lastActivity = Date.now();
      return new Response(bytes as BodyInit, {
        headers: {
          "content-type": type || "video/mp2t",
          "content-length": String(bytes.length),
          "cache-control": "no-store",
        },
      });
    } catch (err) {
      return failure(this.#ctx, session.channel.member, err);
    }
  }

  async #answerPlaylist(session: HlsSession, url: string): Promise<Response> {
    try {
      const text = await session.channel.playlist(url, session.key);
      session.lastActivity = Date.now();
      return new Response(text, {
        headers: {
          "content-type": PLAYLIST_TYPE,
          "cache-control": "no-store",
          "x-session-id": session.id,
        },
      });
    } catch (err) {
      return failure(this.#ctx, session.channel.member, err);
    }
  }

  async #channel(member: StreamMember, client: ClientKey): Promise<HlsChannel> {
    const id = member.channel.channel.id;
    const open = this.#channels.get(id);
    if (open) return open;
    let opening = this.#opening.get(id);
    if (!opening) {
      opening = this.#open(member, client).finally(() => this.#opening.delete(id));
      this.#opening.set(id, opening);
    }
    return await opening;
  }

  async #open(member: StreamMember, client: ClientKey): Promise<HlsChannel> {
    const held = await holdUpstream(this.#ctx, member, client);
    try {
      const { url, headers } = held.request;
      const channel = new HlsChannel(this.#ctx, member, url, headers, held.release);
      // The entry playlist must answer before anyone counts as watching.
      await channel.playlist(url, "probe");
      this.#channels.set(member.channel.channel.id, channel);
      return channel;
    } catch (err) {
      await held.release();
      throw err;
    }
  }

  async #start(
    channel: HlsChannel,
    member: StreamMember,
    token: string,
    client: ClientKey,
  ): Promise<HlsSession> {
    const key = Array.from(
      crypto.getRandomValues(new Uint8Array(16)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    const session: HlsSession = {
      key,
      id: "",
      channel,
      client,
      token,
      bytes: 0,
      lastActivity: Date.now(),
    };
    channel.sessions.add(session);
    this.#sessions.set(key, session);
    const s = await this.#ctx.sessions.start(
      sessionFields(this.#ctx.config.proxyName, member, client, "hls"),
      token,
      {
        cut: (reason) => this.#end(session, reason),
        bytes: () => session.bytes,
        lastActivity: () => session.lastActivity,
      },
    );
    session.id = s.id;
    return session;
  }

  /** Ends a session: its key stops working; the channel's slot goes with its last session. */
  #end(session: HlsSession, reason: string): void {
    if (!this.#sessions.delete(session.key)) return;
    session.channel.sessions.delete(session);
    this.#ctx.own(this.#ctx.sessions.end(session.id, reason));
    const channel = session.channel;
    if (channel.sessions.size === 0) {
      const id = channel.member.channel.channel.id;
      if (this.#channels.get(id) === channel) this.#channels.delete(id);
      this.#ctx.own(channel.release());
    }
  }

  #endIdle(): void {
    const idle = this.#ctx.config.hlsIdleTimeout * 1000;
    const now = Date.now();
    for (const s of [...this.#sessions.values()]) {
      if (now - s.lastActivity > idle) this.#end(s, "idle: the client stopped asking");
    }
  }

  /** Ends every session (the proxy stops). */
  async close(): Promise<void> {
    clearInterval(this.#sweep);
    await Promise.allSettled([...this.#opening.values()]);
    for (const s of [...this.#sessions.values()]) this.#end(s, "the proxy stopped");
  }
}

/** Whether a channel is HLS (its URL names an .m3u8 or .m3u playlist). */
export function isHlsChannel(url: string): boolean {
  try {
    return /\.m3u8?$/i.test(new URL(url.split("|")[0], "http://x/").pathname);
  } catch {
    return false;
  }
}
