/** Renders an assembled downstream playlist as M3U text. */
import { writeM3uEntry } from "../../common/m3u/mod.ts";
import type { M3uEntry } from "../../common/m3u/mod.ts";
import type { AssembledChannel } from "../../common/output/assemble.ts";

/** Where the rendered URLs point. */
export interface RenderOptions {
  guideUrl: string;
  /** `direct`: upstream URLs as they are; `proxy`: through the proxy at `proxyBase`. */
  mode: "proxy" | "direct";
  proxyBase: string;
  streamToken: string;
  /** Maps an upstream logo URL to the URL to publish (the icon cache's, or the same). */
  iconUrl: (src: string) => string;
}

/** The extension kept at the end of a proxied stream URL (players pick demuxers by it). */
export function streamExtension(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch { /* not a URL: use the text */ }
  const m = /\.([a-z0-9]{1,5})$/i.exec(path);
  return m ? `.${m[1].toLowerCase()}` : ".ts";
}

/** The URL a client uses to play one channel. */
export function streamUrl(
  a: Pick<AssembledChannel, "channel">,
  opts: Pick<RenderOptions, "mode" | "proxyBase" | "streamToken">,
): string {
  if (opts.mode === "direct") return a.channel.url;
  return `${opts.proxyBase}/stream/${opts.streamToken}/${a.channel.id}${
    streamExtension(a.channel.url)
  }`;
}

function escapeHeader(v: string): string {
  return v.replace(/"/g, "%22");
}

/** Renders the whole playlist text. */
export function renderM3u(channels: AssembledChannel[], opts: RenderOptions): string {
  const g = escapeHeader(opts.guideUrl);
  const parts = [`#EXTM3U url-tvg="${g}" x-tvg-url="${g}"\n`];
  for (const a of channels) {
    const attrs: Record<string, string> = { ...a.channel.attrs };
    if (a.tvgId) attrs["tvg-id"] = a.tvgId;
    if (a.logo) attrs["tvg-logo"] = opts.iconUrl(a.logo);
    attrs["group-title"] = a.group;
    if (a.number !== null) attrs["tvg-chno"] = String(a.number);
    if (a.override?.name && attrs["tvg-name"] !== undefined) attrs["tvg-name"] = a.override.name;
    const entry: M3uEntry = {
      name: a.name,
      url: streamUrl(a, opts),
      duration: a.channel.duration,
      attrs,
      // Through the proxy, the upstream user agent and referrer are the proxy's business.
      vlcOpts: opts.mode === "direct" ? a.channel.vlcOpts : [],
      kodiProps: a.channel.kodiProps,
      extras: [],
      line: 0,
    };
    parts.push(writeM3uEntry(entry));
  }
  return parts.join("");
}
