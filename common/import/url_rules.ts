/** The seed's first-import rules: which stream URLs start disabled, and which never open. */

/** Schemes the proxy may ever open; anything else (pipe://, file://, data:) never is. */
const NETWORK_SCHEMES = new Set([
  "http",
  "https",
  "rtmp",
  "rtmps",
  "rtmpe",
  "rtmpt",
  "rtsp",
  "rtsps",
  "mms",
  "mmsh",
  "mmst",
  "mmsu",
  "udp",
  "rtp",
  "srt",
]);

/** The rule settings (ALLOWED_URL_SCHEMES, BLOCKED_PATH_TYPES, BLOCKED_URL_REGEXS). */
export interface UrlRules {
  allowedUrlSchemes: string[];
  blockedPathTypes: string[];
  blockedUrlRegexes: string[];
}

/** Compiled rules, ready to check many URLs. */
export interface CompiledUrlRules {
  schemes: Set<string>;
  pathTypes: string[];
  regexes: RegExp[];
}

/** Compiles the rule settings once per import. */
export function compileUrlRules(rules: UrlRules): CompiledUrlRules {
  return {
    schemes: new Set(rules.allowedUrlSchemes.map((s) => s.toLowerCase())),
    pathTypes: rules.blockedPathTypes.map((s) => s.toLowerCase()),
    regexes: rules.blockedUrlRegexes.map((r) => new RegExp(r)),
  };
}

/** The URL's scheme in lower case, or "" when the text is not an absolute URL. */
export function urlScheme(url: string): string {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url);
  return m ? m[1].toLowerCase() : "";
}

/** True when a stream URL uses a network scheme the proxy may open at all. */
export function isNetworkUrl(url: string): boolean {
  return NETWORK_SCHEMES.has(urlScheme(url));
}

/**
 * Why a channel with this URL starts disabled, or null when it may start enabled. Non-network
 * URLs are always refused, whatever ALLOWED_URL_SCHEMES says.
 */
export function blockedReason(url: string, rules: CompiledUrlRules): string | null {
  const scheme = urlScheme(url);
  if (!NETWORK_SCHEMES.has(scheme)) {
    return scheme ? `scheme "${scheme}:" is never opened` : "not an absolute URL";
  }
  if (!rules.schemes.has(scheme)) return `scheme "${scheme}" is not in ALLOWED_URL_SCHEMES`;
  let path = "";
  try {
    path = new URL(url).pathname.toLowerCase();
  } catch {
    return "not a valid URL";
  }
  const type = rules.pathTypes.find((t) => path.endsWith(t));
  if (type) return `path ends with "${type}" (BLOCKED_PATH_TYPES)`;
  // The seed used Python's re.match, anchored at the start, so its own defaults never matched
  // a full URL; we search anywhere in the URL, as the defaults intend.
  const re = rules.regexes.find((r) => r.test(url));
  if (re) return `URL matches "${re.source}" (BLOCKED_URL_REGEXS)`;
  return null;
}
