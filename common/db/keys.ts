/**
 * Every Deno KV key of the product is built here; no key literal appears elsewhere.
 * Collections are plural snake_case; indexes are `<collection>_by_<field>` and hold ids.
 */

// --- settings ---------------------------------------------------------------------------------
/** A named instance-wide setting (the generated secret key, the schema version). */
export const settingKey = (name: string) => ["settings", name] as const;

// --- admin users, login sessions, API tokens ----------------------------------------------------
/** An admin user. */
export const userKey = (id: string) => ["users", id] as const;
/** Prefix of all admin users. */
export const usersPrefix = () => ["users"] as const;
/** Unique index: user name (lower case) to user id. */
export const usersByNameKey = (name: string) => ["users_by_name", name.toLowerCase()] as const;
/** A login session, keyed by the SHA-256 of its cookie value. */
export const loginSessionKey = (tokenHash: string) => ["login_sessions", tokenHash] as const;
/** An API token. */
export const apiTokenKey = (id: string) => ["api_tokens", id] as const;
/** Prefix of all API tokens. */
export const apiTokensPrefix = () => ["api_tokens"] as const;
/** Unique index: SHA-256 of the secret to token id. */
export const apiTokensByHashKey = (hash: string) => ["api_tokens_by_hash", hash] as const;
/**
 * Counted login attempts of one client address, one user name (its SHA-256) or one address's
 * known device (see common/auth/throttle.ts). Nothing is rendered from them: no topic.
 */
export const loginAttemptsKey = (scope: string, id: string) =>
  ["login_attempts", scope, id] as const;

// --- user agents ---------------------------------------------------------------------------------
/** An upstream user agent. */
export const userAgentKey = (id: string) => ["user_agents", id] as const;
/** Prefix of all user agents. */
export const userAgentsPrefix = () => ["user_agents"] as const;
/** Unique index: user agent name to id. */
export const userAgentsByNameKey = (name: string) =>
  ["user_agents_by_name", name.toLowerCase()] as const;

// --- upstream playlists, import runs -----------------------------------------------------------
/** An upstream playlist. */
export const upstreamPlaylistKey = (id: string) => ["upstream_playlists", id] as const;
/** Prefix of all upstream playlists. */
export const upstreamPlaylistsPrefix = () => ["upstream_playlists"] as const;
/** Unique index: upstream playlist name to id. */
export const upstreamPlaylistsByNameKey = (name: string) =>
  ["upstream_playlists_by_name", name.toLowerCase()] as const;
/** One run of an import. */
export const importRunKey = (playlistId: string, runId: string) =>
  ["import_runs", playlistId, runId] as const;
/** Prefix of one playlist's import runs (ULIDs: oldest first), or of every playlist's. */
export const importRunsPrefix = (playlistId?: string) =>
  playlistId ? ["import_runs", playlistId] as const : ["import_runs"] as const;
/**
 * Lease that makes sure one import of a playlist runs at a time: the run's id, the generation
 * it writes and its heartbeat (see common/sources/lease.ts).
 */
export const importLockKey = (playlistId: string) => ["import_locks", playlistId] as const;
/** Counter bumped by every admin edit of a playlist's channels (lets an import reconcile). */
export const channelEditsKey = (playlistId: string) => ["channel_edits", playlistId] as const;

// --- groups and channels ---------------------------------------------------------------------
/** A group of an upstream playlist. */
export const groupKey = (playlistId: string, groupId: string) =>
  ["groups", playlistId, groupId] as const;
/** Prefix of one playlist's groups, or of all groups. */
export const groupsPrefix = (playlistId?: string) =>
  playlistId ? ["groups", playlistId] as const : ["groups"] as const;
/** Unique index: group name within a playlist to group id. */
export const groupsByNameKey = (playlistId: string, name: string) =>
  ["groups_by_name", playlistId, name] as const;
/**
 * A chunk of the channels of one generation of a playlist, as an array in file order: the
 * channels whose seq is `firstSeq` up to the next chunk's first seq (a chunk is found from a
 * channel's seq by listing backwards from it). An import writes a whole new generation and
 * switches the playlist to it in one atomic commit when it completed.
 */
export const channelChunkKey = (playlistId: string, generation: string, firstSeq: number) =>
  ["channel_chunks", playlistId, generation, firstSeq] as const;
/** Prefix of one generation of a playlist's channel chunks. */
export const channelsPrefix = (playlistId: string, generation: string) =>
  ["channel_chunks", playlistId, generation] as const;
/**
 * Prefix of every generation of a playlist's channels (the next key part is the generation),
 * or of every playlist's (the next part is the playlist id).
 */
export const channelsOfPlaylistPrefix = (playlistId?: string) =>
  playlistId ? ["channel_chunks", playlistId] as const : ["channel_chunks"] as const;
/**
 * One commit of admin edits to a playlist's channels: which chunks it rewrote (their first seqs),
 * so another process's channel index reloads those chunks alone. Written with the edit, expires.
 */
export const channelEditLogKey = (playlistId: string, id: string) =>
  ["channel_edit_log", playlistId, id] as const;
/** Prefix of one playlist's channel edit log. */
export const channelEditLogPrefix = (playlistId: string) =>
  ["channel_edit_log", playlistId] as const;
/** Prefix of channels stored one per key, as before chunks (read once to migrate them). */
export const legacyChannelsPrefix = () => ["channels"] as const;
/** Where the admin's overrides of a channel live, apart from imported data. */
export const channelOverrideKey = (channelId: string) => ["channel_overrides", channelId] as const;
/** Prefix of all channel overrides. */
export const channelOverridesPrefix = () => ["channel_overrides"] as const;
/** Per-group display name override. */
export const groupOverrideKey = (groupId: string) => ["group_overrides", groupId] as const;
/** Prefix of all group overrides. */
export const groupOverridesPrefix = () => ["group_overrides"] as const;

// --- icons -------------------------------------------------------------------------------------
/** A cached channel icon (its bytes live in DATA_DIR/icons/<id>). */
export const iconKey = (id: string) => ["icons", id] as const;
/** Prefix of all icons (ULIDs: oldest first). */
export const iconsPrefix = () => ["icons"] as const;
/** Unique index: hex SHA-256 of an icon's source URL to its id (URLs can outgrow a key). */
export const iconsBySourceKey = (sourceHash: string) => ["icons_by_source", sourceHash] as const;

// --- guides (upstream EPGs), their import runs and stored generations ---------------------------
/** An upstream guide (EPG). */
export const epgKey = (id: string) => ["epgs", id] as const;
/** Prefix of all upstream guides. */
export const epgsPrefix = () => ["epgs"] as const;
/** Unique index: guide name (lower case) to guide id. */
export const epgsByNameKey = (name: string) => ["epgs_by_name", name.toLowerCase()] as const;
/** One run of a guide import. */
export const epgImportRunKey = (epgId: string, runId: string) =>
  ["epg_import_runs", epgId, runId] as const;
/** Prefix of one guide's import runs (ULIDs: oldest first), or of every guide's. */
export const epgImportRunsPrefix = (epgId?: string) =>
  epgId ? ["epg_import_runs", epgId] as const : ["epg_import_runs"] as const;
/** Lease that makes sure one import of a guide runs at a time (like `importLockKey`). */
export const epgImportLockKey = (epgId: string) => ["epg_import_locks", epgId] as const;
/** Marker of a stored generation of a guide (found and collected when no longer in use). */
export const epgGenerationKey = (epgId: string, generation: string) =>
  ["epg_generations", epgId, generation] as const;
/** Prefix of the generation markers of one guide, or of every guide's. */
export const epgGenerationsPrefix = (epgId?: string) =>
  epgId ? ["epg_generations", epgId] as const : ["epg_generations"] as const;
/** A `<channel>` of one generation of a guide, by its position in the file. */
export const epgChannelKey = (epgId: string, generation: string, seq: number) =>
  ["epg_channels", epgId, generation, seq] as const;
/** Prefix of one generation's channels, every generation's of a guide, or every guide's. */
export const epgChannelsPrefix = (epgId?: string, generation?: string) =>
  epgId === undefined
    ? ["epg_channels"] as const
    : generation
    ? ["epg_channels", epgId, generation] as const
    : ["epg_channels", epgId] as const;
/**
 * Part `part` of the programmes of one guide channel that start on UTC day `day` (days since
 * 1970-01-01); a channel-day is split into parts to stay under KV's 64 KiB value limit.
 */
export const epgProgrammesKey = (
  epgId: string,
  generation: string,
  channel: string,
  day: number,
  part: number,
) => ["epg_programmes", epgId, generation, channel, day, part] as const;
/** Prefix of one channel's programmes, one generation's, every generation's, or every guide's. */
export const epgProgrammesPrefix = (epgId?: string, generation?: string, channel?: string) =>
  epgId === undefined
    ? ["epg_programmes"] as const
    : generation === undefined
    ? ["epg_programmes", epgId] as const
    : channel === undefined
    ? ["epg_programmes", epgId, generation] as const
    : ["epg_programmes", epgId, generation, channel] as const;

// --- what comes next: downstream playlists, guides, proxies, sessions ----------------------------
/** A downstream playlist. */
export const downstreamPlaylistKey = (id: string) => ["downstream_playlists", id] as const;
/** Prefix of all downstream playlists. */
export const downstreamPlaylistsPrefix = () => ["downstream_playlists"] as const;
/** Unique index: downstream playlist name to id. */
export const downstreamPlaylistsByNameKey = (name: string) =>
  ["downstream_playlists_by_name", name.toLowerCase()] as const;
/** Index: a downstream playlist's access token hash to its id. */
export const downstreamPlaylistsByTokenKey = (tokenHash: string) =>
  ["downstream_playlists_by_token", tokenHash] as const;
/** A streaming proxy server. */
export const proxyKey = (id: string) => ["proxies", id] as const;
/** Prefix of all proxies. */
export const proxiesPrefix = () => ["proxies"] as const;
/** Unique index: proxy name to id. */
export const proxiesByNameKey = (name: string) => ["proxies_by_name", name.toLowerCase()] as const;
/** A viewer session of a proxy (live or ended). */
export const proxySessionKey = (sessionId: string) => ["proxy_sessions", sessionId] as const;
/** Prefix of all sessions (ULIDs: oldest first). */
export const proxySessionsPrefix = () => ["proxy_sessions"] as const;
/** A session's fast-changing counters (bytes, last activity): no output depends on them. */
export const proxySessionStatsKey = (sessionId: string) =>
  ["proxy_session_stats", sessionId] as const;
/** An admin's request to end a session, watched by the proxy that serves it. */
export const proxySessionDropKey = (sessionId: string) =>
  ["proxy_session_drops", sessionId] as const;
/** A proxy process's heartbeat (liveness only: no output depends on it). */
export const proxyHeartbeatKey = (proxyName: string) =>
  ["proxy_heartbeats", proxyName.toLowerCase()] as const;
/** Prefix of all proxy heartbeats. */
export const proxyHeartbeatsPrefix = () => ["proxy_heartbeats"] as const;
/** One held connection slot of an upstream playlist (its maxConnections). */
export const connectionSlotKey = (playlistId: string, slot: number) =>
  ["connection_slots", playlistId, slot] as const;
/** Prefix of one upstream playlist's held slots, or of all. */
export const connectionSlotsPrefix = (playlistId?: string) =>
  playlistId ? ["connection_slots", playlistId] as const : ["connection_slots"] as const;
/**
 * One viewing counter of one channel (sessions, watch_ms, bytes, refusals: KvU64 sums, so
 * sessions ending together never conflict; last_watched: a timestamp).
 */
export const channelStatKey = (channelId: string, counter: string) =>
  ["channel_stats", channelId, counter] as const;
/** Prefix of all channel statistics. */
export const channelStatsPrefix = () => ["channel_stats"] as const;

// --- the change feed ---------------------------------------------------------------------------
/**
 * The revision counter of one topic (see common/kv/revisions.ts): bumped in the same atomic
 * commit as every change that an output or a cache depends on.
 */
export const revisionKey = (topic: string) => ["revisions", topic] as const;
