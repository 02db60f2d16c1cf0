/** What the proxy's handlers share. */
import type { Config } from "../common/config.ts";
import type { ChannelIndex } from "../common/db/channel_index.ts";
import type { ChangeFeed } from "../common/kv/change_feed.ts";
import type { Logger } from "../common/log.ts";
import type { ClientPool } from "../common/net/outbound.ts";
import type { PlaylistMembers } from "../common/output/membership.ts";
import type { HlsHub } from "./hls.ts";
import type { LiveSessions } from "./live_sessions.ts";
import type { UpstreamHub } from "./streams.ts";

/** Shared state of one proxy process. */
export interface ProxyContext {
  kv: Deno.Kv;
  config: Config;
  feed: ChangeFeed;
  index: ChannelIndex;
  members: PlaylistMembers;
  sessions: LiveSessions;
  hub: UpstreamHub;
  hls: HlsHub;
  log: Logger;
  /** HTTP clients to upstream addresses, reused across requests */
  clients: ClientPool;
  /** aborted when the proxy stops */
  closing: AbortSignal;
  /** keeps a background task until it settles and logs its failure; shutdown awaits it */
  own(p: Promise<unknown>): void;
}
