/** A leveled console logger (LOG_LEVEL / the seed's LOGLEVEL). */
import type { LogLevel } from "./config.ts";

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3 };

/** Logs at four levels; messages below the configured level are dropped. */
export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warning(msg: string): void;
  error(msg: string, err?: unknown): void;
}

/** Creates a logger that writes lines like `2026-11-25T14:00:00Z INFO  manager: text`. */
export function createLogger(level: LogLevel, name: string, debug = false): Logger {
  const at = ORDER[level];
  const line = (lvl: LogLevel, msg: string) =>
    `${new Date().toISOString()} ${lvl.toUpperCase().padEnd(7)} ${name}: ${msg}`;
  return {
    debug: (m) => at <= 0 && console.debug(line("debug", m)),
    info: (m) => at <= 1 && console.info(line("info", m)),
    warning: (m) => at <= 2 && console.warn(line("warning", m)),
    error: (m, err) => {
      if (at > 3) return;
      // Stack traces only with DEBUG: the log of a home server is read by people, not tools.
      const why = err instanceof Error ? `: ${err.message}` : err ? `: ${String(err)}` : "";
      console.error(line("error", m + why), debug && err ? err : "");
    },
  };
}
