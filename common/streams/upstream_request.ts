/**
 * What the proxy sends upstream for a channel: the stream URL (a relative one resolved against
 * its playlist's URL; Kodi's `URL|User-Agent=…&Referer=…` suffix split off) and the headers the
 * provider expects: the channel's own user agent and referrer (#EXTVLCOPT http-user-agent /
 * http-referrer, or the same as attributes), else the upstream playlist's user agent, else
 * USER_AGENT_STRING.
 */
import type { Channel, UpstreamPlaylist } from "../schemas.ts";

/** The request to make for a channel. */
export interface UpstreamRequest {
  url: string;
  headers: Record<string, string>;
}

/** Removes one pair of surrounding quotes (players write `http-user-agent="VLC"` both ways). */
function unquote(v: string): string {
  const t = v.trim();
  return t.length >= 2 && (t[0] === '"' || t[0] === "'") && t.at(-1) === t[0] ? t.slice(1, -1) : t;
}

function option(c: Channel, name: string): string | undefined {
  for (const [k, v] of c.vlcOpts) if (k.toLowerCase() === name) return unquote(v);
  const attr = c.attrs[name];
  return attr === undefined ? undefined : unquote(attr);
}

/**
 * Splits Kodi's header suffix off a URL: `http://x/a.ts|User-Agent=Foo%20Bar&Referer=http%3A…`
 * (RFC 3986 forbids a raw `|` in a URL, so a `|` always starts the suffix).
 */
export function splitKodiSuffix(raw: string): { url: string; headers: Record<string, string> } {
  const bar = raw.indexOf("|");
  if (bar < 0) return { url: raw, headers: {} };
  const headers: Record<string, string> = {};
  for (const pair of raw.slice(bar + 1).split("&")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    try {
      headers[decodeURIComponent(pair.slice(0, eq)).trim()] = decodeURIComponent(
        pair.slice(eq + 1),
      );
    } catch {
      headers[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
    }
  }
  return { url: raw.slice(0, bar), headers };
}

/** Builds the upstream request of a channel; throws TypeError for a URL that is no URL. */
export function upstreamRequest(
  channel: Channel,
  upstream: Pick<UpstreamPlaylist, "url">,
  opts: { playlistUserAgent: string | null; defaultUserAgent: string },
): UpstreamRequest {
  const { url: raw, headers: kodi } = splitKodiSuffix(channel.url.trim());
  // A relative stream URL ("stream/chunklist.m3u8") is relative to its playlist's URL.
  const base = /^https?:\/\//i.test(upstream.url) ? upstream.url : undefined;
  const url = new URL(raw, base).href;
  const headers: Record<string, string> = {};
  const ua = kodi["User-Agent"] ?? kodi["user-agent"] ?? option(channel, "http-user-agent") ??
    opts.playlistUserAgent ?? opts.defaultUserAgent;
  headers["user-agent"] = ua;
  const referrer = kodi["Referer"] ?? kodi["referer"] ?? option(channel, "http-referrer") ??
    option(channel, "http-referer");
  if (referrer) headers["referer"] = referrer;
  const origin = kodi["Origin"] ?? kodi["origin"] ?? option(channel, "http-origin");
  if (origin) headers["origin"] = origin;
  return { url, headers };
}
