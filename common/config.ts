/**
 * Configuration from environment variables, parsed with zod. Every variable of the seed's
 * manager and proxy has an equivalent here (README.md has the table).
 */
import { z } from "zod";
import { parseCidr } from "./net/ip.ts";

const DEFAULT_USER_AGENT =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/50.0.2661.102 Safari/537.36";

/**
 * Reads a list the way the seed wrote them (`['http', 'https']`), as JSON, or as comma- or
 * newline-separated text.
 */
export function parseListValue(raw: string): string[] {
  const text = raw.trim();
  if (text === "") return [];
  if (text.startsWith("[") && text.endsWith("]")) {
    const items: string[] = [];
    let i = 1;
    const end = text.length - 1;
    while (i < end) {
      const ch = text[i];
      if (ch === "'" || ch === '"') {
        let j = i + 1;
        let value = "";
        while (j < end && text[j] !== ch) {
          if (text[j] === "\\" && j + 1 < end && (text[j + 1] === ch || text[j + 1] === "\\")) {
            value += text[j + 1];
            j += 2;
            continue;
          }
          value += text[j++];
        }
        items.push(value);
        i = j + 1;
      } else if (ch === "," || ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
        i++;
      } else {
        let j = i;
        while (j < end && text[j] !== ",") j++;
        const bare = text.slice(i, j).trim();
        if (bare) items.push(bare);
        i = j + 1;
      }
    }
    return items;
  }
  return text.split(text.includes("\n") ? /\r?\n/ : ",").map((s) => s.trim()).filter(Boolean);
}

const boolText = z.string().trim().toLowerCase().transform((v, ctx) => {
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off", ""].includes(v)) return false;
  ctx.addIssue({ code: "custom", message: `must be true or false (got "${v}")` });
  return z.NEVER;
});

function intText(min: number, max: number) {
  return z.string().trim().transform((v, ctx) => {
    const n = Number(v);
    if (!/^-?\d+$/.test(v) || n < min || n > max) {
      ctx.addIssue({
        code: "custom",
        message: `must be a whole number from ${min} to ${max} (got "${v}")`,
      });
      return z.NEVER;
    }
    return n;
  });
}

function secondsText() {
  return z.string().trim().transform((v, ctx) => {
    const n = Number(v);
    if (v === "" || !Number.isFinite(n) || n <= 0 || n > 86_400) {
      ctx.addIssue({ code: "custom", message: `must be a number of seconds above 0 (got "${v}")` });
      return z.NEVER;
    }
    return n;
  });
}

const urlText = z.string().trim().transform((v, ctx) => {
  try {
    const u = new URL(v);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
    return v.replace(/\/+$/, "");
  } catch {
    ctx.addIssue({ code: "custom", message: `must be an http(s) URL (got "${v}")` });
    return z.NEVER;
  }
});

const listText = z.string().transform((v) => parseListValue(v));

const cidrListText = z.string().transform((v, ctx) => {
  const items = parseListValue(v);
  for (const item of items) {
    if (!parseCidr(item)) {
      ctx.addIssue({ code: "custom", message: `"${item}" is not an IP address or CIDR range` });
      return z.NEVER;
    }
  }
  return items;
});

const HOST_NAME = /^\.?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/i;

const hostListText = z.string().transform((v, ctx) => {
  const items = parseListValue(v).map((s) => s.toLowerCase());
  for (const item of items) {
    if (!parseCidr(item) && !HOST_NAME.test(item)) {
      ctx.addIssue({
        code: "custom",
        message: `"${item}" is not a host name, IP address or CIDR range`,
      });
      return z.NEVER;
    }
  }
  return items;
});

const regexListText = z.string().transform((v, ctx) => {
  const items = parseListValue(v);
  for (const item of items) {
    try {
      new RegExp(item);
    } catch (err) {
      ctx.addIssue({
        code: "custom",
        message: `"${item}" is not a valid regular expression: ${(err as Error).message}`,
      });
      return z.NEVER;
    }
  }
  return items;
});

const timeZoneText = z.string().trim().transform((v, ctx) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: v });
    return v;
  } catch {
    ctx.addIssue({ code: "custom", message: `must be an IANA time zone such as UTC (got "${v}")` });
    return z.NEVER;
  }
});

const logLevelText = z.string().trim().toLowerCase().transform((v, ctx) => {
  const map: Record<string, LogLevel> = {
    debug: "debug",
    info: "info",
    warning: "warning",
    warn: "warning",
    error: "error",
    critical: "error",
  };
  if (map[v]) return map[v];
  ctx.addIssue({ code: "custom", message: `must be debug, info, warning or error (got "${v}")` });
  return z.NEVER;
});

/** Log levels, least to most severe. */
export type LogLevel = "debug" | "info" | "warning" | "error";

/** Variables, their defaults and their seed aliases (checked in this order). */
const VARIABLES = {
  dataDir: { env: ["DATA_DIR"], def: "./data", schema: z.string().trim().min(1) },
  kvUrl: { env: ["DENO_KV_URL"], def: "", schema: z.string().trim() },
  socketAddress: { env: ["SOCKET_ADDRESS"], def: "0.0.0.0", schema: z.string().trim().min(1) },
  managementPort: { env: ["INTERNAL_MANAGEMENT_PORT"], def: "8088", schema: intText(0, 65535) },
  proxyPort: { env: ["INTERNAL_PROXY_PORT"], def: "8089", schema: intText(0, 65535) },
  managementUrl: { env: ["MANAGEMENT_URL"], def: "http://localhost", schema: urlText },
  externalManagementPort: {
    env: ["EXTERNAL_MANAGEMENT_PORT"],
    def: "8088",
    schema: intText(1, 65535),
  },
  adminUsername: {
    env: ["ADMIN_USERNAME", "DJANGO_SUPERUSER_USERNAME"],
    def: "admin",
    schema: z.string().trim().min(1).max(64),
  },
  adminEmail: {
    env: ["ADMIN_EMAIL", "DJANGO_SUPERUSER_EMAIL"],
    def: "admin@admin.com",
    schema: z.string().trim(),
  },
  adminPassword: {
    env: ["ADMIN_PASSWORD", "DJANGO_SUPERUSER_PASSWORD"],
    def: "",
    schema: z.string(),
  },
  secretKey: { env: ["SECRET_KEY"], def: "", schema: z.string() },
  allowedHosts: { env: ["ALLOWED_HOSTS"], def: "['*']", schema: listText },
  trustedProxies: { env: ["TRUSTED_PROXIES"], def: "", schema: cidrListText },
  allowedPrivateHosts: { env: ["ALLOWED_PRIVATE_HOSTS"], def: "", schema: hostListText },
  timeZone: { env: ["TIME_ZONE"], def: "UTC", schema: timeZoneText },
  debug: { env: ["DEBUG"], def: "false", schema: boolText },
  logLevel: { env: ["LOG_LEVEL", "LOGLEVEL"], def: "info", schema: logLevelText },
  allowedUrlSchemes: {
    env: ["ALLOWED_URL_SCHEMES"],
    def: "['http', 'https', 'mmsh', 'mmst', 'mmsu', 'mms', 'rtmp', 'rtsp']",
    schema: listText.transform((l) => l.map((s) => s.toLowerCase().replace(/:$/, ""))),
  },
  blockedPathTypes: {
    env: ["BLOCKED_PATH_TYPES"],
    def: "['.m3u', '.mpd']",
    schema: listText.transform((l) => l.map((s) => s.toLowerCase())),
  },
  blockedUrlRegexes: {
    env: ["BLOCKED_URL_REGEXES", "BLOCKED_URL_REGEXS"],
    def: "['output=playlist.m3u[8]?', 'www.youtube.com/']",
    schema: regexListText,
  },
  internalTimeout: { env: ["INTERNAL_TIMEOUT"], def: "1", schema: secondsText() },
  userAgent: { env: ["USER_AGENT_STRING"], def: DEFAULT_USER_AGENT, schema: z.string().min(1) },
  playlistTimeout: { env: ["PLAYLIST_TIMEOUT"], def: "120", schema: secondsText() },
  epgTimeout: { env: ["EPG_TIMEOUT"], def: "120", schema: secondsText() },
  iconTimeout: { env: ["ICON_TIMEOUT"], def: "15", schema: secondsText() },
  iconCache: { env: ["ICON_CACHE"], def: "true", schema: boolText },
  maxPlaylistMb: { env: ["MAX_PLAYLIST_MB"], def: "256", schema: intText(1, 65536) },
  maxEpgMb: { env: ["MAX_EPG_MB"], def: "1024", schema: intText(1, 65536) },
  maxPlaylistEntries: {
    env: ["MAX_PLAYLIST_ENTRIES"],
    def: "1000000",
    schema: intText(1, 100_000_000),
  },
  reportingTimeout: { env: ["REPORTING_TIMEOUT"], def: "5", schema: secondsText() },
  proxyName: { env: ["PROXY_NAME"], def: "IPTV-Proxy", schema: z.string().trim().min(1) },
  internalProxyUrl: { env: ["INTERNAL_PROXY_URL"], def: "http://localhost", schema: urlText },
  externalProxyUrl: { env: ["EXTERNAL_PROXY_URL"], def: "http://localhost", schema: urlText },
  externalProxyPort: { env: ["EXTERNAL_PROXY_PORT"], def: "8089", schema: intText(1, 65535) },
  streamTimeout: { env: ["STREAM_TIMEOUT"], def: "15", schema: secondsText() },
  hlsIdleTimeout: { env: ["HLS_IDLE_TIMEOUT"], def: "30", schema: secondsText() },
} as const;

type Vars = typeof VARIABLES;

/** The parsed configuration both services run with. */
export type Config = { [K in keyof Vars]: z.output<Vars[K]["schema"]> } & {
  /** True when ADMIN_PASSWORD (or its alias) was set. */
  adminPasswordConfigured: boolean;
};

/** Environment variables that were read only for compatibility and have no effect here. */
export const IGNORED_SEED_VARIABLES = ["REPORTING_URL", "REPORTING_PORT"] as const;

/** Raised with a message naming each bad variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment (or the given map) into a Config, naming any bad variable. */
export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(VARIABLES)) {
    const name = spec.env.find((n) => env[n] !== undefined);
    const raw = name ? env[name]! : spec.def;
    const parsed = (spec.schema as z.ZodType).safeParse(raw);
    if (parsed.success) {
      out[key] = parsed.data;
    } else {
      const shown = name ?? spec.env[0];
      problems.push(`${shown} ${parsed.error.issues.map((i) => i.message).join("; ")}`);
    }
  }
  if (problems.length) {
    throw new ConfigError(`Invalid configuration: ${problems.join(". ")}`);
  }
  const pw = VARIABLES.adminPassword.env.find((n) => env[n] !== undefined && env[n] !== "");
  return { ...(out as Omit<Config, "adminPasswordConfigured">), adminPasswordConfigured: !!pw };
}

/** The table of variables for the README and the settings page: name, aliases, default. */
export function describeVariables(): { name: string; aliases: string[]; default: string }[] {
  return Object.values(VARIABLES).map((v) => ({
    name: v.env[0],
    aliases: v.env.slice(1),
    default: v.def,
  }));
}
