/**
 * Notices after a redirect ("Playlist saved"): carried to the next page in a short-lived
 * HttpOnly cookie and shown once, never as text in the URL, where anyone could write a line of
 * their choosing onto our pages with a link.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { isHttps } from "./auth.ts";

/** Name of the notice cookie. */
export const NOTICE_COOKIE = "iptv_notice";
const MAX_CHARS = 500;

/** Redirects (303) to `location` and shows the notice on the page it leads to. */
export function redirectWithNotice(
  c: Context,
  location: string,
  opts: { notice: string },
): Response {
  setCookie(c, NOTICE_COOKIE, opts.notice.slice(0, MAX_CHARS), {
    httpOnly: true,
    sameSite: "Lax",
    secure: isHttps(c),
    path: "/",
    maxAge: 60,
  });
  return c.redirect(location, 303);
}

/** The notice waiting for this page, if any; it is shown once. */
export function takeNotice(c: Context): string | null {
  const message = getCookie(c, NOTICE_COOKIE);
  if (message === undefined) return null;
  deleteCookie(c, NOTICE_COOKIE, { path: "/" });
  return message.slice(0, MAX_CHARS) || null;
}
