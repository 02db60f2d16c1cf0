/**
 * What each API request needs of an API token's scope (common/schemas.ts TokenScope), in one
 * place. Reading is allowed only on the paths listed here: an endpoint added later (a backup, a
 * settings export) needs an admin token until it is listed.
 */
import type { TokenScope } from "../../common/schemas.ts";

/** Paths under /api/v1 a read-only token may GET. */
const READABLE = [
  "/user-agents",
  "/upstream-playlists",
  "/groups",
  "/channels",
  "/channel-views",
  "/epgs",
  "/guide-channels",
  "/proxies",
  "/downstream-playlists",
  "/sessions",
  "/stats",
  "/openapi.json",
];
/** The path a metrics token may GET. */
export const METRICS_PATH = "/metrics";

/** The scope a request needs; `apiPath` is the path below /api/v1. */
export function requiredScope(method: string, apiPath: string): TokenScope {
  const reading = method === "GET" || method === "HEAD";
  if (reading && apiPath === METRICS_PATH) return "metrics";
  if (reading && READABLE.some((p) => apiPath === p || apiPath.startsWith(p + "/"))) return "read";
  return "admin";
}

/** True when a token of scope `have` may make a request that needs `need`. */
export function scopeAllows(have: TokenScope, need: TokenScope): boolean {
  if (have === "admin") return true;
  if (have === "read") return need === "read" || need === "metrics";
  return need === "metrics";
}

/** Words for what a scope allows, for the token list and refusals. */
export function describeScope(scope: TokenScope): string {
  return scope === "admin"
    ? "everything an admin can do"
    : scope === "read"
    ? "read everything an admin sees (and metrics), change nothing"
    : "scrape /api/v1/metrics only";
}
