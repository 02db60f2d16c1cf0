/** The only way a login redirect target is chosen: a path of this site, nothing else. */

/**
 * Where to go after login: a path of this site, else /admin. The value is resolved against the
 * site's origin and must stay on it; control characters (browsers drop tabs and newlines from
 * URLs, so `/<TAB>/evil.host` becomes `//evil.host`; CR/LF would split the header) and
 * backslashes (read as slashes) are refused before that.
 */
export function safeNext(next: string | undefined, origin: string): string {
  // deno-lint-ignore no-control-regex -- control characters are exactly what is refused here
  if (!next || next.length > 2000 || /[\u0000-\u001f\u007f-\u009f\\]/.test(next)) return "/admin";
  if (!next.startsWith("/") || next.startsWith("//")) return "/admin";
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return "/admin";
  }
  if (url.origin !== new URL(origin).origin) return "/admin";
  return url.pathname + url.search + url.hash;
}
