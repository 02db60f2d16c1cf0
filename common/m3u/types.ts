/** Attributes of the `#EXTM3U` header line(s) of a playlist. */
export interface M3uHeader {
  /** attributes of the #EXTM3U line(s), e.g. url-tvg, x-tvg-url, tvg-shift, catchup; later repeated #EXTM3U lines merge in */
  attrs: Record<string, string>;
}

/** One playlist entry: an `#EXTINF` line, the directives after it and its URL line. */
export interface M3uEntry {
  /** display name: text after the first comma of #EXTINF that is outside quotes (may contain commas, emoji) */
  name: string;
  /** the URL line, trimmed, exactly as given (never opened by the parser) */
  url: string;
  /** the #EXTINF duration as a number (-1, 0, ...); -1 when missing/unparsable */
  duration: number;
  /** every attribute of the #EXTINF line, in order, values with &amp; decoded to & */
  attrs: Record<string, string>;
  /** #EXTVLCOPT:key=value pairs in order (http-user-agent, http-referrer, ...) */
  vlcOpts: [string, string][];
  /** #KODIPROP:key=value pairs in order */
  kodiProps: [string, string][];
  /** #EXTGRP:value if present (importer uses it as group when there is no group-title) */
  extGrp?: string;
  /** other directive lines between #EXTINF and URL kept verbatim (e.g. "#EXT-X-SOMETHING:..."), for round-tripping */
  extras: string[];
  /** 1-based line number of the #EXTINF line (or of the URL when there was no #EXTINF) */
  line: number;
}

/** A problem found while parsing, e.g. "#EXTINF without a URL" or "URL without #EXTINF". */
export interface M3uIssue {
  /** 1-based line number the issue refers to */
  line: number;
  /** what is wrong, in sentence case */
  message: string;
}

/** Everything a parse produces besides the entries. */
export interface M3uSummary {
  /** merged attributes of every #EXTM3U line */
  header: M3uHeader;
  /** problems found, capped (see `M3uParserOptions.maxIssues`) */
  issues: M3uIssue[];
  /** number of #EXTINF lines with no URL after them */
  orphans: number;
  /** whether any #EXTM3U line was seen */
  sawExtM3u: boolean;
}
