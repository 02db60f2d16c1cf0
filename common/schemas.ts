/**
 * Zod schemas of everything stored or crossing an edge; the inferred types are the types used
 * inside. `z` comes from @hono/zod-openapi so the same schemas describe the API document.
 */
import { z } from "@hono/zod-openapi";

const id = z.string().min(1).max(64);
const isoDate = z.string();

// --- user agents ------------------------------------------------------------------------------
/** Input to create or replace a user agent. */
export const UserAgentInput = z.object({
  name: z.string().trim().min(1, "Name is required").max(100),
  userAgent: z.string().trim().min(1, "User agent string is required").max(1000),
}).openapi("UserAgentInput");
/** Input to create or replace a user agent. */
export type UserAgentInput = z.infer<typeof UserAgentInput>;

/** A stored user agent. */
export const UserAgent = UserAgentInput.extend({
  id,
  createdAt: isoDate,
  updatedAt: isoDate,
}).openapi("UserAgent");
/** A stored user agent. */
export type UserAgent = z.infer<typeof UserAgent>;

// --- upstream playlists ------------------------------------------------------------------------
/** Status of an import run. */
export const ImportStatus = z.enum(["running", "ok", "failed"]);
/** Status of an import run. */
export type ImportStatus = z.infer<typeof ImportStatus>;

/** Counts an import run reports. */
export const ImportCounts = z.object({
  entries: z.number().int(),
  channels: z.number().int(),
  added: z.number().int(),
  kept: z.number().int(),
  missing: z.number().int(),
  excluded: z.number().int(),
  disabledByRule: z.number().int(),
  groups: z.number().int(),
  orphans: z.number().int(),
});
/** Counts an import run reports. */
export type ImportCounts = z.infer<typeof ImportCounts>;

/**
 * One run of an import of a source (a playlist's or a guide's): `sourceField` names the source,
 * `counts` is what its kind counts.
 */
export function importRunSchema<K extends string, C extends z.ZodRawShape>(
  sourceField: K,
  counts: z.ZodObject<C>,
) {
  return z.object({
    id,
    ...({ [sourceField]: id } as { [P in K]: typeof id }),
    trigger: z.enum(["manual", "schedule", "api"]),
    status: ImportStatus,
    startedAt: isoDate,
    finishedAt: isoDate.nullable(),
    durationMs: z.number().nullable(),
    bytes: z.number().int(),
    totalBytes: z.number().int().nullable(),
    counts,
    error: z.string().nullable(),
    warnings: z.array(z.string()),
  });
}

/** One run of a playlist import. */
export const ImportRun = importRunSchema("playlistId", ImportCounts).openapi("ImportRun");
/** One run of a playlist import. */
export type ImportRun = z.infer<typeof ImportRun>;

const groupList = z.array(z.string().trim().min(1).max(500)).max(10_000);

/** Checks an import source: exactly one of an http(s) URL or a local path. */
export function checkSource(
  v: { url: string; path: string },
  ctx: { addIssue(issue: { code: "custom"; path: string[]; message: string }): void },
): void {
  if (!v.url && !v.path) {
    ctx.addIssue({ code: "custom", path: ["url"], message: "Give a URL or a local path" });
  }
  if (v.url && v.path) {
    ctx.addIssue({ code: "custom", path: ["path"], message: "Give a URL or a path, not both" });
  }
  if (v.url) {
    let ok = false;
    try {
      const u = new URL(v.url);
      ok = u.protocol === "http:" || u.protocol === "https:";
    } catch { /* reported below */ }
    if (!ok) {
      ctx.addIssue({
        code: "custom",
        path: ["url"],
        message: "URL must start with http:// or https://",
      });
    }
  }
}

/** Input to create or replace an upstream playlist: a URL or a path inside DATA_DIR. */
export const UpstreamPlaylistInput = z.object({
  name: z.string().trim().min(1, "Name is required").max(100),
  url: z.string().trim().max(4000).optional().default(""),
  path: z.string().trim().max(1000).optional().default(""),
  userAgentId: z.string().max(64).nullable().optional().default(null),
  excludedGroups: groupList.optional().default([]),
  maxConnections: z.number().int().min(0).max(10_000).optional().default(1),
  refreshMinutes: z.number().int().min(0).max(525_600).optional().default(1440),
  enabled: z.boolean().optional().default(true),
}).superRefine(checkSource).openapi("UpstreamPlaylistInput");
/** Input to create or replace an upstream playlist. */
export type UpstreamPlaylistInput = z.infer<typeof UpstreamPlaylistInput>;

/** A stored upstream playlist. */
export const UpstreamPlaylist = z.object({
  id,
  name: z.string(),
  url: z.string(),
  path: z.string(),
  userAgentId: z.string().nullable(),
  excludedGroups: z.array(z.string()),
  maxConnections: z.number().int(),
  refreshMinutes: z.number().int(),
  enabled: z.boolean(),
  createdAt: isoDate,
  updatedAt: isoDate,
  /** Generation of channels in use; null before the first completed import. */
  generation: z.string().nullable(),
  /** Attributes of the #EXTM3U line of the last completed import (url-tvg and such). */
  headerAttrs: z.record(z.string(), z.string()),
  lastRunId: z.string().nullable(),
  lastImportedAt: isoDate.nullable(),
}).openapi("UpstreamPlaylist");
/** A stored upstream playlist. */
export type UpstreamPlaylist = z.infer<typeof UpstreamPlaylist>;

// --- groups and channels -----------------------------------------------------------------------
/** A group of an upstream playlist. */
export const Group = z.object({
  id,
  playlistId: id,
  name: z.string(),
  enabled: z.boolean(),
  /** False when the last import did not contain it. */
  present: z.boolean(),
  firstSeenAt: isoDate,
}).openapi("Group");
/** A group of an upstream playlist. */
export type Group = z.infer<typeof Group>;

/** A channel as imported, with its admin-controlled state. */
export const Channel = z.object({
  id,
  playlistId: id,
  groupId: id,
  /** Position in the upstream file (missing channels sort after). */
  seq: z.number().int(),
  name: z.string(),
  url: z.string(),
  duration: z.number(),
  attrs: z.record(z.string(), z.string()),
  vlcOpts: z.array(z.tuple([z.string(), z.string()])),
  kodiProps: z.array(z.tuple([z.string(), z.string()])),
  extGrp: z.string().optional(),
  extras: z.array(z.string()),
  enabled: z.boolean(),
  keepStatus: z.boolean(),
  /** True when the last import did not contain it (it is disabled then, unless keepStatus). */
  missing: z.boolean(),
  /** Why the import rules disabled it on first import (scheme, path type, regex). */
  blockedReason: z.string().nullable(),
  firstSeenAt: isoDate,
  lastSeenAt: isoDate,
}).openapi("Channel");
/** A channel as imported, with its admin-controlled state. */
export type Channel = z.infer<typeof Channel>;

/** Admin changes to a channel's state. */
export const ChannelPatch = z.object({
  enabled: z.boolean().optional(),
  keepStatus: z.boolean().optional(),
}).openapi("ChannelPatch");
/** Admin changes to a channel's state. */
export type ChannelPatch = z.infer<typeof ChannelPatch>;

/** Admin changes to a group. */
export const GroupPatch = z.object({ enabled: z.boolean() }).openapi("GroupPatch");
/** Admin changes to a group. */
export type GroupPatch = z.infer<typeof GroupPatch>;

const boolQuery = z.enum(["true", "false"]).transform((v) => v === "true");

/** Filter of the channel list (query string). */
export const ChannelQuery = z.object({
  playlistId: z.string().max(64).optional(),
  groupId: z.string().max(64).optional(),
  enabled: boolQuery.optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional().default(50),
  cursor: z.string().max(100).optional(),
});
/** Filter of the channel list (query string). */
export type ChannelQuery = z.infer<typeof ChannelQuery>;

// --- admin users, sessions, tokens -------------------------------------------------------------
/** An admin account. */
export const User = z.object({
  id,
  username: z.string(),
  email: z.string(),
  passwordHash: z.string(),
  mustChangePassword: z.boolean(),
  passwordChangedAt: isoDate,
  createdAt: isoDate,
});
/** An admin account. */
export type User = z.infer<typeof User>;

/** A login session (stored under the SHA-256 of its cookie). */
export const LoginSession = z.object({
  userId: id,
  csrfToken: z.string(),
  createdAt: isoDate,
  expiresAt: z.number(),
});
/** A login session. */
export type LoginSession = z.infer<typeof LoginSession>;

/**
 * What an API token may do: `metrics` scrapes /api/v1/metrics only; `read` reads what the admin
 * pages show (and metrics) and changes nothing; `admin` does everything an admin does.
 */
export const TokenScope = z.enum(["read", "metrics", "admin"]).openapi("TokenScope");
/** What an API token may do. */
export type TokenScope = z.infer<typeof TokenScope>;

/** An API token as stored (the secret itself is never stored). */
export const ApiToken = z.object({
  id,
  name: z.string(),
  userId: id,
  hash: z.string(),
  prefix: z.string(),
  /** Absent on tokens made before scopes existed: those are admin tokens. */
  scope: TokenScope.optional(),
  createdAt: isoDate,
  lastUsedAt: isoDate.nullable(),
});
/** An API token as stored. */
export type ApiToken = z.infer<typeof ApiToken>;

/** Input to create an API token; read-only unless another scope is asked for. */
export const ApiTokenInput = z.object({
  name: z.string().trim().min(1).max(100),
  scope: TokenScope.optional().default("read"),
}).openapi("ApiTokenInput");
/** Input to create an API token. */
export type ApiTokenInput = z.infer<typeof ApiTokenInput>;

// --- streaming proxies ---------------------------------------------------------------------------
const httpUrl = z.string().trim().max(500).refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === "http:" || u.protocol === "https:") && u.pathname === "/" &&
      !u.search && !u.hash;
  } catch {
    return false;
  }
}, "Give an http(s) URL without a path, e.g. http://192.168.1.10").transform((v) =>
  v.replace(/\/+$/, "")
);
const port = z.number().int().min(1).max(65535);

/** Input to create or replace a streaming proxy. */
export const ProxyInput = z.object({
  name: z.string().trim().min(1, "Name is required").max(100),
  internalUrl: httpUrl,
  internalPort: port,
  externalUrl: httpUrl,
  externalPort: port,
}).openapi("ProxyInput");
/** Input to create or replace a streaming proxy. */
export type ProxyInput = z.infer<typeof ProxyInput>;

/** A streaming proxy server; playlists point their stream URLs at its external address. */
export const Proxy = ProxyInput.extend({
  id,
  /** "registered" when a proxy process wrote it itself, "manual" when an admin did. */
  source: z.enum(["manual", "registered"]),
  lastSeenAt: isoDate.nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
}).openapi("Proxy");
/** A streaming proxy server. */
export type Proxy = z.infer<typeof Proxy>;

/**
 * A name that devices load as one segment of a URL (`/manager/get/playlist/<name>`): no `/ ? #`
 * or `\\`, no control characters, and not `.` or `..`, which URL parsers remove as dot segments
 * (RFC 3986 §5.2.4), so such a playlist could never be reached.
 */
export function urlSegmentName() {
  return z.string().trim().min(1, "Name is required").max(100)
    .regex(/^[^/?#\\]+$/, "Name cannot contain / ? # or \\ (it is part of the URL)")
    // deno-lint-ignore no-control-regex -- control characters are exactly what is refused here
    .regex(/^[^\u0000-\u001f\u007f]+$/, "Name cannot contain control characters")
    .refine((v) => v !== "." && v !== "..", "Name cannot be . or .. (it is part of the URL)");
}

// --- downstream playlists ------------------------------------------------------------------------
/** How channel-name exclusion filters match. */
export const FilterMode = z.enum(["any", "exact", "prefix", "suffix", "regex"]);
/** How channel-name exclusion filters match. */
export type FilterMode = z.infer<typeof FilterMode>;

/** A group picked for a downstream playlist: the group of that name in one upstream playlist. */
export const GroupPick = z.object({
  playlistId: id,
  name: z.string().trim().min(1).max(500),
}).openapi("GroupPick");
/** A group picked for a downstream playlist. */
export type GroupPick = z.infer<typeof GroupPick>;

/**
 * One entry of a downstream playlist's groups, in output order: a pick, or a bare name (how
 * playlists were saved before picks existed), which matches that name in every upstream playlist.
 */
export const GroupEntry = z.union([z.string().trim().min(1).max(500), GroupPick])
  .openapi("GroupEntry");
/** One entry of a downstream playlist's groups. */
export type GroupEntry = z.infer<typeof GroupEntry>;

/**
 * The fields of a downstream playlist input that choose and number its channels; the editor
 * previews them before they are saved.
 */
export const DownstreamSelection = z.object({
  groups: z.array(GroupEntry).max(5000).default([]),
  excludeFilters: z.array(z.string().min(1).max(500)).max(1000).default([]),
  filterMode: FilterMode.default("any"),
  numbering: z.enum(["keep", "sequential"]).default("keep"),
  numberStart: z.number().int().min(0).max(1_000_000).default(1),
});

/** Adds an issue for each exclude filter that is not a valid regular expression in regex mode. */
export function checkExcludeFilters(
  v: { filterMode: FilterMode; excludeFilters: string[] },
  ctx: z.RefinementCtx,
): void {
  if (v.filterMode !== "regex") return;
  v.excludeFilters.forEach((f, i) => {
    try {
      new RegExp(f, "i");
    } catch (err) {
      ctx.addIssue({
        code: "custom",
        path: ["excludeFilters", i],
        message: `"${f}" is not a valid regular expression: ${(err as Error).message}`,
      });
    }
  });
}

/** Input to create or replace a downstream playlist. */
export const DownstreamPlaylistInput = z.object({
  name: urlSegmentName(),
  proxyId: z.string().max(64).nullable().optional().default(null),
  ...DownstreamSelection.shape,
  streamMode: z.enum(["proxy", "direct"]).default("proxy"),
  guidePastDays: z.number().int().min(0).max(30).default(1),
  guideFutureDays: z.number().int().min(1).max(30).default(7),
  enabled: z.boolean().default(true),
}).superRefine((v, ctx) => {
  checkExcludeFilters(v, ctx);
  if (v.streamMode === "proxy" && !v.proxyId) {
    ctx.addIssue({ code: "custom", path: ["proxyId"], message: "Choose a proxy, or direct mode" });
  }
}).openapi("DownstreamPlaylistInput");
/** Input to create or replace a downstream playlist. */
export type DownstreamPlaylistInput = z.infer<typeof DownstreamPlaylistInput>;

/** A downstream playlist as stored; `token` guards its playlist and guide URLs. */
export const DownstreamPlaylist = z.object({
  id,
  name: z.string(),
  proxyId: z.string().nullable(),
  // Records saved before picks existed hold bare names only; both forms load.
  groups: z.array(z.union([z.string(), z.object({ playlistId: z.string(), name: z.string() })])),
  excludeFilters: z.array(z.string()),
  filterMode: FilterMode,
  numbering: z.enum(["keep", "sequential"]),
  numberStart: z.number().int(),
  streamMode: z.enum(["proxy", "direct"]),
  guidePastDays: z.number().int(),
  guideFutureDays: z.number().int(),
  enabled: z.boolean(),
  token: z.string(),
  streamToken: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
}).openapi("DownstreamPlaylist");
/** A downstream playlist as stored. */
export type DownstreamPlaylist = z.infer<typeof DownstreamPlaylist>;

// --- overrides -----------------------------------------------------------------------------------
/** Admin overrides of one channel, kept apart from imported data; empty fields mean "as imported". */
export const ChannelOverride = z.object({
  name: z.string().trim().max(500).optional(),
  group: z.string().trim().max(500).optional(),
  number: z.number().int().min(0).max(1_000_000).optional(),
  tvgId: z.string().trim().max(500).optional(),
  logo: z.string().trim().max(4000).optional(),
  /** A manual mapping to a guide channel. */
  epg: z.object({ epgId: z.string().max(64), channelId: z.string().max(500) }).optional(),
}).openapi("ChannelOverride");
/** Admin overrides of one channel. */
export type ChannelOverride = z.infer<typeof ChannelOverride>;

/** Admin override of a group: its display name. */
export const GroupOverride = z.object({
  name: z.string().trim().max(500).optional(),
}).openapi("GroupOverride");
/** Admin override of a group. */
export type GroupOverride = z.infer<typeof GroupOverride>;
