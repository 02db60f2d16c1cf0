/**
 * Rewrites an HLS playlist (RFC 8216) so every URI in it goes through the proxy: the URI lines
 * of master and media playlists (variants, segments) and the URI attributes of #EXT-X-KEY,
 * #EXT-X-MAP, #EXT-X-MEDIA, #EXT-X-I-FRAME-STREAM-INF, #EXT-X-SESSION-KEY, #EXT-X-PART,
 * #EXT-X-PRELOAD-HINT and #EXT-X-RENDITION-REPORT, relative or absolute. The caller maps each
 * resolved upstream URL to a proxy URL; the original extension stays at the end of the path,
 * since ffmpeg-based players (ffprobe, Jellyfin, Emby) refuse segments without a media one.
 */

/** What a URI in a playlist points at: another playlist, or media (segments, keys, maps). */
export type RefKind = "playlist" | "media";

/** Maps a resolved upstream URL to the URL to write instead. */
export type MapUri = (url: string, kind: RefKind) => string;

/** Tags whose URI attribute names a playlist rather than media. */
const PLAYLIST_TAGS = new Set([
  "#EXT-X-MEDIA",
  "#EXT-X-I-FRAME-STREAM-INF",
  "#EXT-X-RENDITION-REPORT",
]);

/** Tags that carry a URI attribute. */
const URI_TAGS = new Set([
  ...PLAYLIST_TAGS,
  "#EXT-X-KEY",
  "#EXT-X-SESSION-KEY",
  "#EXT-X-MAP",
  "#EXT-X-PART",
  "#EXT-X-PRELOAD-HINT",
]);

/** Whether text is an HLS playlist (starts with #EXTM3U and holds HLS tags). */
export function isHlsPlaylist(text: string): boolean {
  return /^\uFEFF?#EXTM3U/.test(text) && /#EXT-X-|#EXTINF/.test(text);
}

/** Rewrites every URI of `text`, resolved against `base` (the playlist's own URL). */
export function rewritePlaylist(text: string, base: string, map: MapUri): string {
  const lines = text.split(/\r\n|\n|\r/);
  let nextIsPlaylist = false;
  const out: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "") {
      out.push("");
      continue;
    }
    if (line.startsWith("#")) {
      const colon = line.indexOf(":");
      const tag = colon < 0 ? line : line.slice(0, colon);
      if (tag === "#EXT-X-STREAM-INF") nextIsPlaylist = true;
      if (URI_TAGS.has(tag)) {
        const kind: RefKind = PLAYLIST_TAGS.has(tag) ? "playlist" : "media";
        out.push(line.replace(/URI="([^"]*)"/, (_, uri: string) => {
          return `URI="${map(resolve(uri, base), kind)}"`;
        }));
      } else out.push(line);
      continue;
    }
    out.push(map(resolve(line, base), nextIsPlaylist ? "playlist" : "media"));
    nextIsPlaylist = false;
  }
  return out.join("\n");
}

function resolve(uri: string, base: string): string {
  return new URL(uri, base).href;
}

/** The extension of a URL's path ("" when it has none), lower case, at most 8 characters. */
export function extensionOf(url: string): string {
  const path = new URL(url).pathname;
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(path);
  return m ? `.${m[1].toLowerCase()}` : "";
}
