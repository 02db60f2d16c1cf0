/** The Content-Security-Policy of the manager's pages. */

/** What a page may load beyond the default policy. */
export interface CspOptions {
  /** With ICON_CACHE=false pages may show logos from their hosts. */
  externalImages: boolean;
  /**
   * Origins a page's player streams from (a proxy's external address): they join connect-src
   * (hls.js and mpegts.js fetch the stream), and media-src gains blob: (Media Source Extensions
   * hand the video element a blob: URL). Workers stay off: the players run on the page.
   */
  mediaOrigins?: string[];
}

/**
 * Scripts only from this site (the islands bundle; no inline script anywhere, island props travel
 * in data attributes), no framing, forms post only here. Inline styles stay allowed.
 */
export function contentSecurityPolicy(opts: CspOptions): string {
  const media = opts.mediaOrigins ?? [];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data:${opts.externalImages ? " http: https:" : ""}`,
    ["connect-src 'self'", ...media].join(" "),
    ...(media.length ? ["media-src 'self' blob:"] : []),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
