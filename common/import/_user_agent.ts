/** The user agent an import sends: the source's own, or USER_AGENT_STRING without one. */
import { userAgentKey } from "../db/keys.ts";
import type { UserAgent } from "../schemas.ts";

/** The user agent string of `userAgentId`, or `fallback` (USER_AGENT_STRING) without one. */
export async function userAgentFor(
  kv: Deno.Kv,
  userAgentId: string | null,
  fallback: string,
): Promise<string> {
  if (!userAgentId) return fallback;
  return (await kv.get<UserAgent>(userAgentKey(userAgentId))).value?.userAgent ?? fallback;
}
